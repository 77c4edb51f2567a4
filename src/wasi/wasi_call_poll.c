/* poll_oneoff: clock subscriptions (relative and absolute, on every clock
 * id) and fd read/write readiness.  Pipes, ttys and sockets are polled for
 * real with poll(2); regular files, directories and our in-memory stdio
 * are always ready, as POSIX says of regular files.
 *
 * Every deadline is turned into "nanoseconds from now" on entry and
 * measured afterwards against the monotonic clock, so a realtime jump does
 * not stretch a sleep.  The CPU-time clocks do not advance while we sleep;
 * their deadlines are waited for in real time, which is the earliest they
 * could be reached (a single-threaded guest never burns CPU faster).
 *
 * In deterministic mode clock subscriptions never wait: the fake clock
 * jumps to the earliest deadline (when no fd is ready), so sleeps and
 * timers are consistent with clock_time_get and cost no real time.
 *
 * No wait is longer than WASI_WAIT_SLICE_NS: between slices the call looks
 * whether the embedder interrupted the guest (timeout, AbortSignal) and
 * then traps "interrupted" instead of sleeping on. */
/* POLLRDHUP (Linux): a socket whose peer shut down writing */
#define _GNU_SOURCE 1
#include "wasi_internal.h"
#include "wasi_clock.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The hang-up a read subscription reports: a pipe's writer gone (POLLHUP)
 * or, where the system says it, a socket's peer done writing (POLLRDHUP:
 * what stdin is at its end when the parent gave it a socketpair, as
 * Node's spawn does); POLLHUP alone misses the latter. */
#ifdef POLLRDHUP
#define HANGUP_EVENTS (POLLHUP | POLLERR | POLLRDHUP)
#define READ_EVENTS (POLLIN | POLLRDHUP)
#else
#define HANGUP_EVENTS (POLLHUP | POLLERR)
#define READ_EVENTS POLLIN
#endif

/* More subscriptions than this in one call is not a real program. */
#define WASI_MAX_SUBSCRIPTIONS (1u << 16)

typedef struct sub {
  uint64_t userdata;
  uint8_t type;
  uint16_t error;     /* an event to report at once with this error */
  int ready;          /* ready without waiting (files, virtual stdio) */
  uint64_t nbytes;
  uint16_t rwflags;
  uint64_t wait_ns;   /* clocks: time left when the call began */
  int pfd;            /* index into the pollfd array, or -1 */
} sub;

static void put_event(wasi_req *c, uint32_t out, uint32_t *n, const sub *s) {
  uint8_t *p = c->mem + out + (uint64_t)*n * WASI_EVENT_SIZE;
  memset(p, 0, WASI_EVENT_SIZE);
  wasi_st64(p, s->userdata);
  wasi_st16(p + 8, s->error);
  wasi_st8(p + 10, s->type);
  if (s->type != WASI_EVENTTYPE_CLOCK) {
    wasi_st64(p + 16, s->nbytes);
    wasi_st16(p + 24, s->rwflags);
  }
  (*n)++;
}

/* Readiness that needs no waiting, or a pollfd for a host stream. */
static void classify_fd(wasi_req *c, sub *s, uint32_t fd, struct pollfd *pfds,
                        unsigned *npfd) {
  wasi_fd *e = wasi_fdtable_get(c->w, fd);
  int write = s->type == WASI_EVENTTYPE_FD_WRITE;
  if (e == NULL) {
    s->error = WASI_EBADF;
    return;
  }
  if (!(e->rights_base & WASI_R_POLL_FD_READWRITE) ||
      !(e->rights_base & (write ? WASI_R_FD_WRITE : WASI_R_FD_READ))) {
    s->error = e->filetype == WASI_FILETYPE_DIRECTORY ? WASI_EBADF
                                                      : WASI_ENOTCAPABLE;
    return;
  }
  switch (e->kind) {
  case WASI_FD_NULL:
    s->ready = 1;
    if (!write) s->rwflags = WASI_EVENT_FD_READWRITE_HANGUP;
    return;
  case WASI_FD_BYTES:
    if (write) {
      s->error = WASI_EBADF;
      return;
    }
    s->ready = 1;
    s->nbytes = c->w->stdin_len - c->w->stdin_pos;
    if (s->nbytes == 0) s->rwflags = WASI_EVENT_FD_READWRITE_HANGUP;
    return;
  case WASI_FD_CAPTURE:
    if (!write) {
      s->error = WASI_EBADF;
      return;
    }
    s->ready = 1;
    return;
  default:
    break;
  }
  if (e->filetype == WASI_FILETYPE_REGULAR_FILE ||
      e->filetype == WASI_FILETYPE_BLOCK_DEVICE) {
    s->ready = 1;
    if (!write) {
      struct stat st;
      off_t pos = lseek(e->host, 0, SEEK_CUR);
      if (fstat(e->host, &st) == 0 && pos >= 0 && st.st_size > pos)
        s->nbytes = (uint64_t)(st.st_size - pos);
    }
    return;
  }
  s->pfd = (int)*npfd;
  pfds[*npfd].fd = e->host;
  pfds[*npfd].events = write ? POLLOUT : READ_EVENTS;
  pfds[*npfd].revents = 0;
  (*npfd)++;
}

/* Waits up to wait_ns (UINT64_MAX: no limit) for pfds; returns an errno.
 * Interruptible waits are cut to one slice: the caller loops. */
static int wait_for(wasi_req *c, struct pollfd *pfds, unsigned n, uint64_t wait_ns) {
  struct timespec ts, *tp = NULL;
  if (n == 0 && wait_ns == UINT64_MAX) return WASI_EINVAL; /* nothing could wake us */
  if (c->call != NULL && wait_ns > WASI_WAIT_SLICE_NS) wait_ns = WASI_WAIT_SLICE_NS;
  if (wait_ns != UINT64_MAX) {
    uint64_t sec = wait_ns / 1000000000u;
    if (sec > (uint64_t)INT32_MAX * 100) sec = (uint64_t)INT32_MAX * 100;
    ts.tv_sec = (time_t)sec;
    ts.tv_nsec = (long)(wait_ns % 1000000000u);
    tp = &ts;
  }
  if (n == 0) {
    if (tp == NULL) return WASI_EINVAL; /* nothing could ever wake us */
    while (nanosleep(tp, tp) != 0) {
      if (errno != EINTR) return wasi_errno_from_host(errno);
    }
    return 0;
  }
#ifdef __linux__
  int r = ppoll(pfds, n, tp, NULL);
#else
  int ms = tp ? (int)(wait_ns / 1000000u + (wait_ns % 1000000u ? 1 : 0)) : -1;
  if (tp && wait_ns / 1000000u > INT32_MAX) ms = INT32_MAX;
  int r = poll(pfds, n, ms);
#endif
  if (r < 0 && errno != EINTR) return wasi_errno_from_host(errno);
  return 0;
}

int wasi_call_poll_oneoff(wasi_req *c, const wh_val *a) {
  uint32_t in = (uint32_t)a[0].i32, out = (uint32_t)a[1].i32;
  uint32_t nsubs = (uint32_t)a[2].i32, neventsp = (uint32_t)a[3].i32;
  if (!wasi_mem_ok(c, neventsp, 4)) return WASI_EFAULT;
  if (nsubs == 0) return WASI_EINVAL;
  if (!wasi_mem_ok(c, in, (uint64_t)nsubs * WASI_SUBSCRIPTION_SIZE) ||
      !wasi_mem_ok(c, out, (uint64_t)nsubs * WASI_EVENT_SIZE))
    return WASI_EFAULT;
  if (nsubs > WASI_MAX_SUBSCRIPTIONS) return WASI_EINVAL;

  sub *subs = calloc(nsubs, sizeof *subs);
  struct pollfd *pfds = calloc(nsubs, sizeof *pfds);
  if (subs == NULL || pfds == NULL) {
    free(subs);
    free(pfds);
    return WASI_ENOMEM;
  }
  unsigned npfd = 0;
  int immediate = 0, have_clock = 0;
  uint64_t min_wait = UINT64_MAX;
  uint64_t start = 0;
  int fake = c->w->deterministic;
  wasi_clock_now(NULL, WASI_CLOCK_MONOTONIC, &start);
  int err = 0;
  for (uint32_t i = 0; i < nsubs && !err; i++) {
    const uint8_t *p = c->mem + in + (uint64_t)i * WASI_SUBSCRIPTION_SIZE;
    sub *s = &subs[i];
    s->userdata = wasi_ld64(p);
    s->type = p[8];
    s->pfd = -1;
    switch (s->type) {
    case WASI_EVENTTYPE_CLOCK: {
      uint32_t id = wasi_ld32(p + 16);
      uint64_t timeout = wasi_ld64(p + 24);
      uint16_t flags = wasi_ld16(p + 40);
      uint64_t now;
      if ((flags & ~WASI_SUBCLOCK_ABSTIME) || wasi_clock_now(NULL, id, &now) != 0) {
        s->error = WASI_EINVAL;
        break;
      }
      if (fake) now = wasi_clock_fake(c->w, id, 0);
      if (flags & WASI_SUBCLOCK_ABSTIME)
        s->wait_ns = timeout > now ? timeout - now : 0; /* past: at once */
      else
        s->wait_ns = timeout;
      have_clock = 1;
      if (s->wait_ns < min_wait) min_wait = s->wait_ns;
      break;
    }
    case WASI_EVENTTYPE_FD_READ:
    case WASI_EVENTTYPE_FD_WRITE:
      classify_fd(c, s, wasi_ld32(p + 16), pfds, &npfd);
      break;
    default:
      err = WASI_EINVAL;
      break;
    }
    if (s->error || s->ready) immediate = 1;
  }
  if (err) {
    free(subs);
    free(pfds);
    return err;
  }
  (void)have_clock;

  uint32_t nevents = 0;
  for (;;) {
    uint64_t now = start, elapsed;
    wasi_clock_now(NULL, WASI_CLOCK_MONOTONIC, &now);
    elapsed = now - start;
    uint64_t wait = immediate ? 0
                  : min_wait == UINT64_MAX ? UINT64_MAX
                  : min_wait > elapsed ? min_wait - elapsed : 0;
    /* Fake time never waits for a timer: fds are only looked at, and when
     * none is ready the earliest timer fires, the clock jumping to it. */
    if (fake && min_wait != UINT64_MAX) wait = 0;
    if (wait > 0 && wasi_interrupted(c)) {
      err = WASI_EINTR;
      break;
    }
    if ((err = wait_for(c, pfds, npfd, wait)) != 0) break;
    if (fake) {
      elapsed = 0;
      int any = immediate;
      for (unsigned i = 0; i < npfd && !any; i++) any = pfds[i].revents != 0;
      if (!any && min_wait != UINT64_MAX) {
        wasi_clock_fake(c->w, WASI_CLOCK_MONOTONIC, min_wait);
        elapsed = min_wait;
      }
    } else {
      wasi_clock_now(NULL, WASI_CLOCK_MONOTONIC, &now);
      elapsed = now - start;
    }
    for (uint32_t i = 0; i < nsubs; i++) {
      sub *s = &subs[i];
      int fire = s->error != 0 || s->ready;
      if (!fire && s->type == WASI_EVENTTYPE_CLOCK) fire = s->wait_ns <= elapsed;
      if (!fire && s->pfd >= 0) {
        short re = pfds[s->pfd].revents;
        if (re & POLLNVAL) {
          s->error = WASI_EBADF;
          fire = 1;
        } else if (re & (POLLIN | POLLOUT | HANGUP_EVENTS)) {
          fire = 1;
          if (re & HANGUP_EVENTS) s->rwflags = WASI_EVENT_FD_READWRITE_HANGUP;
          if (s->type == WASI_EVENTTYPE_FD_READ) {
            int avail = 0;
            if (ioctl(pfds[s->pfd].fd, FIONREAD, &avail) == 0 && avail > 0)
              s->nbytes = (uint64_t)avail;
          }
        }
      }
      if (fire) put_event(c, out, &nevents, s);
    }
    if (nevents > 0) break;
    /* Woken early (a signal): wait again for what is left. */
  }
  free(subs);
  free(pfds);
  if (err) return err;
  wasi_st32(c->mem + neventsp, nevents);
  return WASI_ESUCCESS;
}
