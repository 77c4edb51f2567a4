/* libFuzzer target for the WASI host: like fuzz_engine.c, but imports from
 * wasi_snapshot_preview1 are the real host functions (when the types
 * match), over a fresh wh_wasi per input with
 *   fd 0: stdin from bytes, fd 1/2: discarded,
 *   fd 3: "/sandbox", a read-only directory with a few files, a
 *         subdirectory and symlinks (one pointing outside, at a file
 *         next to the mounts),
 *   fd 4: "/tmp", a writable directory emptied after every input.
 * After every input the directory around the mounts must be as it was and
 * the read-only mount unchanged: otherwise the guest got out (abort).
 * Files are capped at 1 MiB (RLIMIT_FSIZE, SIGXFSZ ignored: writes fail
 * with EFBIG) and a watchdog interrupts a call after 2 s so a guest that
 * sleeps in poll_oneoff stops; a call that ignores the interrupt is a
 * libFuzzer timeout, i.e. a finding.  Build with fuzz/build.sh. */
#include "fuzz_common.h"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#define WATCHDOG_MS 2000

static char base_dir[64], ro_dir[96], rw_dir[96];

static void check_sandbox(void);

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st;
  (void)flag;
  if (ftw->level > 0) remove(path);
  return 0;
}

/* Empties dir (not following symlinks), leaving dir itself. */
static void empty_dir(const char *dir) {
  nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void remove_sandbox(void) {
  empty_dir(base_dir);
  rmdir(base_dir);
}

static void write_file(const char *dir, const char *name, const char *text) {
  char path[160];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  if (f) {
    fputs(text, f);
    fclose(f);
  }
}

static void *watchdog(void *arg) {
  (void)arg;
  for (;;) {
    usleep(100 * 1000);
    wh_instance *inst = atomic_load(&running_inst);
    if (inst && now_ms() - atomic_load(&running_since_ms) > WATCHDOG_MS)
      wh_instance_interrupt(inst);
  }
  return NULL;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  snprintf(base_dir, sizeof base_dir, "/tmp/wh-fuzz-wasi-XXXXXX");
  if (!mkdtemp(base_dir)) {
    perror("fuzz_wasi: mkdtemp");
    exit(1);
  }
  atexit(remove_sandbox);
  snprintf(ro_dir, sizeof ro_dir, "%s/ro", base_dir);
  snprintf(rw_dir, sizeof rw_dir, "%s/rw", base_dir);
  mkdir(ro_dir, 0755);
  mkdir(rw_dir, 0755);
  write_file(ro_dir, "hello.txt", "hello, sandbox\n");
  write_file(ro_dir, "empty", "");
  char sub[128];
  snprintf(sub, sizeof sub, "%s/sub", ro_dir);
  mkdir(sub, 0755);
  write_file(sub, "inner.txt", "inner\n");
  char link[128];
  snprintf(link, sizeof link, "%s/link", ro_dir);
  if (symlink("hello.txt", link) != 0) perror("fuzz_wasi: symlink");
  snprintf(link, sizeof link, "%s/escape", ro_dir);
  if (symlink("../secret.txt", link) != 0) perror("fuzz_wasi: symlink");
  write_file(base_dir, "secret.txt", "outside the sandbox\n");
  chmod(ro_dir, 0555);

  signal(SIGXFSZ, SIG_IGN);
  struct rlimit rl = { 1 << 20, 1 << 20 };
  setrlimit(RLIMIT_FSIZE, &rl);

  check_sandbox();
  pthread_t t;
  pthread_create(&t, NULL, watchdog, NULL);
  pthread_detach(t);
  return 0;
}

static long long size_of(const char *dir, const char *name) {
  char path[160];
  struct stat st;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  return lstat(path, &st) == 0 ? (long long)st.st_size : -1;
}

static int count_entries(const char *dir) {
  int n = 0;
  DIR *d = opendir(dir);
  if (!d) return -1;
  for (struct dirent *e; (e = readdir(d));)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
  closedir(d);
  return n;
}

/* The sandbox held: nothing outside the writable mount changed. */
static void check_sandbox(void) {
  if (count_entries(base_dir) != 3 || size_of(base_dir, "secret.txt") != 20 ||
      count_entries(ro_dir) != 5 || size_of(ro_dir, "hello.txt") != 15 ||
      size_of(ro_dir, "empty") != 0 || size_of(ro_dir, "sub/inner.txt") != 6) {
    fprintf(stderr, "fuzz_wasi: the guest changed files outside its writable mount (%s)\n",
            base_dir);
    abort();
  }
}

static int same_type(const wh_functype *a, const wh_functype *b) {
  return a->nparams == b->nparams && a->nresults == b->nresults &&
         memcmp(a->params, b->params, a->nparams) == 0 &&
         memcmp(a->results, b->results, a->nresults) == 0;
}

static int resolve_wasi(void *ctx, const char *module, uint32_t module_len, const char *name,
                        uint32_t name_len, const wh_externtype *type, wh_extern *out) {
  static const char ns[] = "wasi_snapshot_preview1";
  if (type->kind != WH_EXTERN_FUNC || module_len != sizeof ns - 1 ||
      memcmp(module, ns, module_len) != 0)
    return -1;
  wh_func *f = wh_wasi_import(ctx, name, name_len);
  if (!f) return -1;
  if (!same_type(wh_func_type(f), &type->u.func)) {
    wh_func_unref(f);
    return -1;
  }
  out->kind = WH_EXTERN_FUNC;
  out->u.func = f;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char *const argv[] = { "fuzz", "--flag", "arg with spaces" };
  static const char *const env[] = { "HOME=/sandbox", "EMPTY=", "X=1" };
  static const char stdin_bytes[] = "line one\nline two\n";
  const wh_wasi_mount mounts[] = {
    { ro_dir, "/sandbox", 1 },
    { rw_dir, "/tmp", 0 },
  };
  wh_wasi_config cfg = {
    .argc = 3, .argv = argv, .envc = 3, .env = env,
    .nmounts = 2, .mounts = mounts,
    .stdio = {
      { .kind = WH_STDIO_BYTES, .data = (const uint8_t *)stdin_bytes, .len = sizeof stdin_bytes - 1 },
      { .kind = WH_STDIO_NULL },
      { .kind = WH_STDIO_NULL },
    },
  };
  wh_error err;
  wh_wasi *w = wh_wasi_new(&cfg, &err);
  if (!w) {
    fprintf(stderr, "fuzz_wasi: wh_wasi_new: %s\n", err.message);
    abort();
  }
  int rc = fuzz_one(data, size, resolve_wasi, w);
  wh_wasi_free(w);
  empty_dir(rw_dir);
  check_sandbox();
  return rc;
}
