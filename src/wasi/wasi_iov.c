/* Guest iovec arrays and blocking/non-blocking waits on host fds, shared
 * by fd_read/fd_write/fd_pread/fd_pwrite and sock_recv/sock_send.  Waits
 * are sliced so that an interrupted guest stops waiting (DESIGN: a
 * runaway guest always stops, a blocked one too). */
#include "wasi_internal.h"

#include <errno.h>
#include <poll.h>
#include <sys/uio.h>

/* Linux caps one read/write at this many bytes anyway; keeping the total
 * below 2 GiB means the count we return always fits the guest's u32. */
#define WASI_IO_TOTAL_MAX 0x7ffff000u

int wasi_iov_gather(const wasi_req *c, uint32_t iovs, uint32_t n,
                    struct iovec *out, unsigned *count, uint64_t *total) {
  *count = 0;
  *total = 0;
  if (!wasi_mem_ok(c, iovs, (uint64_t)n * WASI_IOVEC_SIZE)) return WASI_EFAULT;
  uint32_t use = n < WASI_IOV_MAX ? n : WASI_IOV_MAX;
  uint64_t sum = 0;
  for (uint32_t i = 0; i < use; i++) {
    const uint8_t *p = c->mem + iovs + (uint64_t)i * WASI_IOVEC_SIZE;
    uint32_t ptr = wasi_ld32(p), len = wasi_ld32(p + 4);
    if (!wasi_mem_ok(c, ptr, len)) return WASI_EFAULT;
    if (sum >= WASI_IO_TOTAL_MAX) continue; /* validated, not used */
    if (sum + len > WASI_IO_TOTAL_MAX) len = (uint32_t)(WASI_IO_TOTAL_MAX - sum);
    out[*count].iov_base = c->mem + ptr;
    out[*count].iov_len = len;
    (*count)++;
    sum += len;
  }
  *total = sum;
  return 0;
}

int wasi_interrupted(wasi_req *c) {
  if (c == NULL || c->call == NULL || !wh_call_interrupted(c->call)) return 0;
  c->status = wh_call_interrupt_trap(c->call);
  return 1;
}

int wasi_host_wait(wasi_req *c, int fd, int write, int nonblock) {
  struct pollfd p;
  p.fd = fd;
  p.events = write ? POLLOUT : POLLIN;
  p.revents = 0;
  for (;;) {
    if (!nonblock && wasi_interrupted(c)) return WASI_EINTR;
    int r = poll(&p, 1, nonblock ? 0 : (int)(WASI_WAIT_SLICE_NS / 1000000u));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return wasi_errno_from_host(errno);
    if (r == 0) {
      if (nonblock) return WASI_EAGAIN;
      continue; /* a slice passed: look for an interrupt again */
    }
    return 0; /* ready, hung up or in error: the I/O call reports which */
  }
}
