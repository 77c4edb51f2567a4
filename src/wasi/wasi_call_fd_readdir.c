/* fd_readdir.  Cookies are the host's own directory positions (telldir
 * after each entry), so they stay valid across calls, across other
 * entries being added or removed, and across seekdir, exactly as POSIX
 * readdir streams do; 0 is the start.  `.` and `..` come through as the
 * host lists them.  The stream is a second open file description of the
 * directory, so the guest fd's own offset is never disturbed. */
#include "wasi_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static uint8_t dtype_to_wasi(DIR *d, const struct dirent *ent) {
#ifdef DT_UNKNOWN
  switch (ent->d_type) {
  case DT_REG: return WASI_FILETYPE_REGULAR_FILE;
  case DT_DIR: return WASI_FILETYPE_DIRECTORY;
  case DT_LNK: return WASI_FILETYPE_SYMBOLIC_LINK;
  case DT_CHR: return WASI_FILETYPE_CHARACTER_DEVICE;
  case DT_BLK: return WASI_FILETYPE_BLOCK_DEVICE;
  case DT_SOCK: return WASI_FILETYPE_SOCKET_STREAM;
  case DT_FIFO: return WASI_FILETYPE_UNKNOWN;
  default: break;
  }
#endif
  struct stat st;
  if (fstatat(dirfd(d), ent->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
    return WASI_FILETYPE_UNKNOWN;
  return wasi_filetype_from_mode(st.st_mode);
}

int wasi_call_fd_readdir(wasi_req *c, const wh_val *a) {
  uint32_t buf = (uint32_t)a[1].i32, buf_len = (uint32_t)a[2].i32;
  uint64_t cookie = (uint64_t)a[3].i64;
  uint32_t outp = (uint32_t)a[4].i32;
  wasi_fd *e;
  int r = wasi_fdtable_check(c->w, (uint32_t)a[0].i32, WASI_R_FD_READDIR, &e);
  if (r) return r;
  if (e->kind != WASI_FD_HOST || e->filetype != WASI_FILETYPE_DIRECTORY)
    return WASI_ENOTDIR;
  if (!wasi_mem_ok(c, buf, buf_len) || !wasi_mem_ok(c, outp, 4))
    return WASI_EFAULT;
  if (cookie > (uint64_t)INT64_MAX) return WASI_EINVAL;
  DIR *d = e->dir;
  if (d == NULL) {
    int fd = openat(e->host, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return wasi_errno_from_host(errno);
    d = fdopendir(fd);
    if (d == NULL) {
      int err = errno;
      close(fd);
      return wasi_errno_from_host(err);
    }
    e->dir = d;
  }
  if (cookie == 0)
    rewinddir(d);
  else
    seekdir(d, (long)cookie);
  uint32_t used = 0;
  uint8_t head[WASI_DIRENT_SIZE];
  while (used < buf_len) {
    errno = 0;
    struct dirent *ent = readdir(d);
    if (ent == NULL) {
      if (errno != 0) return wasi_errno_from_host(errno);
      break;
    }
    size_t namlen = strlen(ent->d_name);
    long next = telldir(d);
    memset(head, 0, sizeof head);
    wasi_st64(head + 0, (uint64_t)next);
    wasi_st64(head + 8, (uint64_t)ent->d_ino);
    wasi_st32(head + 16, (uint32_t)namlen);
    wasi_st8(head + 20, dtype_to_wasi(d, ent));
    /* An entry that does not fit is written truncated: a full buffer tells
     * the guest to call again from the last whole entry's cookie. */
    uint32_t k = buf_len - used < WASI_DIRENT_SIZE ? buf_len - used : WASI_DIRENT_SIZE;
    memcpy(c->mem + buf + used, head, k);
    used += k;
    if (used == buf_len) break;
    k = buf_len - used < namlen ? buf_len - used : (uint32_t)namlen;
    memcpy(c->mem + buf + used, ent->d_name, k);
    used += k;
  }
  wasi_st32(c->mem + outp, used);
  return WASI_ESUCCESS;
}
