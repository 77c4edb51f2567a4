/* Sandboxed path resolution: every guest path is resolved beneath the
 * directory descriptor it is relative to, never by comparing strings.
 *
 * Two ways, same answers:
 *  - openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS) on Linux >= 5.6: the
 *    kernel refuses `..` above the root, absolute symlinks and /proc magic
 *    links atomically, so a concurrent rename or symlink swap cannot steer
 *    the lookup outside.
 *  - elsewhere (or with wh_wasi_config.no_openat2, which the tests use to cover
 *    this path) a component-by-component walk that holds a descriptor for
 *    every directory on the way, opens each component with O_NOFOLLOW, and
 *    expands symlinks itself (at most 40, like Linux's MAXSYMLINKS).  `..`
 *    pops the stack of held descriptors, so it is physical (POSIX) and
 *    cannot climb past the root, whatever is renamed meanwhile.
 * Absolute symlink targets and absolute guest paths are refused with
 * ENOTCAPABLE, as wasmtime (cap-std) does, instead of being re-rooted --
 * except beneath a preopen of the host's own root (WASI_SANDBOX_HOST_ROOT,
 * what Go's exec wrapper grants): there an absolute target names the
 * same file it names on the host, and `..` stops at the root as the
 * kernel's does (openat2's RESOLVE_IN_ROOT; the walk restarts at the root).
 *
 * libuv has no descriptor-relative file system calls (its uv_fs_* take
 * whole paths), so this file uses the POSIX *at() family directly: sandbox
 * correctness matters more than libuv purity.  It has no libuv dependency,
 * which lets test/c/ exercise it without the engine or Node. */
#include "wasi_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef __linux__
#include <sys/syscall.h>
#if defined(SYS_openat2) && __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#define WASI_HAVE_OPENAT2 1
#endif
#endif

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif
#define WASI_MAX_SYMLINKS 40

#ifdef O_PATH
#define DIR_OPEN_FLAGS (O_PATH | O_DIRECTORY | O_CLOEXEC)
#else
#define DIR_OPEN_FLAGS (O_RDONLY | O_DIRECTORY | O_CLOEXEC)
#endif

int wasi_sandbox_copy_path(const uint8_t *mem, uint64_t mem_size, uint32_t ptr,
                   uint32_t len, char **out) {
  *out = NULL;
  if (mem == NULL || (uint64_t)ptr + len > mem_size) return WASI_EFAULT;
  if (len == 0) return WASI_ENOENT;
  /* A NUL would silently cut the path short in every host call; wasmtime
   * rejects it with EINVAL (Rust's CString::new). */
  if (memchr(mem + ptr, 0, len) != NULL) return WASI_EINVAL;
  if (len >= PATH_MAX) return WASI_ENAMETOOLONG;
  char *s = malloc((size_t)len + 1);
  if (s == NULL) return WASI_ENOMEM;
  memcpy(s, mem + ptr, len);
  s[len] = '\0';
  *out = s;
  return WASI_ESUCCESS;
}

/* ------------------------------------------------------------------ */
/* openat2                                                              */

#ifdef WASI_HAVE_OPENAT2
static int openat2_beneath(int root, const char *path, int flags, int mode, int host_root) {
  struct open_how how;
  memset(&how, 0, sizeof how);
  how.flags = (uint64_t)(flags | O_CLOEXEC);
  how.mode = (flags & O_CREAT) ? (uint64_t)mode : 0;
  how.resolve = (host_root ? RESOLVE_IN_ROOT : RESOLVE_BENEATH) | RESOLVE_NO_MAGICLINKS;
  for (int tries = 0;; tries++) {
    long fd = syscall(SYS_openat2, root, path, &how, sizeof how);
    if (fd >= 0) return (int)fd;
    /* EAGAIN: a concurrent rename made the kernel unsure a `..` stayed
     * beneath; it asks us to retry.  EXDEV: the path leaves the root. */
    if (errno == EAGAIN && tries < 16) continue;
    if (errno == EXDEV || errno == EAGAIN) return -WASI_ENOTCAPABLE;
    return -(int)wasi_errno_from_host(errno);
  }
}
#endif

int wasi_sandbox_have_openat2(void) {
#ifdef WASI_HAVE_OPENAT2
  /* Probed once; a seccomp filter or old kernel answers ENOSYS/EPERM. */
  static int cached = -1;
  if (cached < 0) {
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = DIR_OPEN_FLAGS;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    long fd = syscall(SYS_openat2, AT_FDCWD, ".", &how, sizeof how);
    if (fd >= 0) close((int)fd);
    cached = fd >= 0;
  }
  return cached;
#else
  return 0;
#endif
}

/* ------------------------------------------------------------------ */
/* The portable walk                                                    */

typedef struct dir_stack {
  int *fds;
  size_t depth, cap; /* fds[0] is the root, not ours to close */
} dir_stack;

static void stack_free(dir_stack *s) {
  for (size_t i = 1; i <= s->depth; i++) close(s->fds[i]);
  free(s->fds);
}

static int stack_push(dir_stack *s, int fd) {
  if (s->depth + 1 >= s->cap) {
    size_t ncap = s->cap * 2;
    int *n = realloc(s->fds, ncap * sizeof *n);
    if (n == NULL) {
      close(fd);
      return WASI_ENOMEM;
    }
    s->fds = n;
    s->cap = ncap;
  }
  s->fds[++s->depth] = fd;
  return 0;
}

/* Reads a symlink beneath dir into a malloc'd string, or returns an errno
 * (EINVAL when name is not a symlink). */
static int read_link(int dir, const char *name, int host_root, char **out) {
  char buf[PATH_MAX];
  ssize_t n = readlinkat(dir, name, buf, sizeof buf);
  if (n < 0) return wasi_errno_from_host(errno);
  if ((size_t)n >= sizeof buf) return WASI_ENAMETOOLONG;
  if (n == 0) return WASI_ENOENT;
  /* Absolute targets would name the host's root: refuse, like cap-std,
   * unless the root is what was granted. */
  if (buf[0] == '/' && !host_root) return WASI_ENOTCAPABLE;
  char *s = malloc((size_t)n + 1);
  if (s == NULL) return WASI_ENOMEM;
  memcpy(s, buf, (size_t)n);
  s[n] = '\0';
  *out = s;
  return 0;
}

/* Joins a / b into a new string (a may be empty). */
static char *join(const char *a, size_t alen, const char *b) {
  size_t blen = strlen(b);
  char *s = malloc(alen + blen + 2);
  if (s == NULL) return NULL;
  size_t n = 0;
  if (alen) {
    memcpy(s, a, alen);
    n = alen;
    s[n++] = '/';
  }
  memcpy(s + n, b, blen + 1);
  return s;
}

/* Opens the directory `path` names beneath root, following every symlink
 * on the way.  Returns a descriptor or -(wasi errno). */
static int walk_dir(int root, const char *path, int host_root) {
  dir_stack s = {malloc(16 * sizeof(int)), 0, 16};
  if (s.fds == NULL) return -WASI_ENOMEM;
  s.fds[0] = root;
  char *rem = strdup(path);
  if (rem == NULL) {
    free(s.fds);
    return -WASI_ENOMEM;
  }
  size_t pos = 0;
  int links = 0, err = 0;
  for (;;) {
    while (rem[pos] == '/') pos++;
    if (rem[pos] == '\0') break;
    size_t end = pos;
    while (rem[end] != '/' && rem[end] != '\0') end++;
    char saved = rem[end];
    rem[end] = '\0';
    const char *comp = rem + pos;
    size_t next = saved ? end + 1 : end;
    if (strcmp(comp, ".") == 0) {
      rem[end] = saved;
      pos = next;
      continue;
    }
    if (strcmp(comp, "..") == 0) {
      rem[end] = saved;
      if (s.depth == 0) {
        if (host_root) { /* "/.." is "/" */
          pos = next;
          continue;
        }
        err = WASI_ENOTCAPABLE;
        break;
      }
      close(s.fds[s.depth--]);
      pos = next;
      continue;
    }
    int top = s.fds[s.depth];
    int fd = openat(top, comp, DIR_OPEN_FLAGS | O_NOFOLLOW);
    if (fd >= 0) {
      rem[end] = saved;
      if ((err = stack_push(&s, fd)) != 0) break;
      pos = next;
      continue;
    }
    int e = errno;
    if (e != ENOTDIR && e != ELOOP) {
      err = wasi_errno_from_host(e);
      break;
    }
    /* Not a directory: a symlink to expand, or a plain file. */
    char *target = NULL;
    int rl = read_link(top, comp, host_root, &target);
    if (rl == WASI_EINVAL) {
      err = WASI_ENOTDIR;
      break;
    }
    if (rl != 0) {
      err = rl;
      break;
    }
    if (++links > WASI_MAX_SYMLINKS) {
      free(target);
      err = WASI_ELOOP;
      break;
    }
    /* The rest of the path now continues after the link's target, which
     * is relative to the directory holding the link (the stack top), or to
     * the root when it is absolute (host root only: read_link refused it
     * otherwise). */
    if (target[0] == '/') {
      while (s.depth > 0) close(s.fds[s.depth--]);
      memmove(target, target + strspn(target, "/"), strlen(target + strspn(target, "/")) + 1);
    }
    const char *rest = saved ? rem + end + 1 : "";
    char *nrem = join(target, strlen(target), rest);
    free(target);
    if (nrem == NULL) {
      err = WASI_ENOMEM;
      break;
    }
    if (strlen(nrem) > 2 * PATH_MAX) {
      free(nrem);
      err = WASI_ENAMETOOLONG;
      break;
    }
    free(rem);
    rem = nrem;
    pos = 0;
  }
  free(rem);
  if (err) {
    stack_free(&s);
    return -err;
  }
  int out;
  if (s.depth == 0) {
    out = openat(root, ".", DIR_OPEN_FLAGS);
    if (out < 0) out = -(int)wasi_errno_from_host(errno);
  } else {
    out = s.fds[s.depth--];
  }
  stack_free(&s);
  return out;
}

static int open_dir_beneath(int root, const char *path, int how) {
  int host_root = (how & WASI_SANDBOX_HOST_ROOT) != 0;
  if (path[0] == '\0') path = ".";
#ifdef WASI_HAVE_OPENAT2
  if ((how & WASI_SANDBOX_OPENAT2) && wasi_sandbox_have_openat2())
    return openat2_beneath(root, path, DIR_OPEN_FLAGS, 0, host_root);
#endif
  return walk_dir(root, path, host_root);
}

/* ------------------------------------------------------------------ */
/* Resolution of a final component                                      */

void wasi_sandbox_release(wasi_resolved *r) {
  if (r->dirfd >= 0) close(r->dirfd);
  free(r->storage);
  r->dirfd = -1;
  r->storage = NULL;
  r->name = NULL;
}

int wasi_sandbox_resolve(int root, const char *path, int follow_final,
                      int how, wasi_resolved *out) {
  out->dirfd = -1;
  out->name = NULL;
  out->storage = NULL;
  out->trailing_slash = 0;
  if (path[0] == '\0') return WASI_ENOENT;
  if (path[0] == '/') return WASI_ENOTCAPABLE;
  char *work = strdup(path);
  if (work == NULL) return WASI_ENOMEM;
  int links = 0;
  for (;;) {
    size_t len = strlen(work);
    /* A trailing '/' asks for a directory and, as in POSIX, follows a
     * final symlink; the component itself is passed on without it. */
    int trailing = 0;
    while (len > 1 && work[len - 1] == '/') {
      work[--len] = '\0';
      trailing = 1;
    }
    if (trailing) {
      out->trailing_slash = 1;
      follow_final = 1;
    }
    char *slash = strrchr(work, '/');
    char *name = slash ? slash + 1 : work;
    size_t parent_len = slash ? (size_t)(slash - work) : 0;
    int dot = strcmp(name, ".") == 0 || strcmp(name, "..") == 0;
    int dirfd;
    if (dot) {
      /* "x/.." and "." name a directory: resolve all of it and hand back
       * "." so no caller ever passes ".." to a host *at() call. */
      dirfd = open_dir_beneath(root, work, how);
    } else {
      char saved = slash ? *slash : 0;
      if (slash) *slash = '\0';
      dirfd = open_dir_beneath(root, slash ? work : "", how);
      if (slash) *slash = saved;
    }
    if (dirfd < 0) {
      free(work);
      return -dirfd;
    }
    if (dot || !follow_final) {
      if (dot) {
        free(work);
        out->storage = strdup(".");
        if (out->storage == NULL) {
          close(dirfd);
          return WASI_ENOMEM;
        }
      } else {
        /* Keep just the name in storage. */
        memmove(work, name, strlen(name) + 1);
        out->storage = work;
      }
      out->dirfd = dirfd;
      out->name = out->storage;
      return 0;
    }
    char *target = NULL;
    int rl = read_link(dirfd, name, (how & WASI_SANDBOX_HOST_ROOT) != 0, &target);
    if (rl == WASI_EINVAL || rl == WASI_ENOENT) {
      /* Not a symlink (or nothing there yet): this is the final name. */
      memmove(work, name, strlen(name) + 1);
      out->dirfd = dirfd;
      out->storage = work;
      out->name = work;
      return 0;
    }
    close(dirfd);
    if (rl != 0) {
      free(work);
      return rl;
    }
    if (++links > WASI_MAX_SYMLINKS) {
      free(work);
      free(target);
      return WASI_ELOOP;
    }
    /* Re-resolve the target from the link's directory, textually: `..`
     * in it is resolved physically again by open_dir_beneath.  An
     * absolute target (host root only) starts again at the root. */
    char *next;
    if (target[0] == '/') {
      const char *t = target + strspn(target, "/");
      next = strdup(*t ? t : ".");
    } else {
      next = join(work, parent_len, target);
    }
    free(target);
    free(work);
    if (next == NULL) return WASI_ENOMEM;
    if (strlen(next) > 2 * PATH_MAX) {
      free(next);
      return WASI_ENAMETOOLONG;
    }
    work = next;
  }
}

int wasi_sandbox_open(int root, const char *path, int oflags, int mode, int how) {
  if (path[0] == '\0') return -WASI_ENOENT;
  if (path[0] == '/') return -WASI_ENOTCAPABLE;
#ifdef WASI_HAVE_OPENAT2
  if ((how & WASI_SANDBOX_OPENAT2) && wasi_sandbox_have_openat2())
    return openat2_beneath(root, path, oflags, mode, (how & WASI_SANDBOX_HOST_ROOT) != 0);
#endif
  /* O_CREAT|O_EXCL never follows a final symlink (POSIX). */
  int follow = !(oflags & O_NOFOLLOW) &&
               !((oflags & O_CREAT) && (oflags & O_EXCL));
  wasi_resolved r;
  int err = wasi_sandbox_resolve(root, path, follow, how & WASI_SANDBOX_HOST_ROOT, &r);
  if (err) return -err;
  int flags = oflags | O_NOFOLLOW | O_CLOEXEC;
  if (r.trailing_slash) flags |= O_DIRECTORY;
  int fd = openat(r.dirfd, r.name, flags, mode);
  if (fd < 0) {
    int e = errno;
    /* A final name that became a symlink after we looked is not followed:
     * report what following it would have refused to do. */
    wasi_sandbox_release(&r);
    return -(int)wasi_errno_from_host(e);
  }
  wasi_sandbox_release(&r);
  return fd;
}
