/* sock_accept / sock_recv / sock_send / sock_shutdown on host sockets the
 * embedder handed in (wh_wasi_config.sockets) and on the connections
 * accepted from them.  Preview 1 cannot create or connect sockets, so
 * these are all a guest can do; any other fd answers ENOTSOCK. */
#include "wasi_internal.h"

#include <errno.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

/* EBADF when not open, ENOTSOCK when not a socket, ENOTCAPABLE when the
 * right is missing: in that order. */
static int sock_check(wh_wasi *w, uint32_t fd, uint64_t rights, wasi_fd **out) {
  wasi_fd *e = wasi_fdtable_get(w, fd);
  *out = e;
  if (e == NULL) return WASI_EBADF;
  if (e->kind != WASI_FD_HOST || !e->is_socket) return WASI_ENOTSOCK;
  if ((e->rights_base & rights) != rights) return WASI_ENOTCAPABLE;
  return 0;
}

/* One sendmsg (out) or recvmsg on the iovecs.  The socket is asked without
 * waiting (mflags has MSG_DONTWAIT unless the guest wants MSG_WAITALL): a
 * blocking guest fd then waits in wasi_host_wait, which an interrupt or a
 * timeout can end, where a blocked kernel call could not be.  The byte
 * count in *done, the received msg_flags in *msg_flags when asked for. */
static int sock_xfer(wasi_req *c, wasi_fd *e, int out, struct iovec *iov, unsigned n,
                     int mflags, size_t *done, int *msg_flags) {
  int nonblock = (e->fdflags & WASI_FDFLAG_NONBLOCK) != 0;
  for (;;) {
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = iov;
    msg.msg_iovlen = n;
    ssize_t k = out ? sendmsg(e->host, &msg, mflags) : recvmsg(e->host, &msg, mflags);
    if (k >= 0) {
      *done = (size_t)k;
      if (msg_flags) *msg_flags = msg.msg_flags;
      return 0;
    }
    if (errno == EINTR) continue;
    if ((errno == EAGAIN || errno == EWOULDBLOCK) && !nonblock) {
      int r = wasi_host_wait(c, e->host, out, 0);
      if (r) return r;
      continue;
    }
    return wasi_errno_from_host(errno);
  }
}

int wasi_call_sock_accept(wasi_req *c, const wh_val *a) {
  uint32_t flags = (uint32_t)a[1].i32, outp = (uint32_t)a[2].i32;
  wasi_fd *e;
  int r = sock_check(c->w, (uint32_t)a[0].i32, WASI_R_SOCK_ACCEPT, &e);
  if (r) return r;
  if (flags & ~(uint32_t)WASI_FDFLAG_NONBLOCK) return WASI_EINVAL;
  if (!wasi_mem_ok(c, outp, 4)) return WASI_EFAULT;
  int nonblock = (e->fdflags & WASI_FDFLAG_NONBLOCK) != 0;
  int host;
  for (;;) {
    if ((r = wasi_host_wait(c, e->host, 0, nonblock)) != 0) return r;
#ifdef __linux__
    host = accept4(e->host, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
#else
    host = accept(e->host, NULL, NULL);
#endif
    if (host >= 0) break;
    if ((errno == EAGAIN || errno == EWOULDBLOCK) && !nonblock) continue;
    if (errno == EINTR || errno == ECONNABORTED) continue;
    return wasi_errno_from_host(errno);
  }
  wasi_fd *n = wasi_fdtable_new_entry();
  if (n == NULL) {
    close(host);
    return WASI_ENOMEM;
  }
  n->kind = WASI_FD_HOST;
  n->host = host;
  wasi_fdtable_classify(n);
  /* The connection's rights never exceed the listener's inheriting ones
   * (a listener handed in has none to give beyond the socket set). */
  n->rights_base &= e->rights_base;
  n->fdflags = (uint16_t)flags;
  uint32_t num;
  if ((r = wasi_fdtable_insert(c->w, n, &num)) != 0) {
    wasi_fdtable_free_entry(n);
    return r;
  }
  wasi_st32(c->mem + outp, num);
  return WASI_ESUCCESS;
}

/* The head of sock_recv and sock_send (fd, iovs, iovs_len in a[0..2]):
 * the socket and its right, the call's flags (flags_ok), its output area
 * (out_ok), then the iovecs, checked in that order. */
static int sock_io(wasi_req *c, const wh_val *a, uint64_t right, int flags_ok, int out_ok,
                   wasi_fd **e, struct iovec *iov, unsigned *n) {
  uint64_t total;
  int r = sock_check(c->w, (uint32_t)a[0].i32, right, e);
  if (r) return r;
  if (!flags_ok) return WASI_EINVAL;
  if (!out_ok) return WASI_EFAULT;
  return wasi_iov_gather(c, (uint32_t)a[1].i32, (uint32_t)a[2].i32, iov, n, &total);
}

int wasi_call_sock_recv(wasi_req *c, const wh_val *a) {
  uint32_t riflags = (uint32_t)a[3].i32;
  uint32_t lenp = (uint32_t)a[4].i32, flagsp = (uint32_t)a[5].i32;
  wasi_fd *e;
  struct iovec iov[WASI_IOV_MAX];
  unsigned n;
  int r = sock_io(c, a, WASI_R_FD_READ,
                  !(riflags & ~(uint32_t)(WASI_RIFLAG_RECV_PEEK | WASI_RIFLAG_RECV_WAITALL)),
                  wasi_mem_ok(c, lenp, 4) && wasi_mem_ok(c, flagsp, 2), &e, iov, &n);
  if (r) return r;
  int mflags = MSG_DONTWAIT;
  if (riflags & WASI_RIFLAG_RECV_PEEK) mflags |= MSG_PEEK;
  if (riflags & WASI_RIFLAG_RECV_WAITALL) mflags = (mflags | MSG_WAITALL) & ~MSG_DONTWAIT;
  size_t got;
  int msg_flags;
  if ((r = sock_xfer(c, e, 0, iov, n, mflags, &got, &msg_flags)) != 0) return r;
  wasi_st32(c->mem + lenp, (uint32_t)got);
  wasi_st16(c->mem + flagsp, (msg_flags & MSG_TRUNC) ? WASI_ROFLAG_RECV_DATA_TRUNCATED : 0);
  return WASI_ESUCCESS;
}

int wasi_call_sock_send(wasi_req *c, const wh_val *a) {
  uint32_t siflags = (uint32_t)a[3].i32, outp = (uint32_t)a[4].i32;
  wasi_fd *e;
  struct iovec iov[WASI_IOV_MAX];
  unsigned n;
  /* siflags has no defined bits */
  int r = sock_io(c, a, WASI_R_FD_WRITE, siflags == 0, wasi_mem_ok(c, outp, 4), &e, iov, &n);
  if (r) return r;
  size_t sent;
  /* MSG_NOSIGNAL: a closed peer is EPIPE for the guest, never SIGPIPE for
   * the host. */
  if ((r = sock_xfer(c, e, 1, iov, n, MSG_NOSIGNAL | MSG_DONTWAIT, &sent, NULL)) != 0)
    return r;
  wasi_st32(c->mem + outp, (uint32_t)sent);
  return WASI_ESUCCESS;
}

int wasi_call_sock_shutdown(wasi_req *c, const wh_val *a) {
  uint32_t how = (uint32_t)a[1].i32;
  wasi_fd *e;
  int r = sock_check(c->w, (uint32_t)a[0].i32, WASI_R_SOCK_SHUTDOWN, &e);
  if (r) return r;
  int h;
  switch (how) {
  case WASI_SDFLAG_RD: h = SHUT_RD; break;
  case WASI_SDFLAG_WR: h = SHUT_WR; break;
  case WASI_SDFLAG_RD | WASI_SDFLAG_WR: h = SHUT_RDWR; break;
  default: return WASI_EINVAL;
  }
  if (shutdown(e->host, h) != 0) return wasi_errno_from_host(errno);
  return WASI_ESUCCESS;
}
