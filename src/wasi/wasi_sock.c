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
  wasi_fd *e = wasi_fd_get(w, fd);
  *out = e;
  if (e == NULL) return WASI_EBADF;
  if (e->kind != WASI_FD_HOST || !e->is_socket) return WASI_ENOTSOCK;
  if ((e->rights_base & rights) != rights) return WASI_ENOTCAPABLE;
  return 0;
}

int wasi_sock_accept(wasi_call *c, const wh_val *a) {
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
  wasi_fd *n = wasi_fd_alloc();
  if (n == NULL) {
    close(host);
    return WASI_ENOMEM;
  }
  n->kind = WASI_FD_HOST;
  n->host = host;
  wasi_fd_classify(n);
  /* The connection's rights never exceed the listener's inheriting ones
   * (a listener handed in has none to give beyond the socket set). */
  n->rights_base &= e->rights_base;
  n->fdflags = (uint16_t)flags;
  uint32_t num;
  if ((r = wasi_fd_insert(c->w, n, &num)) != 0) {
    wasi_fd_destroy(n);
    return r;
  }
  wasi_st32(c->mem + outp, num);
  return WASI_ESUCCESS;
}

int wasi_sock_recv(wasi_call *c, const wh_val *a) {
  uint32_t iovs = (uint32_t)a[1].i32, niovs = (uint32_t)a[2].i32;
  uint32_t riflags = (uint32_t)a[3].i32;
  uint32_t lenp = (uint32_t)a[4].i32, flagsp = (uint32_t)a[5].i32;
  wasi_fd *e;
  struct iovec iov[WASI_IOV_MAX];
  unsigned n;
  uint64_t total;
  int r = sock_check(c->w, (uint32_t)a[0].i32, WASI_R_FD_READ, &e);
  if (r) return r;
  if (riflags & ~(uint32_t)(WASI_RIFLAG_RECV_PEEK | WASI_RIFLAG_RECV_WAITALL))
    return WASI_EINVAL;
  if (!wasi_mem_ok(c, lenp, 4) || !wasi_mem_ok(c, flagsp, 2)) return WASI_EFAULT;
  if ((r = wasi_iov_gather(c, iovs, niovs, iov, &n, &total)) != 0) return r;
  int mflags = MSG_DONTWAIT;
  if (riflags & WASI_RIFLAG_RECV_PEEK) mflags |= MSG_PEEK;
  if (riflags & WASI_RIFLAG_RECV_WAITALL) mflags = (mflags | MSG_WAITALL) & ~MSG_DONTWAIT;
  int nonblock = (e->fdflags & WASI_FDFLAG_NONBLOCK) != 0;
  ssize_t got;
  struct msghdr msg;
  for (;;) {
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = iov;
    msg.msg_iovlen = n;
    got = recvmsg(e->host, &msg, mflags);
    if (got >= 0) break;
    if (errno == EINTR) continue;
    if ((errno == EAGAIN || errno == EWOULDBLOCK) && !nonblock) {
      if ((r = wasi_host_wait(c, e->host, 0, 0)) != 0) return r;
      continue;
    }
    return wasi_errno_from_host(errno);
  }
  wasi_st32(c->mem + lenp, (uint32_t)got);
  wasi_st16(c->mem + flagsp,
            (msg.msg_flags & MSG_TRUNC) ? WASI_ROFLAG_RECV_DATA_TRUNCATED : 0);
  return WASI_ESUCCESS;
}

int wasi_sock_send(wasi_call *c, const wh_val *a) {
  uint32_t iovs = (uint32_t)a[1].i32, niovs = (uint32_t)a[2].i32;
  uint32_t siflags = (uint32_t)a[3].i32, outp = (uint32_t)a[4].i32;
  wasi_fd *e;
  struct iovec iov[WASI_IOV_MAX];
  unsigned n;
  uint64_t total;
  int r = sock_check(c->w, (uint32_t)a[0].i32, WASI_R_FD_WRITE, &e);
  if (r) return r;
  if (siflags != 0) return WASI_EINVAL; /* siflags has no defined bits */
  if (!wasi_mem_ok(c, outp, 4)) return WASI_EFAULT;
  if ((r = wasi_iov_gather(c, iovs, niovs, iov, &n, &total)) != 0) return r;
  int nonblock = (e->fdflags & WASI_FDFLAG_NONBLOCK) != 0;
  ssize_t sent;
  for (;;) {
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = iov;
    msg.msg_iovlen = n;
    /* MSG_NOSIGNAL: a closed peer is EPIPE for the guest, never SIGPIPE
     * for the host. */
    sent = sendmsg(e->host, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent >= 0) break;
    if (errno == EINTR) continue;
    if ((errno == EAGAIN || errno == EWOULDBLOCK) && !nonblock) {
      if ((r = wasi_host_wait(c, e->host, 1, 0)) != 0) return r;
      continue;
    }
    return wasi_errno_from_host(errno);
  }
  wasi_st32(c->mem + outp, (uint32_t)sent);
  return WASI_ESUCCESS;
}

int wasi_sock_shutdown(wasi_call *c, const wh_val *a) {
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
