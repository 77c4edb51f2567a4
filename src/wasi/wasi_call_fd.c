/* fd_* file operations.  Data moves through libuv's synchronous uv_fs_*
 * calls (NULL loop, NULL callback) where libuv has one; the rest (lseek,
 * futimens, posix_fadvise, fcntl) is plain POSIX on the descriptor.
 *
 * Non-blocking mode is emulated per guest fd rather than set on the host
 * description: our stdio descriptors are dup()s that share the host's open
 * file description, and flipping O_NONBLOCK there would change Node's own
 * stdout.  So a guest NONBLOCK read polls first and answers EAGAIN (what
 * Go's runtime expects), and a guest blocking read that meets a host
 * description Node made non-blocking waits in poll(2) and retries. */
#include "wasi_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <uv.h>

/* ------------------------------------------------------------------ */
/* stat conversion                                                      */

static uint64_t ts_ns(int64_t sec, int64_t nsec) {
  if (sec < 0) return 0;
  return (uint64_t)sec * 1000000000u + (uint64_t)nsec;
}

void wasi_filestat_from_stat(uint8_t *out, const struct stat *st) {
  memset(out, 0, WASI_FILESTAT_SIZE);
  wasi_st64(out + 0, (uint64_t)st->st_dev);
  wasi_st64(out + 8, (uint64_t)st->st_ino);
  wasi_st8(out + 16, wasi_filetype_from_mode(st->st_mode));
  wasi_st64(out + 24, (uint64_t)st->st_nlink);
  wasi_st64(out + 32, (uint64_t)st->st_size);
  wasi_st64(out + 40, ts_ns(st->st_atim.tv_sec, st->st_atim.tv_nsec));
  wasi_st64(out + 48, ts_ns(st->st_mtim.tv_sec, st->st_mtim.tv_nsec));
  wasi_st64(out + 56, ts_ns(st->st_ctim.tv_sec, st->st_ctim.tv_nsec));
}

static void filestat_from_uv(uint8_t *out, const uv_stat_t *st) {
  memset(out, 0, WASI_FILESTAT_SIZE);
  wasi_st64(out + 0, st->st_dev);
  wasi_st64(out + 8, st->st_ino);
  wasi_st8(out + 16, wasi_filetype_from_mode((unsigned)st->st_mode));
  wasi_st64(out + 24, st->st_nlink);
  wasi_st64(out + 32, st->st_size);
  wasi_st64(out + 40, ts_ns(st->st_atim.tv_sec, st->st_atim.tv_nsec));
  wasi_st64(out + 48, ts_ns(st->st_mtim.tv_sec, st->st_mtim.tv_nsec));
  wasi_st64(out + 56, ts_ns(st->st_ctim.tv_sec, st->st_ctim.tv_nsec));
}

/* ------------------------------------------------------------------ */
/* read / write                                                         */

static void to_uv(const struct iovec *iov, unsigned n, uv_buf_t *bufs) {
  for (unsigned i = 0; i < n; i++)
    bufs[i] = uv_buf_init(iov[i].iov_base, (unsigned)iov[i].iov_len);
}

/* One read or write on a host fd.  offset < 0: at the current position.
 * A stream (pipe, tty, socket, device) is waited for first, in slices
 * that notice an interrupt, so a blocking read of a pipe nobody writes
 * does not pin the guest thread forever; only then does the call block,
 * briefly (another reader of a shared stdin may still win the race). */
static int host_rw(wasi_req *c, wasi_fd *e, int write, const struct iovec *iov,
                   unsigned n, int64_t offset, uint64_t *done) {
  uv_buf_t bufs[WASI_IOV_MAX];
  /* Only reads honour the guest's NONBLOCK on stdio and files: Go sets it
   * on stdio, and its runtime's own printing (println, panics, tracebacks)
   * treats EAGAIN from fd_write as fatal, so a slow reader of stderr would
   * kill it.  A write that must wait simply waits (in slices: see
   * wasi_host_wait).  Sockets are Go's net package's, which waits for
   * EAGAIN in its poller: one slow client must not stall every goroutine. */
  int nonblock = (!write || e->is_socket) && (e->fdflags & WASI_FDFLAG_NONBLOCK) != 0;
  to_uv(iov, n, bufs);
  *done = 0;
  if (n == 0) return 0;
  if (!e->never_waits) {
    int r = wasi_host_wait(c, e->host, write, nonblock);
    if (r) return r;
  }
  for (;;) {
    uv_fs_t req;
    int r;
    if (write && e->is_socket) {
      /* MSG_NOSIGNAL: a client that hung up is EPIPE for the guest, never
       * SIGPIPE for an embedder that does not ignore it as Node does. */
      struct msghdr msg;
      memset(&msg, 0, sizeof msg);
      msg.msg_iov = (struct iovec *)iov;
      msg.msg_iovlen = n;
      ssize_t k = sendmsg(e->host, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
      r = k >= 0 ? (int)k : (errno == EWOULDBLOCK ? UV_EAGAIN : uv_translate_sys_error(errno));
    } else {
      r = write ? uv_fs_write(NULL, &req, e->host, bufs, n, offset, NULL)
                : uv_fs_read(NULL, &req, e->host, bufs, n, offset, NULL);
      uv_fs_req_cleanup(&req);
    }
    if (r == UV_EAGAIN && !nonblock) {
      int w = wasi_host_wait(c, e->host, write, 0);
      if (w) return w;
      continue;
    }
    if (r == UV_EINTR) continue;
    if (r < 0) return wasi_errno_from_uv(r);
    *done = (uint64_t)r;
    return 0;
  }
}

static int capture_write(wh_wasi *w, int which, const struct iovec *iov,
                         unsigned n, uint64_t total) {
  wasi_buf *b = &w->captured[which];
  if (total > WASI_MAX_CAPTURE - b->len) return WASI_ENOSPC;
  if (b->len + total > b->cap) {
    size_t ncap = b->cap ? b->cap : 4096;
    while (ncap < b->len + total) ncap *= 2;
    uint8_t *d = realloc(b->data, ncap);
    if (d == NULL) return WASI_ENOMEM;
    b->data = d;
    b->cap = ncap;
  }
  for (unsigned i = 0; i < n; i++) {
    memcpy(b->data + b->len, iov[i].iov_base, iov[i].iov_len);
    b->len += iov[i].iov_len;
  }
  return 0;
}

/* fd_read, fd_write, fd_pread, fd_pwrite share this. */
static int do_rw(wasi_req *c, const wh_val *a, int write, int positional) {
  uint32_t fd = (uint32_t)a[0].i32, iovs = (uint32_t)a[1].i32,
           niovs = (uint32_t)a[2].i32;
  uint64_t offset = positional ? (uint64_t)a[3].i64 : 0;
  uint32_t outp = (uint32_t)(positional ? a[4].i32 : a[3].i32);
  uint64_t rights = (write ? WASI_R_FD_WRITE : WASI_R_FD_READ) |
                    (positional ? WASI_R_FD_SEEK : 0);
  wasi_fd *e;
  struct iovec iov[WASI_IOV_MAX];
  unsigned n;
  uint64_t total, done = 0;
  int r = wasi_fdtable_check(c->w, fd, rights, &e);
  if (r) return r;
  if (e->filetype == WASI_FILETYPE_DIRECTORY) return WASI_EISDIR;
  if (!wasi_mem_ok(c, outp, 4)) return WASI_EFAULT;
  if ((r = wasi_iov_gather(c, iovs, niovs, iov, &n, &total)) != 0) return r;
  if (positional && offset > INT64_MAX) return WASI_EINVAL;
  switch (e->kind) {
  case WASI_FD_NULL:
    done = write ? total : 0;
    break;
  case WASI_FD_BYTES:
    if (write) return WASI_EBADF;
    if (positional) return WASI_ESPIPE;
    for (unsigned i = 0; i < n && c->w->stdin_pos < c->w->stdin_len; i++) {
      size_t left = c->w->stdin_len - c->w->stdin_pos;
      size_t k = iov[i].iov_len < left ? iov[i].iov_len : left;
      memcpy(iov[i].iov_base, c->w->stdin_bytes + c->w->stdin_pos, k);
      c->w->stdin_pos += k;
      done += k;
    }
    break;
  case WASI_FD_CAPTURE:
    if (!write) return WASI_EBADF;
    if (positional) return WASI_ESPIPE;
    if ((r = capture_write(c->w, e->capture, iov, n, total)) != 0) return r;
    done = total;
    break;
  default:
    if ((r = host_rw(c, e, write, iov, n, positional ? (int64_t)offset : -1,
                     &done)) != 0)
      return r;
    break;
  }
  wasi_st32(c->mem + outp, (uint32_t)done);
  return WASI_ESUCCESS;
}

int wasi_call_fd_read(wasi_req *c, const wh_val *a) { return do_rw(c, a, 0, 0); }
int wasi_call_fd_write(wasi_req *c, const wh_val *a) { return do_rw(c, a, 1, 0); }
int wasi_call_fd_pread(wasi_req *c, const wh_val *a) { return do_rw(c, a, 0, 1); }
int wasi_call_fd_pwrite(wasi_req *c, const wh_val *a) { return do_rw(c, a, 1, 1); }

/* ------------------------------------------------------------------ */
/* seek / tell                                                          */

static int do_seek(wasi_fd *e, int64_t off, int whence, uint64_t *pos) {
  if (e->kind != WASI_FD_HOST) return WASI_ESPIPE;
  off_t r = lseek(e->host, (off_t)off, whence);
  if (r < 0) return wasi_errno_from_host(errno);
  *pos = (uint64_t)r;
  return 0;
}

int wasi_call_fd_seek(wasi_req *c, const wh_val *a) {
  uint32_t fd = (uint32_t)a[0].i32, outp = (uint32_t)a[3].i32;
  int64_t off = a[1].i64;
  uint32_t whence = (uint32_t)a[2].i32;
  wasi_fd *e;
  uint64_t pos = 0;
  /* A seek that cannot move (0 from CUR) is a tell: FD_TELL is enough. */
  uint64_t need = (off == 0 && whence == WASI_WHENCE_CUR)
                      ? (WASI_R_FD_TELL | WASI_R_FD_SEEK) : WASI_R_FD_SEEK;
  e = wasi_fdtable_get(c->w, fd);
  if (e == NULL) return WASI_EBADF;
  if ((e->rights_base & need) == 0) return WASI_ENOTCAPABLE;
  int r;
  int hw;
  switch (whence & 0xff) {
  case WASI_WHENCE_SET: hw = SEEK_SET; break;
  case WASI_WHENCE_CUR: hw = SEEK_CUR; break;
  case WASI_WHENCE_END: hw = SEEK_END; break;
  default: return WASI_EINVAL;
  }
  if (whence > 0xff) return WASI_EINVAL;
  if (!wasi_mem_ok(c, outp, 8)) return WASI_EFAULT;
  if ((r = do_seek(e, off, hw, &pos)) != 0) return r;
  wasi_st64(c->mem + outp, pos);
  return WASI_ESUCCESS;
}

int wasi_call_fd_tell(wasi_req *c, const wh_val *a) {
  uint32_t fd = (uint32_t)a[0].i32, outp = (uint32_t)a[1].i32;
  wasi_fd *e;
  uint64_t pos = 0;
  int r = wasi_fdtable_check(c->w, fd, WASI_R_FD_TELL, &e);
  if (r) return r;
  if (!wasi_mem_ok(c, outp, 8)) return WASI_EFAULT;
  if ((r = do_seek(e, 0, SEEK_CUR, &pos)) != 0) return r;
  wasi_st64(c->mem + outp, pos);
  return WASI_ESUCCESS;
}

/* ------------------------------------------------------------------ */
/* close, renumber, sync                                                */

int wasi_call_fd_close(wasi_req *c, const wh_val *a) {
  return wasi_fdtable_close(c->w, (uint32_t)a[0].i32);
}

int wasi_call_fd_renumber(wasi_req *c, const wh_val *a) {
  return wasi_fdtable_move(c->w, (uint32_t)a[0].i32, (uint32_t)a[1].i32);
}

static int do_sync(wasi_req *c, const wh_val *a, int data_only) {
  wasi_fd *e;
  int r = wasi_fdtable_check(c->w, (uint32_t)a[0].i32,
                        data_only ? WASI_R_FD_DATASYNC : WASI_R_FD_SYNC, &e);
  if (r) return r;
  if (e->kind != WASI_FD_HOST) return WASI_EINVAL;
  uv_fs_t req;
  int u = data_only ? uv_fs_fdatasync(NULL, &req, e->host, NULL)
                    : uv_fs_fsync(NULL, &req, e->host, NULL);
  uv_fs_req_cleanup(&req);
  return wasi_errno_from_uv(u);
}

int wasi_call_fd_sync(wasi_req *c, const wh_val *a) { return do_sync(c, a, 0); }
int wasi_call_fd_datasync(wasi_req *c, const wh_val *a) { return do_sync(c, a, 1); }

/* ------------------------------------------------------------------ */
/* fdstat                                                               */

int wasi_call_fd_fdstat_get(wasi_req *c, const wh_val *a) {
  uint32_t outp = (uint32_t)a[1].i32;
  wasi_fd *e = wasi_fdtable_get(c->w, (uint32_t)a[0].i32);
  if (e == NULL) return WASI_EBADF;
  if (!wasi_mem_ok(c, outp, WASI_FDSTAT_SIZE)) return WASI_EFAULT;
  uint8_t *p = c->mem + outp;
  memset(p, 0, WASI_FDSTAT_SIZE);
  wasi_st8(p, e->filetype);
  wasi_st16(p + 2, e->fdflags);
  wasi_st64(p + 8, e->rights_base);
  wasi_st64(p + 16, e->rights_inheriting);
  return WASI_ESUCCESS;
}

int wasi_call_fd_fdstat_set_flags(wasi_req *c, const wh_val *a) {
  uint32_t flags = (uint32_t)a[1].i32;
  wasi_fd *e;
  int r = wasi_fdtable_check(c->w, (uint32_t)a[0].i32, WASI_R_FD_FDSTAT_SET_FLAGS, &e);
  if (r) return r;
  if (flags & ~(uint32_t)WASI_FDFLAGS_ALL) return WASI_EINVAL;
  /* Linux cannot change the sync flags of an open description (F_SETFL
   * ignores them); say so instead of pretending. */
  uint32_t sync = WASI_FDFLAG_DSYNC | WASI_FDFLAG_RSYNC | WASI_FDFLAG_SYNC;
  if ((flags ^ e->fdflags) & sync) return WASI_ENOTSUP;
  if ((flags & WASI_FDFLAG_APPEND) && e->readonly) return WASI_EROFS;
  if (e->kind == WASI_FD_HOST && !e->shared) {
    /* Our own description (from path_open): keep the host flags in step.
     * A shared one (stdio, handed-in sockets) is emulated only. */
    int fl = fcntl(e->host, F_GETFL);
    if (fl >= 0) {
      fl = (flags & WASI_FDFLAG_APPEND) ? (fl | O_APPEND) : (fl & ~O_APPEND);
      fl = (flags & WASI_FDFLAG_NONBLOCK) ? (fl | O_NONBLOCK) : (fl & ~O_NONBLOCK);
      if (fcntl(e->host, F_SETFL, fl) < 0) return wasi_errno_from_host(errno);
    }
  }
  e->fdflags = (uint16_t)flags;
  return WASI_ESUCCESS;
}

int wasi_call_fd_fdstat_set_rights(wasi_req *c, const wh_val *a) {
  uint64_t base = (uint64_t)a[1].i64, inh = (uint64_t)a[2].i64;
  wasi_fd *e = wasi_fdtable_get(c->w, (uint32_t)a[0].i32);
  if (e == NULL) return WASI_EBADF;
  /* Rights only ever narrow. */
  if ((base & ~e->rights_base) || (inh & ~e->rights_inheriting))
    return WASI_ENOTCAPABLE;
  e->rights_base = base;
  e->rights_inheriting = inh;
  return WASI_ESUCCESS;
}

/* ------------------------------------------------------------------ */
/* filestat                                                             */

int wasi_call_fd_filestat_get(wasi_req *c, const wh_val *a) {
  uint32_t outp = (uint32_t)a[1].i32;
  wasi_fd *e;
  int r = wasi_fdtable_check(c->w, (uint32_t)a[0].i32, WASI_R_FD_FILESTAT_GET, &e);
  if (r) return r;
  if (!wasi_mem_ok(c, outp, WASI_FILESTAT_SIZE)) return WASI_EFAULT;
  uint8_t *p = c->mem + outp;
  if (e->kind != WASI_FD_HOST) {
    memset(p, 0, WASI_FILESTAT_SIZE);
    wasi_st8(p + 16, e->filetype);
    wasi_st64(p + 24, 1);
    return WASI_ESUCCESS;
  }
  uv_fs_t req;
  int u = uv_fs_fstat(NULL, &req, e->host, NULL);
  if (u == 0) filestat_from_uv(p, &req.statbuf);
  uv_fs_req_cleanup(&req);
  if (u == 0 && e->filetype == WASI_FILETYPE_SOCKET_DGRAM) wasi_st8(p + 16, e->filetype);
  return wasi_errno_from_uv(u);
}

int wasi_call_fd_filestat_set_size(wasi_req *c, const wh_val *a) {
  uint64_t size = (uint64_t)a[1].i64;
  wasi_fd *e;
  int r = wasi_fdtable_check(c->w, (uint32_t)a[0].i32, WASI_R_FD_FILESTAT_SET_SIZE, &e);
  if (r) return r;
  if (size > INT64_MAX) return WASI_EINVAL;
  if (e->readonly) return WASI_EROFS;
  if (e->kind != WASI_FD_HOST) return WASI_EINVAL;
  uv_fs_t req;
  int u = uv_fs_ftruncate(NULL, &req, e->host, (int64_t)size, NULL);
  uv_fs_req_cleanup(&req);
  return wasi_errno_from_uv(u);
}

/* Turns wasi (atim, mtim, fstflags) into utimensat's pair; EINVAL for a
 * flag set that asks for both a value and "now". */
int wasi_times_from_flags(uint64_t atim, uint64_t mtim, uint32_t fst,
                          struct timespec *ts) {
  if (fst & ~(uint32_t)0xf) return WASI_EINVAL;
  if ((fst & WASI_FSTFLAG_ATIM) && (fst & WASI_FSTFLAG_ATIM_NOW)) return WASI_EINVAL;
  if ((fst & WASI_FSTFLAG_MTIM) && (fst & WASI_FSTFLAG_MTIM_NOW)) return WASI_EINVAL;
  uint64_t v[2] = {atim, mtim};
  uint32_t set[2] = {WASI_FSTFLAG_ATIM, WASI_FSTFLAG_MTIM};
  uint32_t now[2] = {WASI_FSTFLAG_ATIM_NOW, WASI_FSTFLAG_MTIM_NOW};
  for (int i = 0; i < 2; i++) {
    if (fst & now[i]) {
      ts[i].tv_sec = 0;
      ts[i].tv_nsec = UTIME_NOW;
    } else if (fst & set[i]) {
      ts[i].tv_sec = (time_t)(v[i] / 1000000000u);
      ts[i].tv_nsec = (long)(v[i] % 1000000000u);
    } else {
      ts[i].tv_sec = 0;
      ts[i].tv_nsec = UTIME_OMIT;
    }
  }
  return 0;
}

int wasi_call_fd_filestat_set_times(wasi_req *c, const wh_val *a) {
  wasi_fd *e;
  struct timespec ts[2];
  int r = wasi_fdtable_check(c->w, (uint32_t)a[0].i32, WASI_R_FD_FILESTAT_SET_TIMES, &e);
  if (r) return r;
  if ((r = wasi_times_from_flags((uint64_t)a[1].i64, (uint64_t)a[2].i64,
                                 (uint32_t)a[3].i32, ts)) != 0)
    return r;
  if (e->readonly) return WASI_EROFS;
  if (e->kind != WASI_FD_HOST) return WASI_EINVAL;
  /* futimens keeps nanoseconds; uv_fs_futime takes a double. */
  if (futimens(e->host, ts) != 0) return wasi_errno_from_host(errno);
  return WASI_ESUCCESS;
}

/* ------------------------------------------------------------------ */
/* advise, allocate                                                     */

int wasi_call_fd_advise(wasi_req *c, const wh_val *a) {
  uint64_t off = (uint64_t)a[1].i64, len = (uint64_t)a[2].i64;
  uint32_t advice = (uint32_t)a[3].i32;
  wasi_fd *e;
  int r = wasi_fdtable_check(c->w, (uint32_t)a[0].i32, WASI_R_FD_ADVISE, &e);
  if (r) return r;
  if (advice > 5 || off > INT64_MAX || len > INT64_MAX) return WASI_EINVAL;
  if (e->kind != WASI_FD_HOST) return WASI_ESPIPE;
  if (e->filetype == WASI_FILETYPE_DIRECTORY) return WASI_EBADF;
#ifdef POSIX_FADV_NORMAL
  static const int map[6] = {POSIX_FADV_NORMAL, POSIX_FADV_SEQUENTIAL,
                             POSIX_FADV_RANDOM, POSIX_FADV_WILLNEED,
                             POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE};
  int h = posix_fadvise(e->host, (off_t)off, (off_t)len, map[advice]);
  if (h != 0) return wasi_errno_from_host(h);
#endif
  return WASI_ESUCCESS;
}

int wasi_call_fd_allocate(wasi_req *c, const wh_val *a) {
  uint64_t off = (uint64_t)a[1].i64, len = (uint64_t)a[2].i64;
  wasi_fd *e;
  int r = wasi_fdtable_check(c->w, (uint32_t)a[0].i32, WASI_R_FD_ALLOCATE, &e);
  if (r) return r;
  if (off > INT64_MAX || len > INT64_MAX) return WASI_EINVAL;
  if (off + len > INT64_MAX) return WASI_EFBIG;
  if (len == 0) return WASI_EINVAL;
  if (e->readonly) return WASI_EROFS;
  if (e->kind != WASI_FD_HOST) return WASI_ESPIPE;
  if (e->filetype == WASI_FILETYPE_DIRECTORY) return WASI_EBADF;
  int h = posix_fallocate(e->host, (off_t)off, (off_t)len);
  if (h == EOPNOTSUPP || h == ENOTSUP) {
    /* Some file systems (tmpfs on old kernels, overlay) cannot reserve
     * space; growing the file is what the guest can observe. */
    struct stat st;
    if (fstat(e->host, &st) != 0) return wasi_errno_from_host(errno);
    if ((uint64_t)st.st_size < off + len &&
        ftruncate(e->host, (off_t)(off + len)) != 0)
      return wasi_errno_from_host(errno);
    return WASI_ESUCCESS;
  }
  return wasi_errno_from_host(h);
}

/* ------------------------------------------------------------------ */
/* prestat                                                              */

int wasi_call_fd_prestat_get(wasi_req *c, const wh_val *a) {
  uint32_t outp = (uint32_t)a[1].i32;
  wasi_fd *e = wasi_fdtable_get(c->w, (uint32_t)a[0].i32);
  if (e == NULL || e->preopen == NULL) return WASI_EBADF;
  if (!wasi_mem_ok(c, outp, WASI_PRESTAT_SIZE)) return WASI_EFAULT;
  memset(c->mem + outp, 0, WASI_PRESTAT_SIZE);
  wasi_st8(c->mem + outp, 0); /* preopentype::dir */
  wasi_st32(c->mem + outp + 4, (uint32_t)strlen(e->preopen));
  return WASI_ESUCCESS;
}

int wasi_call_fd_prestat_dir_name(wasi_req *c, const wh_val *a) {
  uint32_t ptr = (uint32_t)a[1].i32, len = (uint32_t)a[2].i32;
  wasi_fd *e = wasi_fdtable_get(c->w, (uint32_t)a[0].i32);
  if (e == NULL || e->preopen == NULL) return WASI_EBADF;
  size_t n = strlen(e->preopen);
  if (len < n) return WASI_ENAMETOOLONG;
  if (!wasi_mem_ok(c, ptr, n)) return WASI_EFAULT;
  memcpy(c->mem + ptr, e->preopen, n);
  return WASI_ESUCCESS;
}
