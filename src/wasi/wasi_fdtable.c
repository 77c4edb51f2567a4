/* The guest's file descriptor table.  Guest fds are our own numbers: each
 * entry owns its host descriptor (stdio is dup()ed at start), so closing or
 * renumbering guest fd 0-2 never touches the host process's stdio. */
#include "wasi_internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

wasi_fd *wasi_fdtable_new_entry(void) {
  wasi_fd *e = calloc(1, sizeof *e);
  if (e) e->host = -1;
  return e;
}

void wasi_fdtable_free_entry(wasi_fd *e) {
  if (e == NULL) return;
  if (e->dir) closedir((DIR *)e->dir);
  if (e->kind == WASI_FD_HOST && e->host >= 0) close(e->host);
  free(e->preopen);
  free(e->name);
  free(e);
}

wasi_fd *wasi_fdtable_get(wh_wasi *w, uint32_t fd) {
  return fd < w->nfds ? w->fds[fd] : NULL;
}

int wasi_fdtable_check(wh_wasi *w, uint32_t fd, uint64_t rights, wasi_fd **out) {
  wasi_fd *e = wasi_fdtable_get(w, fd);
  *out = e;
  if (e == NULL) return WASI_EBADF;
  if ((e->rights_base & rights) != rights) return WASI_ENOTCAPABLE;
  return 0;
}

int wasi_fdtable_insert(wh_wasi *w, wasi_fd *e, uint32_t *out) {
  /* Lowest free number, as POSIX open() does. */
  for (uint32_t i = 0; i < w->nfds; i++) {
    if (w->fds[i] == NULL) {
      w->fds[i] = e;
      *out = i;
      return 0;
    }
  }
  if (w->nfds >= WASI_MAX_FDS) return WASI_EMFILE;
  uint32_t ncap = w->nfds ? w->nfds * 2 : 8;
  if (ncap > WASI_MAX_FDS) ncap = WASI_MAX_FDS;
  wasi_fd **n = realloc(w->fds, ncap * sizeof *n);
  if (n == NULL) return WASI_ENOMEM;
  for (uint32_t i = w->nfds; i < ncap; i++) n[i] = NULL;
  w->fds = n;
  *out = w->nfds;
  w->fds[w->nfds] = e;
  w->nfds = ncap;
  return 0;
}

int wasi_fdtable_close(wh_wasi *w, uint32_t fd) {
  wasi_fd *e = wasi_fdtable_get(w, fd);
  if (e == NULL) return WASI_EBADF;
  w->fds[fd] = NULL;
  wasi_fdtable_free_entry(e);
  return 0;
}

int wasi_fdtable_move(wh_wasi *w, uint32_t from, uint32_t to) {
  /* Both must be open (witx: "atomically replace a file descriptor"). */
  wasi_fd *src = wasi_fdtable_get(w, from), *dst = wasi_fdtable_get(w, to);
  if (src == NULL || dst == NULL) return WASI_EBADF;
  if (from == to) return 0;
  wasi_fdtable_free_entry(dst);
  w->fds[to] = src;
  w->fds[from] = NULL;
  return 0;
}

uint8_t wasi_filetype_from_mode(unsigned mode) {
  switch (mode & S_IFMT) {
  case S_IFREG: return WASI_FILETYPE_REGULAR_FILE;
  case S_IFDIR: return WASI_FILETYPE_DIRECTORY;
  case S_IFCHR: return WASI_FILETYPE_CHARACTER_DEVICE;
  case S_IFBLK: return WASI_FILETYPE_BLOCK_DEVICE;
  case S_IFLNK: return WASI_FILETYPE_SYMBOLIC_LINK;
  case S_IFSOCK: return WASI_FILETYPE_SOCKET_STREAM;
  default: return WASI_FILETYPE_UNKNOWN; /* FIFOs have no wasi type */
  }
}

void wasi_fdtable_classify(wasi_fd *e) {
  struct stat st;
  e->filetype = WASI_FILETYPE_UNKNOWN;
  e->is_socket = 0;
  if (e->kind != WASI_FD_HOST) {
    e->filetype = e->kind == WASI_FD_NULL ? WASI_FILETYPE_CHARACTER_DEVICE
                                          : WASI_FILETYPE_UNKNOWN;
    e->rights_base = WASI_RIGHTS_TTY;
    e->rights_inheriting = 0;
    return;
  }
  e->never_waits = 0;
  if (fstat(e->host, &st) == 0) {
    e->filetype = wasi_filetype_from_mode(st.st_mode);
    /* Files and block devices never make a reader or writer wait, nor do
     * the memory devices (major 1: /dev/null, zero, full, random, urandom):
     * a guest writing to /dev/null pays one syscall per call, not two. */
    e->never_waits = S_ISREG(st.st_mode) || S_ISBLK(st.st_mode) ||
                     (S_ISCHR(st.st_mode) && major(st.st_rdev) == 1);
  }
  if (e->filetype == WASI_FILETYPE_SOCKET_STREAM) {
    int type = 0;
    socklen_t len = sizeof type;
    e->is_socket = 1;
    if (getsockopt(e->host, SOL_SOCKET, SO_TYPE, &type, &len) == 0 &&
        type == SOCK_DGRAM)
      e->filetype = WASI_FILETYPE_SOCKET_DGRAM;
  }
  switch (e->filetype) {
  case WASI_FILETYPE_REGULAR_FILE:
  case WASI_FILETYPE_BLOCK_DEVICE:
    e->rights_base = WASI_RIGHTS_FILE;
    e->rights_inheriting = 0;
    break;
  case WASI_FILETYPE_DIRECTORY:
    e->rights_base = WASI_RIGHTS_DIR;
    e->rights_inheriting = WASI_RIGHTS_ALL;
    break;
  case WASI_FILETYPE_SOCKET_STREAM:
  case WASI_FILETYPE_SOCKET_DGRAM:
    e->rights_base = WASI_RIGHTS_SOCKET;
    e->rights_inheriting = 0;
    break;
  default: /* ttys, pipes */
    e->rights_base = WASI_RIGHTS_TTY;
    e->rights_inheriting = 0;
    break;
  }
}
