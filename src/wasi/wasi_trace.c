/* The WASI call trace: one line per call, arguments decoded the way a
 * person debugging a "file not found" wants them (paths as strings, flags
 * by name, fds with the guest path or address they stand for) and the
 * result errno by name:
 *
 *   path_open(fd=3 "/data", "x.txt", O_RDONLY) -> ENOENT
 *
 * The dispatcher (wasi.c) comes here only when a trace is set, so a run
 * without one pays a single predictable branch per call.  Inputs are
 * formatted before the call (fd_close must name the fd it closes), outputs
 * after it. */
#include "wasi_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LINE_MAX_LEN 1024
#define PATH_SHOWN 200 /* longer strings are cut, marked with "..." */

typedef struct tline {
  char buf[LINE_MAX_LEN];
  size_t n;
} tline;

static void put(tline *t, const char *fmt, ...) {
  if (t->n >= sizeof t->buf - 1) return;
  va_list ap;
  va_start(ap, fmt);
  int k = vsnprintf(t->buf + t->n, sizeof t->buf - t->n, fmt, ap);
  va_end(ap);
  if (k < 0) return;
  t->n += (size_t)k;
  if (t->n > sizeof t->buf - 1) t->n = sizeof t->buf - 1;
}

static const char *const errno_names[] = {
  "ESUCCESS", "E2BIG", "EACCES", "EADDRINUSE", "EADDRNOTAVAIL", "EAFNOSUPPORT",
  "EAGAIN", "EALREADY", "EBADF", "EBADMSG", "EBUSY", "ECANCELED", "ECHILD",
  "ECONNABORTED", "ECONNREFUSED", "ECONNRESET", "EDEADLK", "EDESTADDRREQ",
  "EDOM", "EDQUOT", "EEXIST", "EFAULT", "EFBIG", "EHOSTUNREACH", "EIDRM",
  "EILSEQ", "EINPROGRESS", "EINTR", "EINVAL", "EIO", "EISCONN", "EISDIR",
  "ELOOP", "EMFILE", "EMLINK", "EMSGSIZE", "EMULTIHOP", "ENAMETOOLONG",
  "ENETDOWN", "ENETRESET", "ENETUNREACH", "ENFILE", "ENOBUFS", "ENODEV",
  "ENOENT", "ENOEXEC", "ENOLCK", "ENOLINK", "ENOMEM", "ENOMSG", "ENOPROTOOPT",
  "ENOSPC", "ENOSYS", "ENOTCONN", "ENOTDIR", "ENOTEMPTY", "ENOTRECOVERABLE",
  "ENOTSOCK", "ENOTSUP", "ENOTTY", "ENXIO", "EOVERFLOW", "EOWNERDEAD", "EPERM",
  "EPIPE", "EPROTO", "EPROTONOSUPPORT", "EPROTOTYPE", "ERANGE", "EROFS",
  "ESPIPE", "ESRCH", "ESTALE", "ETIMEDOUT", "ETXTBSY", "EXDEV", "ENOTCAPABLE",
};

static const char *const filetype_names[] = {
  "UNKNOWN", "BLOCK_DEVICE", "CHARACTER_DEVICE", "DIRECTORY", "REGULAR_FILE",
  "SOCKET_DGRAM", "SOCKET_STREAM", "SYMBOLIC_LINK",
};
static const char *const clock_names[] = {"REALTIME", "MONOTONIC", "PROCESS_CPUTIME", "THREAD_CPUTIME"};
static const char *const whence_names[] = {"SET", "CUR", "END"};
static const char *const advice_names[] = {"NORMAL", "SEQUENTIAL", "RANDOM", "WILLNEED", "DONTNEED", "NOREUSE"};

static void put_enum(tline *t, const char *const *names, size_t n, uint32_t v) {
  if (v < n) put(t, "%s", names[v]);
  else put(t, "%u", v);
}
#define ENUM(t, names, v) put_enum(t, names, sizeof names / sizeof names[0], v)

typedef struct flagname {
  uint32_t bit;
  const char *name;
} flagname;

static void put_flags(tline *t, const flagname *f, uint32_t v, const char *none) {
  int any = 0;
  for (; f->name; f++) {
    if (v & f->bit) {
      put(t, "%s%s", any ? "|" : "", f->name);
      v &= ~f->bit;
      any = 1;
    }
  }
  if (v) put(t, "%s0x%x", any ? "|" : "", v);
  else if (!any) put(t, "%s", none);
}

static const flagname fdflag_names[] = {
  {WASI_FDFLAG_APPEND, "APPEND"}, {WASI_FDFLAG_DSYNC, "DSYNC"},
  {WASI_FDFLAG_NONBLOCK, "NONBLOCK"}, {WASI_FDFLAG_RSYNC, "RSYNC"},
  {WASI_FDFLAG_SYNC, "SYNC"}, {0, NULL}};
static const flagname fst_names[] = {
  {WASI_FSTFLAG_ATIM, "ATIM"}, {WASI_FSTFLAG_ATIM_NOW, "ATIM_NOW"},
  {WASI_FSTFLAG_MTIM, "MTIM"}, {WASI_FSTFLAG_MTIM_NOW, "MTIM_NOW"}, {0, NULL}};
static const flagname sd_names[] = {{WASI_SDFLAG_RD, "RD"}, {WASI_SDFLAG_WR, "WR"}, {0, NULL}};
static const flagname ri_names[] = {
  {WASI_RIFLAG_RECV_PEEK, "PEEK"}, {WASI_RIFLAG_RECV_WAITALL, "WAITALL"}, {0, NULL}};

static void put_str(tline *t, const char *s, size_t len) {
  put(t, "\"");
  for (size_t i = 0; i < len && i < PATH_SHOWN; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (ch == '"' || ch == '\\') put(t, "\\%c", ch);
    else if (ch < 0x20 || ch == 0x7f) put(t, "\\x%02x", ch);
    else put(t, "%c", ch);
  }
  put(t, len > PATH_SHOWN ? "...\"" : "\"");
}

/* A guest string at ptr/len, or <bad pointer>. */
static void put_gstr(tline *t, const wasi_req *c, uint32_t ptr, uint32_t len) {
  if (!wasi_mem_ok(c, ptr, len)) put(t, "<bad pointer>");
  else put_str(t, (const char *)c->mem + ptr, len);
}

static void put_fd(tline *t, const wasi_req *c, uint32_t fd) {
  wasi_fd *e = wasi_fdtable_get(c->w, fd);
  put(t, "fd=%u", fd);
  if (e == NULL) return;
  const char *name = e->preopen ? e->preopen : e->name;
  if (name) {
    put(t, " ");
    put_str(t, name, strlen(name));
  }
}

/* The byte total of a guest iovec list, or "<bad iovecs>". */
static void put_iov(tline *t, const wasi_req *c, uint32_t iovs, uint32_t n) {
  if (!wasi_mem_ok(c, iovs, (uint64_t)n * WASI_IOVEC_SIZE)) {
    put(t, "<bad iovecs>");
    return;
  }
  uint64_t total = 0;
  for (uint32_t i = 0; i < n; i++) total += wasi_ld32(c->mem + iovs + (uint64_t)i * 8 + 4);
  put(t, "%llu bytes", (unsigned long long)total);
}

static uint32_t out32(const wasi_req *c, uint32_t p) {
  return wasi_mem_ok(c, p, 4) ? wasi_ld32(c->mem + p) : 0;
}
static uint64_t out64(const wasi_req *c, uint32_t p) {
  return wasi_mem_ok(c, p, 8) ? wasi_ld64(c->mem + p) : 0;
}

/* O_RDONLY / O_WRONLY / O_RDWR from the rights asked for, then the
 * oflags and fdflags that are set. */
static void put_open_flags(tline *t, uint32_t oflags, uint64_t rights, uint32_t fdflags,
                           uint32_t lookup) {
  int r = (rights & WASI_R_FD_READ) != 0, w = (rights & WASI_R_FD_WRITE) != 0;
  put(t, "%s", w ? (r ? "O_RDWR" : "O_WRONLY") : "O_RDONLY");
  static const flagname of[] = {
    {WASI_OFLAG_CREAT, "O_CREAT"}, {WASI_OFLAG_DIRECTORY, "O_DIRECTORY"},
    {WASI_OFLAG_EXCL, "O_EXCL"}, {WASI_OFLAG_TRUNC, "O_TRUNC"}, {0, NULL}};
  if (oflags) {
    put(t, "|");
    put_flags(t, of, oflags, "");
  }
  static const flagname ff[] = {
    {WASI_FDFLAG_APPEND, "O_APPEND"}, {WASI_FDFLAG_DSYNC, "O_DSYNC"},
    {WASI_FDFLAG_NONBLOCK, "O_NONBLOCK"}, {WASI_FDFLAG_RSYNC, "O_RSYNC"},
    {WASI_FDFLAG_SYNC, "O_SYNC"}, {0, NULL}};
  if (fdflags) {
    put(t, "|");
    put_flags(t, ff, fdflags, "");
  }
  if (!(lookup & WASI_LOOKUP_SYMLINK_FOLLOW)) put(t, "|O_NOFOLLOW");
}

static void put_lookup(tline *t, uint32_t lookup) {
  put(t, "%s", (lookup & WASI_LOOKUP_SYMLINK_FOLLOW) ? "FOLLOW" : "NOFOLLOW");
}

static void put_filestat(tline *t, const wasi_req *c, uint32_t p) {
  if (!wasi_mem_ok(c, p, WASI_FILESTAT_SIZE)) return;
  put(t, " ");
  ENUM(t, filetype_names, c->mem[p + 16]);
  put(t, " size=%llu", (unsigned long long)wasi_ld64(c->mem + p + 32));
}

/* "clock 1000000ns, fd_read fd=3 ..." for poll_oneoff's subscriptions
 * (the first few). */
static void put_subs(tline *t, const wasi_req *c, uint32_t in, uint32_t n) {
  if (!wasi_mem_ok(c, in, (uint64_t)n * WASI_SUBSCRIPTION_SIZE)) {
    put(t, "<bad subscriptions>");
    return;
  }
  for (uint32_t i = 0; i < n && i < 8; i++) {
    const uint8_t *p = c->mem + in + (uint64_t)i * WASI_SUBSCRIPTION_SIZE;
    if (i) put(t, ", ");
    switch (p[8]) {
    case WASI_EVENTTYPE_CLOCK:
      put(t, "clock ");
      ENUM(t, clock_names, wasi_ld32(p + 16));
      put(t, " %s%lluns", (wasi_ld16(p + 40) & WASI_SUBCLOCK_ABSTIME) ? "at " : "",
          (unsigned long long)wasi_ld64(p + 24));
      break;
    case WASI_EVENTTYPE_FD_READ:
    case WASI_EVENTTYPE_FD_WRITE:
      put(t, "%s ", p[8] == WASI_EVENTTYPE_FD_READ ? "read" : "write");
      put_fd(t, c, wasi_ld32(p + 16));
      break;
    default:
      put(t, "type %u", p[8]);
    }
  }
  if (n > 8) put(t, ", ... (%u)", n);
}

static uint32_t category(const char *name) {
  switch (name[0]) {
  case 'a': case 'e': return WH_WASI_TRACE_ARGS;
  case 'c': return WH_WASI_TRACE_CLOCK;
  case 'f': return WH_WASI_TRACE_FS;
  case 'r': return WH_WASI_TRACE_RANDOM;
  case 's': return name[1] == 'o' ? WH_WASI_TRACE_SOCK : WH_WASI_TRACE_POLL;
  case 'p':
    if (name[1] == 'a') return WH_WASI_TRACE_FS;
    if (name[1] == 'o') return WH_WASI_TRACE_POLL;
    return WH_WASI_TRACE_PROC;
  default: return WH_WASI_TRACE_ALL;
  }
}

#define IS(s) (strcmp(name, s) == 0)
#define U(i) ((uint32_t)a[i].i32)
#define U64(i) ((unsigned long long)(uint64_t)a[i].i64)

/* The arguments, before the call. */
static void put_inputs(tline *t, const wasi_req *c, const char *name, const wh_val *a) {
  if (IS("clock_res_get")) ENUM(t, clock_names, U(0));
  else if (IS("clock_time_get")) ENUM(t, clock_names, U(0));
  else if (IS("proc_exit") || IS("proc_raise")) put(t, "%d", a[0].i32);
  else if (IS("random_get")) put(t, "%u bytes", U(1));
  else if (IS("poll_oneoff")) put_subs(t, c, U(0), U(2));
  else if (IS("path_open")) {
    put_fd(t, c, U(0));
    put(t, ", ");
    put_gstr(t, c, U(2), U(3));
    put(t, ", ");
    put_open_flags(t, U(4), (uint64_t)a[5].i64, U(7), U(1));
  } else if (IS("path_symlink")) {
    put_gstr(t, c, U(0), U(1));
    put(t, ", ");
    put_fd(t, c, U(2));
    put(t, ", ");
    put_gstr(t, c, U(3), U(4));
  } else if (IS("path_link")) {
    put_fd(t, c, U(0));
    put(t, ", ");
    put_lookup(t, U(1));
    put(t, ", ");
    put_gstr(t, c, U(2), U(3));
    put(t, ", ");
    put_fd(t, c, U(4));
    put(t, ", ");
    put_gstr(t, c, U(5), U(6));
  } else if (IS("path_rename")) {
    put_fd(t, c, U(0));
    put(t, ", ");
    put_gstr(t, c, U(1), U(2));
    put(t, ", ");
    put_fd(t, c, U(3));
    put(t, ", ");
    put_gstr(t, c, U(4), U(5));
  } else if (IS("path_filestat_get") || IS("path_filestat_set_times")) {
    put_fd(t, c, U(0));
    put(t, ", ");
    put_lookup(t, U(1));
    put(t, ", ");
    put_gstr(t, c, U(2), U(3));
    if (IS("path_filestat_set_times")) {
      put(t, ", atim=%llu, mtim=%llu, ", U64(4), U64(5));
      put_flags(t, fst_names, U(6), "0");
    }
  } else if (name[0] == 'p' && name[1] == 'a') {
    /* path_create_directory, path_readlink, path_remove_directory,
     * path_unlink_file: (fd, path, ...) */
    put_fd(t, c, U(0));
    put(t, ", ");
    put_gstr(t, c, U(1), U(2));
  } else if (name[0] == 'f' || name[0] == 's') {
    if (IS("sched_yield")) return;
    put_fd(t, c, U(0));
    if (IS("fd_read") || IS("fd_write") || IS("sock_send")) {
      put(t, ", ");
      put_iov(t, c, U(1), U(2));
    } else if (IS("fd_pread") || IS("fd_pwrite")) {
      put(t, ", ");
      put_iov(t, c, U(1), U(2));
      put(t, ", offset=%llu", U64(3));
    } else if (IS("sock_recv")) {
      put(t, ", ");
      put_iov(t, c, U(1), U(2));
      if (U(3)) {
        put(t, ", ");
        put_flags(t, ri_names, U(3), "0");
      }
    } else if (IS("fd_seek")) {
      put(t, ", %lld, ", (long long)a[1].i64);
      ENUM(t, whence_names, U(2));
    } else if (IS("fd_advise")) {
      put(t, ", offset=%llu, len=%llu, ", U64(1), U64(2));
      ENUM(t, advice_names, U(3));
    } else if (IS("fd_allocate")) {
      put(t, ", offset=%llu, len=%llu", U64(1), U64(2));
    } else if (IS("fd_filestat_set_size")) {
      put(t, ", %llu", U64(1));
    } else if (IS("fd_filestat_set_times")) {
      put(t, ", atim=%llu, mtim=%llu, ", U64(1), U64(2));
      put_flags(t, fst_names, U(3), "0");
    } else if (IS("fd_fdstat_set_flags") || IS("sock_accept")) {
      put(t, ", ");
      put_flags(t, fdflag_names, U(1), "0");
    } else if (IS("fd_fdstat_set_rights")) {
      put(t, ", base=0x%llx, inheriting=0x%llx", U64(1), U64(2));
    } else if (IS("fd_renumber")) {
      put(t, ", ");
      put_fd(t, c, U(1));
    } else if (IS("fd_readdir")) {
      put(t, ", %u bytes, cookie=%llu", U(2), U64(3));
    } else if (IS("sock_shutdown")) {
      put(t, ", ");
      put_flags(t, sd_names, U(1), "0");
    }
  }
}

/* What a successful call handed back. */
static void put_outputs(tline *t, const wasi_req *c, const char *name, const wh_val *a) {
  if (IS("args_sizes_get") || IS("environ_sizes_get")) {
    put(t, "count=%u, bytes=%u", out32(c, U(0)), out32(c, U(1)));
  } else if (IS("clock_res_get")) {
    put(t, "%llu", (unsigned long long)out64(c, U(1)));
  } else if (IS("clock_time_get")) {
    put(t, "%llu", (unsigned long long)out64(c, U(2)));
  } else if (IS("fd_read") || IS("fd_write") || IS("fd_pread") || IS("fd_pwrite") ||
             IS("sock_send")) {
    put(t, "%u", out32(c, U(IS("fd_pread") || IS("fd_pwrite") || IS("sock_send") ? 4 : 3)));
  } else if (IS("sock_recv")) {
    put(t, "%u", out32(c, U(4)));
  } else if (IS("fd_seek")) {
    put(t, "%llu", (unsigned long long)out64(c, U(3)));
  } else if (IS("fd_tell")) {
    put(t, "%llu", (unsigned long long)out64(c, U(1)));
  } else if (IS("fd_readdir")) {
    put(t, "%u bytes", out32(c, U(4)));
  } else if (IS("path_open") || IS("sock_accept")) {
    uint32_t fd = out32(c, U(IS("path_open") ? 8 : 2));
    put_fd(t, c, fd);
  } else if (IS("fd_fdstat_get")) {
    uint32_t p = U(1);
    if (wasi_mem_ok(c, p, WASI_FDSTAT_SIZE)) {
      ENUM(t, filetype_names, c->mem[p]);
      put(t, ", ");
      put_flags(t, fdflag_names, wasi_ld16(c->mem + p + 2), "0");
    }
  } else if (IS("fd_filestat_get")) {
    put(t, "ok");
    put_filestat(t, c, U(1));
  } else if (IS("path_filestat_get")) {
    put(t, "ok");
    put_filestat(t, c, U(4));
  } else if (IS("fd_prestat_get")) {
    put(t, "dir, name_len=%u", out32(c, U(1) + 4));
  } else if (IS("fd_prestat_dir_name")) {
    put_gstr(t, c, U(1), U(2));
  } else if (IS("path_readlink")) {
    put_gstr(t, c, U(3), out32(c, U(5)));
  } else if (IS("poll_oneoff")) {
    put(t, "%u events", out32(c, U(3)));
  } else {
    put(t, "ok");
  }
}

/* The name a new fd gets in later lines: its guest path (the directory's
 * name joined with the path it was opened by) or "peer ADDRESS". */
static void name_new_fd(wasi_req *c, const char *name, const wh_val *a) {
  int open = IS("path_open");
  uint32_t fd = out32(c, U(open ? 8 : 2));
  wasi_fd *e = wasi_fdtable_get(c->w, fd);
  if (e == NULL) return;
  char buf[PATH_SHOWN * 2 + 4];
  if (open) {
    wasi_fd *dir = wasi_fdtable_get(c->w, U(0));
    const char *base = dir ? (dir->preopen ? dir->preopen : dir->name) : NULL;
    uint32_t len = U(3);
    if (!wasi_mem_ok(c, U(2), len)) return;
    if (len > PATH_SHOWN) len = PATH_SHOWN;
    const char *p = (const char *)c->mem + U(2);
    if (base == NULL || strcmp(base, ".") == 0)
      snprintf(buf, sizeof buf, "%.*s", (int)len, p);
    else
      snprintf(buf, sizeof buf, "%s%s%.*s", base,
               base[0] && base[strlen(base) - 1] == '/' ? "" : "/", (int)len, p);
  } else {
    char peer[80];
    if (wasi_sock_name(e->host, 1, peer, sizeof peer) != 0) return;
    snprintf(buf, sizeof buf, "peer %s", peer);
  }
  free(e->name);
  e->name = strdup(buf);
}

static void emit(wh_wasi *w, tline *t) {
  if (w->trace_fn != NULL) {
    w->trace_fn(w->trace_data, t->buf, t->n);
    return;
  }
  /* One write per line, so lines from two guests never interleave. */
  t->buf[t->n] = '\n';
  for (size_t off = 0; off <= t->n;) {
    ssize_t k = write(w->trace_fd, t->buf + off, t->n + 1 - off);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return;
    off += (size_t)k;
  }
}

int wasi_trace_call(wasi_req *c, const char *name, wasi_handler fn, const wh_val *a,
                    size_t nparams, wh_val *results) {
  int has_result = !IS("proc_exit");
  if (!(category(name) & c->w->trace_mask)) {
    int r = fn(c, a);
    if (has_result) results[0].i32 = r;
    return c->status;
  }
  /* The engine may hand results and args in one array: keep the args
   * for the lines written after the call. */
  wh_val args[10];
  memcpy(args, a, (nparams < 10 ? nparams : 10) * sizeof *a);
  a = args;
  tline t;
  t.n = 0;
  put(&t, "%s(", name);
  put_inputs(&t, c, name, a);
  put(&t, ")");
  if (!has_result) {
    emit(c->w, &t); /* before: the run ends inside the call */
    fn(c, a);
    return c->status;
  }
  int r = fn(c, a);
  results[0].i32 = r;
  if (c->status != 0) {
    put(&t, " -> trap");
  } else if (r != 0) {
    put(&t, " -> ");
    ENUM(&t, errno_names, (uint32_t)r);
  } else {
    if (IS("path_open") || IS("sock_accept")) name_new_fd(c, name, a);
    put(&t, " -> ");
    put_outputs(&t, c, name, a);
  }
  emit(c->w, &t);
  return c->status;
}

int wasi_trace_name_fds(wh_wasi *w) {
  static const char *const stdio[3] = {"<stdin>", "<stdout>", "<stderr>"};
  for (uint32_t i = 0; i < w->nfds; i++) {
    wasi_fd *e = w->fds[i];
    if (e == NULL || e->preopen || e->name) continue;
    char buf[80], addr[72];
    if (i < 3) snprintf(buf, sizeof buf, "%s", stdio[i]);
    else if (e->is_socket && wasi_sock_name(e->host, 0, addr, sizeof addr) == 0)
      snprintf(buf, sizeof buf, "tcp %s", addr); /* a listener */
    else
      continue;
    if ((e->name = strdup(buf)) == NULL) return -1;
  }
  return 0;
}
