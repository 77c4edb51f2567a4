/* Unit test of src/wasi/wasi_sandbox.c alone (no engine, no Node): builds a
 * tree under a temp dir and checks resolution in both modes (openat2 and
 * the portable walk).  Prints "CHECK name got want" lines for
 * test/wasi/resolver.test.js. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi/wasi_internal.h"

static int root;

#define CHECK(name, got, want) printf("CHECK %s %lld %lld\n", name, (long long)(got), (long long)(want))

static int open_err(const char *p, int flags, int mode2) {
  int fd = wasi_sandbox_open(root, p, flags, 0644, mode2);
  if (fd >= 0) {
    close(fd);
    return 0;
  }
  return -fd;
}

static int resolve_err(const char *p, int follow, int mode2, char *name_out) {
  wasi_resolved r;
  int e = wasi_sandbox_resolve(root, p, follow, mode2, &r);
  if (e == 0) {
    if (name_out) strcpy(name_out, r.name);
    wasi_sandbox_release(&r);
  }
  return e;
}

/* Opens p beneath dirfd and reads its first line into buf: 0 or an errno. */
static int read_at(int dirfd, const char *p, int how, char *buf, size_t n) {
  buf[0] = '\0';
  int fd = wasi_sandbox_open(dirfd, p, O_RDONLY, 0, how);
  if (fd < 0) return -fd;
  ssize_t k = read(fd, buf, n - 1);
  buf[k > 0 ? k : 0] = '\0';
  close(fd);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  const char *base = argv[1]; /* contains sandbox/ prepared by the JS side */
  char sb[4096];
  snprintf(sb, sizeof sb, "%s/sandbox", base);
  root = open(sb, O_RDONLY | O_DIRECTORY);
  if (root < 0) return 3;
  /* a chain of 41 symlinks: l0 -> l1 -> ... -> l40 -> file.txt */
  for (int i = 0; i <= 40; i++) {
    char name[32], target[32];
    snprintf(name, sizeof name, "l%d", i);
    if (i == 40) snprintf(target, sizeof target, "file.txt");
    else snprintf(target, sizeof target, "l%d", i + 1);
    symlinkat(target, root, name);
  }
  /* 200 nested directories */
  char deep[4096] = "";
  for (int i = 0; i < 200; i++) {
    strcat(deep, i ? "/d" : "d");
    mkdirat(root, deep, 0755);
  }
  for (int m = 0; m < 2; m++) {
    char n[96], nm[256];
    const char *tag = m ? "openat2" : "walk";
#define C(label, got, want) do { snprintf(n, sizeof n, "%s_%s", label, tag); CHECK(n, got, want); } while (0)
    if (m && !wasi_sandbox_have_openat2()) {
      C("skipped_no_openat2", 0, 0);
      continue;
    }
    C("open_file", open_err("file.txt", O_RDONLY, m), 0);
    C("dotdot", open_err("../secret.txt", O_RDONLY, m), WASI_ENOTCAPABLE);
    C("abs_link", open_err("abs", O_RDONLY, m), WASI_ENOTCAPABLE);
    C("abs_link_nofollow", open_err("abs", O_RDONLY | O_NOFOLLOW, m), WASI_ELOOP);
    C("absdir_middle", open_err("absdir/secret.txt", O_RDONLY, m), WASI_ENOTCAPABLE);
    C("chain_40_ok", open_err("l1", O_RDONLY, m), 0);
    C("chain_41_loop", open_err("l0", O_RDONLY, m), WASI_ELOOP);
    C("deep_ok", open_err(deep, O_RDONLY | O_DIRECTORY, m), 0);
    C("empty", open_err("", O_RDONLY, m), WASI_ENOENT);
    C("absolute", open_err("/etc/passwd", O_RDONLY, m), WASI_ENOTCAPABLE);
    C("resolve_name", resolve_err("sub/inner.txt", 0, m, nm) == 0 && strcmp(nm, "inner.txt") == 0, 1);
    C("resolve_dotdot_final", resolve_err("sub/..", 0, m, nm) == 0 && strcmp(nm, ".") == 0, 1);
    C("resolve_root_dotdot", resolve_err("..", 0, m, NULL), WASI_ENOTCAPABLE);
    C("resolve_follow_in", resolve_err("inlink", 1, m, nm) == 0 && strcmp(nm, "inner.txt") == 0, 1);
    C("resolve_follow_out", resolve_err("rel", 1, m, NULL), WASI_ENOTCAPABLE);
    C("resolve_nofollow_link", resolve_err("rel", 0, m, nm) == 0 && strcmp(nm, "rel") == 0, 1);
    C("resolve_trailing_slash", resolve_err("sub/", 0, m, nm) == 0 && strcmp(nm, "sub") == 0, 1);
    C("resolve_through_file", resolve_err("file.txt/x", 0, m, NULL), WASI_ENOTDIR);
    C("resolve_missing_parent", resolve_err("nope/x", 0, m, NULL), WASI_ENOENT);
    C("creat_dangling_out", open_err("dangle", O_RDWR | O_CREAT, m), WASI_ENOTCAPABLE);

    /* Beneath a preopen of the host's "/" an absolute symlink names what
     * it names on the host, and ".." stops at the root. */
    int hroot = open("/", O_RDONLY | O_DIRECTORY);
    int how = (m ? WASI_SANDBOX_OPENAT2 : 0) | WASI_SANDBOX_HOST_ROOT;
    char p[4200], got[64];
    const char *rel = base + strspn(base, "/");
    snprintf(p, sizeof p, "%s/sandbox/abs", rel);
    C("hostroot_abs_link", read_at(hroot, p, how, got, sizeof got) == 0 && strcmp(got, "TOP-SECRET\n") == 0, 1);
    snprintf(p, sizeof p, "%s/sandbox/absdir/secret.txt", rel);
    C("hostroot_absdir_middle", read_at(hroot, p, how, got, sizeof got) == 0 && strcmp(got, "TOP-SECRET\n") == 0, 1);
    snprintf(p, sizeof p, "../../%s/sandbox/file.txt", rel);
    C("hostroot_dotdot_clamps", read_at(hroot, p, how, got, sizeof got) == 0 && strcmp(got, "inside\n") == 0, 1);
    snprintf(p, sizeof p, "%s/sandbox/abs", rel);
    wasi_resolved r;
    int e = wasi_sandbox_resolve(hroot, p, 1, how, &r);
    C("hostroot_resolve_abs", e == 0 && strcmp(r.name, "secret.txt") == 0, 1);
    if (e == 0) wasi_sandbox_release(&r);
    C("hostroot_flag_only_there", read_at(root, "abs", m ? WASI_SANDBOX_OPENAT2 : 0, got, sizeof got), WASI_ENOTCAPABLE);
    close(hroot);
  }
  /* wasi_sandbox_copy_path bounds */
  uint8_t mem[16] = "abc\0def";
  char *s = NULL;
  CHECK("copy_ok", wasi_sandbox_copy_path(mem, sizeof mem, 0, 3, &s), 0);
  free(s);
  CHECK("copy_nul", wasi_sandbox_copy_path(mem, sizeof mem, 0, 5, &s), WASI_EINVAL);
  CHECK("copy_empty", wasi_sandbox_copy_path(mem, sizeof mem, 0, 0, &s), WASI_ENOENT);
  CHECK("copy_oob", wasi_sandbox_copy_path(mem, sizeof mem, 10, 7, &s), WASI_EFAULT);
  CHECK("copy_wrap", wasi_sandbox_copy_path(mem, sizeof mem, 0xfffffff0u, 0x20, &s), WASI_EFAULT);
  char secret[64] = {0};
  char sp[4200];
  snprintf(sp, sizeof sp, "%s/secret.txt", base);
  FILE *f = fopen(sp, "r");
  if (f) {
    fgets(secret, sizeof secret, f);
    fclose(f);
  }
  CHECK("secret_untouched", strcmp(secret, "TOP-SECRET\n"), 0);
  snprintf(sp, sizeof sp, "%s/created_outside", base);
  CHECK("nothing_created_outside", access(sp, F_OK), -1);
  return 0;
}
