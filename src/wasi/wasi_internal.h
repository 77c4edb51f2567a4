/* Internal declarations shared by the src/wasi files: the wire constants of
 * wasi_snapshot_preview1 (values and layouts from typenames.witx), the
 * wh_wasi context, its fd table (wasi_fdtable_*), sandboxed path resolution
 * (wasi_sandbox_*), guest-memory helpers, and the table of calls
 * (wasi_call_*, WASI_FUNCTIONS).  Nothing here is
 * public; the public surface is the WASI section of include/wasihost.h. */
#ifndef WI_WASI_INTERNAL_H
#define WI_WASI_INTERNAL_H

#include "wasihost.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* errno (typenames.witx `$errno`, u16)                                 */

enum {
  WASI_ESUCCESS = 0, WASI_E2BIG = 1, WASI_EACCES = 2, WASI_EADDRINUSE = 3,
  WASI_EADDRNOTAVAIL = 4, WASI_EAFNOSUPPORT = 5, WASI_EAGAIN = 6,
  WASI_EALREADY = 7, WASI_EBADF = 8, WASI_EBADMSG = 9, WASI_EBUSY = 10,
  WASI_ECANCELED = 11, WASI_ECHILD = 12, WASI_ECONNABORTED = 13,
  WASI_ECONNREFUSED = 14, WASI_ECONNRESET = 15, WASI_EDEADLK = 16,
  WASI_EDESTADDRREQ = 17, WASI_EDOM = 18, WASI_EDQUOT = 19, WASI_EEXIST = 20,
  WASI_EFAULT = 21, WASI_EFBIG = 22, WASI_EHOSTUNREACH = 23, WASI_EIDRM = 24,
  WASI_EILSEQ = 25, WASI_EINPROGRESS = 26, WASI_EINTR = 27, WASI_EINVAL = 28,
  WASI_EIO = 29, WASI_EISCONN = 30, WASI_EISDIR = 31, WASI_ELOOP = 32,
  WASI_EMFILE = 33, WASI_EMLINK = 34, WASI_EMSGSIZE = 35, WASI_EMULTIHOP = 36,
  WASI_ENAMETOOLONG = 37, WASI_ENETDOWN = 38, WASI_ENETRESET = 39,
  WASI_ENETUNREACH = 40, WASI_ENFILE = 41, WASI_ENOBUFS = 42, WASI_ENODEV = 43,
  WASI_ENOENT = 44, WASI_ENOEXEC = 45, WASI_ENOLCK = 46, WASI_ENOLINK = 47,
  WASI_ENOMEM = 48, WASI_ENOMSG = 49, WASI_ENOPROTOOPT = 50, WASI_ENOSPC = 51,
  WASI_ENOSYS = 52, WASI_ENOTCONN = 53, WASI_ENOTDIR = 54, WASI_ENOTEMPTY = 55,
  WASI_ENOTRECOVERABLE = 56, WASI_ENOTSOCK = 57, WASI_ENOTSUP = 58,
  WASI_ENOTTY = 59, WASI_ENXIO = 60, WASI_EOVERFLOW = 61, WASI_EOWNERDEAD = 62,
  WASI_EPERM = 63, WASI_EPIPE = 64, WASI_EPROTO = 65, WASI_EPROTONOSUPPORT = 66,
  WASI_EPROTOTYPE = 67, WASI_ERANGE = 68, WASI_EROFS = 69, WASI_ESPIPE = 70,
  WASI_ESRCH = 71, WASI_ESTALE = 72, WASI_ETIMEDOUT = 73, WASI_ETXTBSY = 74,
  WASI_EXDEV = 75, WASI_ENOTCAPABLE = 76
};

/* ------------------------------------------------------------------ */
/* rights (u64 flags)                                                   */

#define WASI_RIGHT(n) ((uint64_t)1 << (n))
#define WASI_R_FD_DATASYNC WASI_RIGHT(0)
#define WASI_R_FD_READ WASI_RIGHT(1)
#define WASI_R_FD_SEEK WASI_RIGHT(2)
#define WASI_R_FD_FDSTAT_SET_FLAGS WASI_RIGHT(3)
#define WASI_R_FD_SYNC WASI_RIGHT(4)
#define WASI_R_FD_TELL WASI_RIGHT(5)
#define WASI_R_FD_WRITE WASI_RIGHT(6)
#define WASI_R_FD_ADVISE WASI_RIGHT(7)
#define WASI_R_FD_ALLOCATE WASI_RIGHT(8)
#define WASI_R_PATH_CREATE_DIRECTORY WASI_RIGHT(9)
#define WASI_R_PATH_CREATE_FILE WASI_RIGHT(10)
#define WASI_R_PATH_LINK_SOURCE WASI_RIGHT(11)
#define WASI_R_PATH_LINK_TARGET WASI_RIGHT(12)
#define WASI_R_PATH_OPEN WASI_RIGHT(13)
#define WASI_R_FD_READDIR WASI_RIGHT(14)
#define WASI_R_PATH_READLINK WASI_RIGHT(15)
#define WASI_R_PATH_RENAME_SOURCE WASI_RIGHT(16)
#define WASI_R_PATH_RENAME_TARGET WASI_RIGHT(17)
#define WASI_R_PATH_FILESTAT_GET WASI_RIGHT(18)
#define WASI_R_PATH_FILESTAT_SET_SIZE WASI_RIGHT(19)
#define WASI_R_PATH_FILESTAT_SET_TIMES WASI_RIGHT(20)
#define WASI_R_FD_FILESTAT_GET WASI_RIGHT(21)
#define WASI_R_FD_FILESTAT_SET_SIZE WASI_RIGHT(22)
#define WASI_R_FD_FILESTAT_SET_TIMES WASI_RIGHT(23)
#define WASI_R_PATH_SYMLINK WASI_RIGHT(24)
#define WASI_R_PATH_REMOVE_DIRECTORY WASI_RIGHT(25)
#define WASI_R_PATH_UNLINK_FILE WASI_RIGHT(26)
#define WASI_R_POLL_FD_READWRITE WASI_RIGHT(27)
#define WASI_R_SOCK_SHUTDOWN WASI_RIGHT(28)
#define WASI_R_SOCK_ACCEPT WASI_RIGHT(29)
#define WASI_RIGHTS_ALL (WASI_RIGHT(30) - 1)

/* The most each kind of descriptor can ever hold (what uvwasi and
 * wasi-common grant): a guest can narrow these, never widen them. */
#define WASI_RIGHTS_FILE                                                      \
  (WASI_R_FD_DATASYNC | WASI_R_FD_READ | WASI_R_FD_SEEK |                    \
   WASI_R_FD_FDSTAT_SET_FLAGS | WASI_R_FD_SYNC | WASI_R_FD_TELL |            \
   WASI_R_FD_WRITE | WASI_R_FD_ADVISE | WASI_R_FD_ALLOCATE |                 \
   WASI_R_FD_FILESTAT_GET | WASI_R_FD_FILESTAT_SET_SIZE |                    \
   WASI_R_FD_FILESTAT_SET_TIMES | WASI_R_POLL_FD_READWRITE)
#define WASI_RIGHTS_DIR                                                       \
  (WASI_R_FD_FDSTAT_SET_FLAGS | WASI_R_FD_SYNC | WASI_R_FD_ADVISE |          \
   WASI_R_PATH_CREATE_DIRECTORY | WASI_R_PATH_CREATE_FILE |                  \
   WASI_R_PATH_LINK_SOURCE | WASI_R_PATH_LINK_TARGET | WASI_R_PATH_OPEN |    \
   WASI_R_FD_READDIR | WASI_R_PATH_READLINK | WASI_R_PATH_RENAME_SOURCE |    \
   WASI_R_PATH_RENAME_TARGET | WASI_R_PATH_FILESTAT_GET |                    \
   WASI_R_PATH_FILESTAT_SET_SIZE | WASI_R_PATH_FILESTAT_SET_TIMES |          \
   WASI_R_FD_FILESTAT_GET | WASI_R_FD_FILESTAT_SET_TIMES |                   \
   WASI_R_PATH_SYMLINK | WASI_R_PATH_REMOVE_DIRECTORY |                      \
   WASI_R_PATH_UNLINK_FILE | WASI_R_POLL_FD_READWRITE)
#define WASI_RIGHTS_TTY                                                       \
  (WASI_R_FD_READ | WASI_R_FD_FDSTAT_SET_FLAGS | WASI_R_FD_WRITE |           \
   WASI_R_FD_FILESTAT_GET | WASI_R_POLL_FD_READWRITE)
#define WASI_RIGHTS_SOCKET                                                    \
  (WASI_RIGHTS_TTY | WASI_R_SOCK_SHUTDOWN | WASI_R_SOCK_ACCEPT)
/* Rights that make path_open open the host file for writing, and that a
 * read-only mount refuses to hand out (EROFS).  FD_FILESTAT_SET_SIZE and
 * FD_FILESTAT_SET_TIMES are not among them: Go asks for SET_SIZE and
 * wasi-libc for SET_TIMES on every O_RDONLY open; on a read-only mount
 * those operations are refused when attempted instead. */
#define WASI_RIGHTS_WRITES (WASI_R_FD_WRITE | WASI_R_FD_ALLOCATE)

/* ------------------------------------------------------------------ */
/* small enums and flags                                                */

enum {
  WASI_FILETYPE_UNKNOWN = 0, WASI_FILETYPE_BLOCK_DEVICE = 1,
  WASI_FILETYPE_CHARACTER_DEVICE = 2, WASI_FILETYPE_DIRECTORY = 3,
  WASI_FILETYPE_REGULAR_FILE = 4, WASI_FILETYPE_SOCKET_DGRAM = 5,
  WASI_FILETYPE_SOCKET_STREAM = 6, WASI_FILETYPE_SYMBOLIC_LINK = 7
};
enum { WASI_WHENCE_SET = 0, WASI_WHENCE_CUR = 1, WASI_WHENCE_END = 2 };
enum {
  WASI_CLOCK_REALTIME = 0, WASI_CLOCK_MONOTONIC = 1,
  WASI_CLOCK_PROCESS_CPUTIME = 2, WASI_CLOCK_THREAD_CPUTIME = 3
};
#define WASI_FDFLAG_APPEND 0x1
#define WASI_FDFLAG_DSYNC 0x2
#define WASI_FDFLAG_NONBLOCK 0x4
#define WASI_FDFLAG_RSYNC 0x8
#define WASI_FDFLAG_SYNC 0x10
#define WASI_FDFLAGS_ALL 0x1f
#define WASI_OFLAG_CREAT 0x1
#define WASI_OFLAG_DIRECTORY 0x2
#define WASI_OFLAG_EXCL 0x4
#define WASI_OFLAG_TRUNC 0x8
#define WASI_OFLAGS_ALL 0xf
#define WASI_LOOKUP_SYMLINK_FOLLOW 0x1
#define WASI_FSTFLAG_ATIM 0x1
#define WASI_FSTFLAG_ATIM_NOW 0x2
#define WASI_FSTFLAG_MTIM 0x4
#define WASI_FSTFLAG_MTIM_NOW 0x8
enum { WASI_EVENTTYPE_CLOCK = 0, WASI_EVENTTYPE_FD_READ = 1, WASI_EVENTTYPE_FD_WRITE = 2 };
#define WASI_EVENT_FD_READWRITE_HANGUP 0x1
#define WASI_SUBCLOCK_ABSTIME 0x1
#define WASI_RIFLAG_RECV_PEEK 0x1
#define WASI_RIFLAG_RECV_WAITALL 0x2
#define WASI_ROFLAG_RECV_DATA_TRUNCATED 0x1
#define WASI_SDFLAG_RD 0x1
#define WASI_SDFLAG_WR 0x2

/* Struct sizes from typenames.witx (wasm32 layout). */
#define WASI_IOVEC_SIZE 8
#define WASI_DIRENT_SIZE 24
#define WASI_FDSTAT_SIZE 24
#define WASI_FILESTAT_SIZE 64
#define WASI_SUBSCRIPTION_SIZE 48
#define WASI_EVENT_SIZE 32
#define WASI_PRESTAT_SIZE 8

/* ------------------------------------------------------------------ */
/* The fd table                                                         */

typedef enum wasi_fd_kind {
  WASI_FD_HOST = 0, /* a host descriptor we own (file, dir, pipe, tty, socket) */
  WASI_FD_NULL,     /* reads see EOF, writes vanish */
  WASI_FD_BYTES,    /* stdin from a byte buffer */
  WASI_FD_CAPTURE   /* stdout/stderr collected in memory */
} wasi_fd_kind;

typedef struct wasi_fd {
  int kind;           /* wasi_fd_kind */
  int host;           /* host descriptor (WASI_FD_HOST), always ours to close */
  uint8_t filetype;   /* WASI_FILETYPE_* */
  uint16_t fdflags;   /* as the guest sees them; NONBLOCK is emulated */
  uint64_t rights_base, rights_inheriting;
  int readonly;       /* opened beneath a read-only mount */
  int is_socket;
  int never_waits;    /* I/O cannot block: no poll() before each read/write */
  int host_root;      /* a preopen of the host's "/" (see WASI_SANDBOX_HOST_ROOT) */
  int shared;         /* host description shared with the embedder (stdio, sockets) */
  char *preopen;      /* guest name for fd_prestat_*, or NULL */
  void *dir;          /* DIR* for fd_readdir, opened on first use */
  int capture;        /* 1 or 2 for WASI_FD_CAPTURE */
  char *name;         /* what the trace calls it (a guest path, an address),
                         recorded only while tracing; else NULL */
} wasi_fd;

typedef struct wasi_buf {
  uint8_t *data;
  size_t len, cap;
} wasi_buf;

struct wh_wasi {
  int refs;
  uint32_t argc, envc;
  char **argv, **env;     /* NUL-terminated copies */
  uint64_t argv_bytes, env_bytes;
  wasi_fd **fds;
  uint32_t nfds;          /* slots in fds (some may be NULL) */
  uint8_t *stdin_bytes;
  size_t stdin_len, stdin_pos;
  wasi_buf captured[3];   /* [1] stdout, [2] stderr */
  int use_openat2;        /* 0 forces the portable walk (config->no_openat2) */
  struct {
    uint32_t guest_fd;
    char addr[64];
  } *listeners;           /* config->listeners, for wh_wasi_listener_info */
  uint32_t nlisteners;
  /* Deterministic mode (wasi_call_clock.c, wasi_call_random.c) */
  int deterministic;
  uint64_t fake_ns;       /* the fake clocks' time since they started */
  uint64_t rng[4];        /* xoshiro256** state */
  /* The call trace (wasi_trace.c): off when both are unset, and then the
   * dispatcher's one test of `trace_on` is all it costs. */
  int trace_on;
  uint32_t trace_mask;
  wh_wasi_trace_fn trace_fn;
  void *trace_data;
  void (*trace_free)(void *);
  int trace_fd;
};

/* Guest fds beyond this are refused with EMFILE (keeps the table small). */
#define WASI_MAX_FDS 16384
/* Captured output beyond this fails the write with ENOSPC. */
#define WASI_MAX_CAPTURE ((size_t)1 << 30)

/* The table's operations (wasi_fdtable.c).  The fd_* calls themselves are
 * wasi_call_fd_* in wasi_call_fd.c. */
/* Looks up an open fd, or NULL. */
wasi_fd *wasi_fdtable_get(wh_wasi *w, uint32_t fd);
/* Checks kind and rights: EBADF when not open, ENOTCAPABLE when rights
 * are missing. */
int wasi_fdtable_check(wh_wasi *w, uint32_t fd, uint64_t rights, wasi_fd **out);
/* Takes ownership of e; returns its guest number in *out or an errno. */
int wasi_fdtable_insert(wh_wasi *w, wasi_fd *e, uint32_t *out);
wasi_fd *wasi_fdtable_new_entry(void);
void wasi_fdtable_free_entry(wasi_fd *e);
int wasi_fdtable_close(wh_wasi *w, uint32_t fd);
int wasi_fdtable_move(wh_wasi *w, uint32_t from, uint32_t to);
/* Fills filetype and maximal rights from a host descriptor. */
void wasi_fdtable_classify(wasi_fd *e);

/* Binds and listens on "HOST:PORT" (wasi_listen.c): a host fd, or -1
 * with the reason in msg. */
int wasi_listen_open(const char *spec, int backlog, char *msg, size_t msglen);
/* "127.0.0.1:8080" / "[::1]:8080": the socket's own (peer=0) or its peer's
 * address.  0, or -1. */
int wasi_sock_name(int fd, int peer, char *out, size_t len);

/* ------------------------------------------------------------------ */
/* Errno mapping (wasi_errno.c: one table)                              */

uint16_t wasi_errno_from_host(int host_errno);
uint16_t wasi_errno_from_uv(int uv_err);

/* ------------------------------------------------------------------ */
/* Sandboxed path resolution (wasi_sandbox.c)                           */

/* The directory that holds a path's final component, resolved beneath a
 * root directory descriptor, and that component's name. */
typedef struct wasi_resolved {
  int dirfd;          /* an O_PATH (or O_RDONLY) descriptor to close */
  const char *name;   /* final component; "." when the path names a dir */
  int trailing_slash; /* the guest path ended in '/' */
  char *storage;      /* owns name */
} wasi_resolved;

/* Copies a guest path out of memory: ENOENT when empty, EINVAL on an
 * embedded NUL, ENAMETOOLONG beyond PATH_MAX.  *out is malloc'd. */
int wasi_sandbox_copy_path(const uint8_t *mem, uint64_t mem_size, uint32_t ptr,
                   uint32_t len, char **out);
/* Resolves every component but the last (following symlinks, refusing
 * anything that leaves root: ENOTCAPABLE), then, with follow_final, keeps
 * following a final symlink the same way.  Returns 0 or a wasi errno. */
/* how: WASI_SANDBOX_OPENAT2 to use openat2 when the kernel has it (else the
 * portable walk), WASI_SANDBOX_HOST_ROOT when root is the host's "/" (absolute
 * symlink targets then resolve from root instead of being refused). */
#define WASI_SANDBOX_OPENAT2 1
#define WASI_SANDBOX_HOST_ROOT 2
#define wasi_sandbox_how(w, dir) \
  (((w)->use_openat2 ? WASI_SANDBOX_OPENAT2 : 0) | ((dir)->host_root ? WASI_SANDBOX_HOST_ROOT : 0))
int wasi_sandbox_resolve(int root, const char *path, int follow_final,
                      int how, wasi_resolved *out);
void wasi_sandbox_release(wasi_resolved *r);
/* Opens path beneath root with open(2) flags (O_NOFOLLOW honoured for the
 * final component).  Returns a host fd, or -(wasi errno). */
int wasi_sandbox_open(int root, const char *path, int oflags, int mode, int how);
/* 1 when openat2(RESOLVE_BENEATH) works on this host. */
int wasi_sandbox_have_openat2(void);

/* ------------------------------------------------------------------ */
/* One call's view of guest memory                                      */

typedef struct wasi_req {
  wh_wasi *w;
  wh_call *call;
  uint8_t *mem;
  uint64_t mem_size;
  int status; /* wh_status to return from the host function */
} wasi_req;

/* [ptr, ptr+len) lies inside memory; 64-bit so no sum can wrap. */
static inline int wasi_mem_ok(const wasi_req *c, uint32_t ptr, uint64_t len) {
  return c->mem != NULL && (uint64_t)ptr + len <= c->mem_size;
}
static inline uint16_t wasi_ld16(const uint8_t *p) {
  return (uint16_t)(p[0] | (p[1] << 8));
}
static inline uint32_t wasi_ld32(const uint8_t *p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
         ((uint32_t)p[3] << 24);
}
static inline uint64_t wasi_ld64(const uint8_t *p) {
  return (uint64_t)wasi_ld32(p) | ((uint64_t)wasi_ld32(p + 4) << 32);
}
static inline void wasi_st8(uint8_t *p, uint8_t v) { p[0] = v; }
static inline void wasi_st16(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
}
static inline void wasi_st32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}
static inline void wasi_st64(uint8_t *p, uint64_t v) {
  wasi_st32(p, (uint32_t)v);
  wasi_st32(p + 4, (uint32_t)(v >> 32));
}

/* The calls: wasi_snapshot_preview1's function `name` is
 * wasi_call_<name>, defined in wasi_call_<group>.c where the group is the
 * name's first word (fd_readdir alone has a file of its own,
 * wasi_call_fd_readdir.c; environ_* sit with args_* in wasi_call_args.c,
 * sched_yield with proc_* in wasi_call_proc.c).  Every other wasi_ name is a helper.  Args are
 * already in wh_val order of the witx signature; the return value is the
 * wasi errno written to results[0]. */
typedef int (*wasi_handler)(wasi_req *c, const wh_val *a);

#define WASI_DECL(name) int wasi_call_##name(wasi_req *c, const wh_val *a);
#define WASI_FUNCTIONS(X)                                              \
  X(args_get, "ii", "i")                                               \
  X(args_sizes_get, "ii", "i")                                         \
  X(environ_get, "ii", "i")                                            \
  X(environ_sizes_get, "ii", "i")                                      \
  X(clock_res_get, "ii", "i")                                          \
  X(clock_time_get, "iIi", "i")                                        \
  X(fd_advise, "iIIi", "i")                                            \
  X(fd_allocate, "iII", "i")                                           \
  X(fd_close, "i", "i")                                                \
  X(fd_datasync, "i", "i")                                             \
  X(fd_fdstat_get, "ii", "i")                                          \
  X(fd_fdstat_set_flags, "ii", "i")                                    \
  X(fd_fdstat_set_rights, "iII", "i")                                  \
  X(fd_filestat_get, "ii", "i")                                        \
  X(fd_filestat_set_size, "iI", "i")                                   \
  X(fd_filestat_set_times, "iIIi", "i")                                \
  X(fd_pread, "iiiIi", "i")                                            \
  X(fd_prestat_get, "ii", "i")                                         \
  X(fd_prestat_dir_name, "iii", "i")                                   \
  X(fd_pwrite, "iiiIi", "i")                                           \
  X(fd_read, "iiii", "i")                                              \
  X(fd_readdir, "iiiIi", "i")                                          \
  X(fd_renumber, "ii", "i")                                            \
  X(fd_seek, "iIii", "i")                                              \
  X(fd_sync, "i", "i")                                                 \
  X(fd_tell, "ii", "i")                                                \
  X(fd_write, "iiii", "i")                                             \
  X(path_create_directory, "iii", "i")                                 \
  X(path_filestat_get, "iiiii", "i")                                   \
  X(path_filestat_set_times, "iiiiIIi", "i")                           \
  X(path_link, "iiiiiii", "i")                                         \
  X(path_open, "iiiiiIIii", "i")                                       \
  X(path_readlink, "iiiiii", "i")                                      \
  X(path_remove_directory, "iii", "i")                                 \
  X(path_rename, "iiiiii", "i")                                        \
  X(path_symlink, "iiiii", "i")                                        \
  X(path_unlink_file, "iii", "i")                                      \
  X(poll_oneoff, "iiii", "i")                                          \
  X(proc_exit, "i", "")                                                \
  X(proc_raise, "i", "i")                                              \
  X(sched_yield, "", "i")                                              \
  X(random_get, "ii", "i")                                             \
  X(sock_accept, "iii", "i")                                           \
  X(sock_recv, "iiiiii", "i")                                          \
  X(sock_send, "iiiii", "i")                                           \
  X(sock_shutdown, "ii", "i")

/* The call trace (wasi_trace.c): runs fn and writes its line; returns
 * what the dispatcher returns.  wasi_trace_name_fds names the fds that
 * exist when tracing starts (stdio, preopens, listeners). */
int wasi_trace_call(wasi_req *c, const char *name, wasi_handler fn, const wh_val *args,
                    size_t nparams, wh_val *results);
int wasi_trace_name_fds(wh_wasi *w);
/* Deterministic mode's PRNG (wasi_call_random.c). */
void wasi_random_seed(wh_wasi *w, uint64_t seed);

#define WASI_DECL_X(name, params, results) WASI_DECL(name)
WASI_FUNCTIONS(WASI_DECL_X)
#undef WASI_DECL_X

/* ------------------------------------------------------------------ */
/* Shared helpers                                                       */

struct iovec;
struct stat;
/* readv/writev take at most this many buffers; a longer guest list is a
 * legal short read/write. */
#define WASI_IOV_MAX 1024
/* Checks a guest iovec/ciovec array (every entry against memory, 64-bit)
 * and turns up to WASI_IOV_MAX of them into host iovecs; the total is
 * clamped so a result always fits the u32 the guest gets back. */
int wasi_iov_gather(const wasi_req *c, uint32_t iovs, uint32_t n,
                    struct iovec *out, unsigned *count, uint64_t *total);
/* Blocking waits sleep at most this long at a time, then look whether the
 * embedder interrupted the guest (timeout, AbortSignal): an interrupt
 * ends a blocked read or sleep within about a millisecond. */
#define WASI_WAIT_SLICE_NS 1000000u
/* When the run was interrupted: sets c->status to the "interrupted" trap
 * and returns 1 (the handler then returns any errno; the guest never sees
 * it). */
int wasi_interrupted(wasi_req *c);
/* Waits for host fd to be readable (write=0) or writable.  With nonblock
 * it only looks: EAGAIN when not ready.  Returns 0 or a wasi errno
 * (WASI_EINTR after wasi_interrupted). */
int wasi_host_wait(wasi_req *c, int fd, int write, int nonblock);
/* Fills a wasi filestat (64 bytes) from a host stat. */
void wasi_filestat_from_stat(uint8_t *out, const struct stat *st);
uint8_t wasi_filetype_from_mode(unsigned mode);
struct timespec;
int wasi_times_from_flags(uint64_t atim, uint64_t mtim, uint32_t fst,
                          struct timespec *ts);
/* A directory fd a path_* call may use: EBADF, ENOTDIR, ENOTCAPABLE. */
int wasi_dir_check(wh_wasi *w, uint32_t fd, uint64_t rights, wasi_fd **out);

#endif /* WI_WASI_INTERNAL_H */
