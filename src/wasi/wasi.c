/* wh_wasi: configuration, lifetime, and the import table.  One table of
 * name + signature + handler (WASI_FUNCTIONS in wasi_internal.h) drives
 * registration: wh_wasi_import() looks a name up in it and wraps the
 * handler as an ordinary host function. */
#include "wasi_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct wasi_entry {
  const char *name;
  const char *params, *results; /* 'i' = i32, 'I' = i64 */
  wasi_handler fn;
} wasi_entry;

#define WASI_ENTRY(name, params, results) {#name, params, results, wasi_call_##name},
static const wasi_entry wasi_table[] = {WASI_FUNCTIONS(WASI_ENTRY)};
#undef WASI_ENTRY
#define WASI_NFUNCS (sizeof wasi_table / sizeof wasi_table[0])

/* A host function's data: which handler, on which context. */
typedef struct wasi_binding {
  wh_wasi *w;
  const wasi_entry *entry;
} wasi_binding;

static void set_err(wh_error *err, int status, const char *fmt, const char *a,
                    const char *b) {
  if (err == NULL) return;
  memset(err, 0, sizeof *err);
  err->status = status;
  snprintf(err->message, sizeof err->message, fmt, a ? a : "", b ? b : "");
}

static void build_sigs(void);

static void wasi_unref(wh_wasi *w) {
  if (w == NULL || __atomic_sub_fetch(&w->refs, 1, __ATOMIC_ACQ_REL) > 0) return;
  for (uint32_t i = 0; i < w->nfds; i++) wasi_fdtable_free_entry(w->fds[i]);
  free(w->fds);
  for (uint32_t i = 0; i < w->argc; i++) free(w->argv[i]);
  for (uint32_t i = 0; i < w->envc; i++) free(w->env[i]);
  free(w->argv);
  free(w->env);
  free(w->stdin_bytes);
  for (int i = 0; i < 3; i++) free(w->captured[i].data);
  free(w->listeners);
  if (w->trace_fd > 0) close(w->trace_fd);
  if (w->trace_free) w->trace_free(w->trace_data);
  free(w);
}

void wh_wasi_free(wh_wasi *w) { wasi_unref(w); }

static int copy_strings(uint32_t n, const char *const *src, char ***out,
                        uint64_t *bytes) {
  *out = calloc(n ? n : 1, sizeof(char *));
  *bytes = 0;
  if (*out == NULL) return -1;
  for (uint32_t i = 0; i < n; i++) {
    (*out)[i] = strdup(src[i] ? src[i] : "");
    if ((*out)[i] == NULL) return -1;
    *bytes += strlen((*out)[i]) + 1;
  }
  return 0;
}

/* Adds a guest fd for a host descriptor we now own. */
static int add_host_fd(wh_wasi *w, int host, wasi_fd **out, uint32_t *num_out) {
  wasi_fd *e = wasi_fdtable_new_entry();
  uint32_t num;
  if (e == NULL) {
    close(host);
    return -1;
  }
  e->kind = WASI_FD_HOST;
  e->host = host;
  wasi_fdtable_classify(e);
  if (wasi_fdtable_insert(w, e, &num) != 0) {
    wasi_fdtable_free_entry(e);
    return -1;
  }
  if (out) *out = e;
  if (num_out) *num_out = num;
  return 0;
}

static int add_virtual_fd(wh_wasi *w, int kind, int capture) {
  wasi_fd *e = wasi_fdtable_new_entry();
  uint32_t num;
  if (e == NULL) return -1;
  e->kind = kind;
  e->capture = capture;
  wasi_fdtable_classify(e);
  if (wasi_fdtable_insert(w, e, &num) != 0) {
    wasi_fdtable_free_entry(e);
    return -1;
  }
  return 0;
}

static int setup_stdio(wh_wasi *w, int i, const wh_wasi_stdio *s,
                       wh_error *err) {
  static const char *names[3] = {"stdin", "stdout", "stderr"};
  int host;
  switch (s->kind) {
  case WH_STDIO_INHERIT:
  case WH_STDIO_FD:
    /* Our own descriptor: the guest closing or renumbering it never
     * closes the host's.  A closed host stdio becomes a null device. */
    host = fcntl(s->kind == WH_STDIO_INHERIT ? i : s->fd, F_DUPFD_CLOEXEC, 3);
    if (host < 0) {
      if (s->kind == WH_STDIO_FD) {
        set_err(err, WH_ERR_ARG, "wasi: %s: bad host fd (%s)", names[i],
                strerror(errno));
        return -1;
      }
      return add_virtual_fd(w, WASI_FD_NULL, 0);
    }
    {
      wasi_fd *e;
      if (add_host_fd(w, host, &e, NULL) != 0) return -1;
      e->shared = 1;
      /* Stdio is a stream, whatever carries it: Node hands a child its
       * stdio as socketpairs, yet sock_shutdown(1) must answer ENOTSOCK
       * as it does on a pipe or tty (wasmtime; wasi-testsuite's
       * sock_shutdown-not_sock).  Only sockets[] grant socket calls. */
      if (e->is_socket) {
        e->is_socket = 0;
        e->filetype = WASI_FILETYPE_UNKNOWN;
        e->rights_base = WASI_RIGHTS_TTY;
      }
      return 0;
    }
  case WH_STDIO_NULL:
    return add_virtual_fd(w, WASI_FD_NULL, 0);
  case WH_STDIO_BYTES:
    if (i != 0) break;
    w->stdin_bytes = malloc(s->len ? s->len : 1);
    if (w->stdin_bytes == NULL) return -1;
    if (s->len) memcpy(w->stdin_bytes, s->data, s->len);
    w->stdin_len = s->len;
    return add_virtual_fd(w, WASI_FD_BYTES, 0);
  case WH_STDIO_CAPTURE:
    if (i == 0) break;
    return add_virtual_fd(w, WASI_FD_CAPTURE, i);
  default:
    break;
  }
  set_err(err, WH_ERR_ARG, "wasi: %s: unsupported stdio kind%s", names[i], "");
  return -1;
}

wh_wasi *wh_wasi_new(const wh_wasi_config *config, wh_error *err) {
  wh_wasi_config empty;
  if (config == NULL) {
    memset(&empty, 0, sizeof empty);
    config = &empty;
  }
  wh_wasi *w = calloc(1, sizeof *w);
  if (w == NULL) {
    if (config->trace_free) config->trace_free(config->trace_data);
    goto nomem;
  }
  w->refs = 1;
  w->trace_fd = -1;
  /* From here every way out frees trace_data exactly once (wasi_unref). */
  w->trace_data = config->trace_data;
  w->trace_free = config->trace_free;
  build_sigs();
  w->use_openat2 = !config->no_openat2;
  w->argc = config->argc;
  w->envc = config->envc;
  if (copy_strings(config->argc, config->argv, &w->argv, &w->argv_bytes) ||
      copy_strings(config->envc, config->env, &w->env, &w->env_bytes))
    goto nomem;
  if (w->argv_bytes > UINT32_MAX || w->env_bytes > UINT32_MAX) {
    set_err(err, WH_ERR_ARG, "wasi: args or env too large%s%s", NULL, NULL);
    goto fail;
  }
  for (int i = 0; i < 3; i++) {
    if (setup_stdio(w, i, &config->stdio[i], err) != 0) {
      if (err && err->status) goto fail;
      goto nomem;
    }
  }
  for (uint32_t i = 0; i < config->nmounts; i++) {
    const wh_wasi_mount *m = &config->mounts[i];
    if (m->host == NULL || m->guest == NULL) {
      set_err(err, WH_ERR_ARG, "wasi: mount %s needs host and guest paths%s",
              m->guest, NULL);
      goto fail;
    }
    int fd = open(m->host, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      set_err(err, WH_ERR_ARG, "wasi: cannot open mount '%s': %s", m->host,
              strerror(errno));
      goto fail;
    }
    wasi_fd *e;
    if (add_host_fd(w, fd, &e, NULL) != 0) goto nomem;
    e->preopen = strdup(m->guest);
    if (e->preopen == NULL) goto nomem;
    e->readonly = m->readonly != 0;
    /* The host's own root granted (Go's exec wrapper does): absolute
     * symlinks beneath it name what they name on the host. */
    struct stat st, rootst;
    e->host_root = fstat(fd, &st) == 0 && stat("/", &rootst) == 0 &&
                   st.st_dev == rootst.st_dev && st.st_ino == rootst.st_ino;
  }
  for (uint32_t i = 0; i < config->nsockets; i++) {
    int fd = fcntl(config->sockets[i], F_DUPFD_CLOEXEC, 3);
    if (fd < 0) {
      set_err(err, WH_ERR_ARG, "wasi: bad socket fd (%s)%s", strerror(errno),
              NULL);
      goto fail;
    }
    wasi_fd *e;
    if (add_host_fd(w, fd, &e, NULL) != 0) goto nomem;
    e->shared = 1;
    if (!e->is_socket) {
      set_err(err, WH_ERR_ARG, "wasi: sockets[] entry is not a socket%s%s",
              NULL, NULL);
      goto fail;
    }
  }
  if (config->nlisteners) {
    w->listeners = calloc(config->nlisteners, sizeof *w->listeners);
    if (w->listeners == NULL) goto nomem;
  }
  for (uint32_t i = 0; i < config->nlisteners; i++) {
    const wh_wasi_listener *l = &config->listeners[i];
    char msg[sizeof err->message];
    int fd;
    if (l->listen != NULL) {
      fd = wasi_listen_open(l->listen, l->backlog, msg, sizeof msg);
      if (fd < 0) {
        set_err(err, WH_ERR_ARG, "%s%s", msg, NULL);
        goto fail;
      }
    } else if ((fd = fcntl(l->fd, F_DUPFD_CLOEXEC, 3)) < 0) {
      set_err(err, WH_ERR_ARG, "wasi: bad listener fd (%s)%s", strerror(errno), NULL);
      goto fail;
    }
    wasi_fd *e;
    if (add_host_fd(w, fd, &e, &w->listeners[i].guest_fd) != 0) goto nomem;
    /* A handed-in socket's description is the embedder's too. */
    e->shared = l->listen == NULL;
    /* Listeners start non-blocking: Go's os.NewFile only uses its poller
     * on an fd whose fdstat says NONBLOCK, and a blocking sock_accept
     * stalls every goroutine (wazero hands them over blocking: there a
     * net/http server answers its first connection only, unless it calls
     * syscall.SetNonblock(3, true) first).  A connected socket handed in
     * keeps blocking reads, as a C guest expects. */
    int listening = 0;
    socklen_t optlen = sizeof listening;
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &optlen) == 0 && listening)
      e->fdflags = WASI_FDFLAG_NONBLOCK;
    if (!e->is_socket) {
      set_err(err, WH_ERR_ARG, "wasi: listeners[] entry is not a socket%s%s", NULL, NULL);
      goto fail;
    }
    if (wasi_sock_name(fd, 0, w->listeners[i].addr, sizeof w->listeners[i].addr) != 0)
      snprintf(w->listeners[i].addr, sizeof w->listeners[i].addr, "?");
    w->nlisteners = i + 1;
  }
  w->deterministic = config->deterministic != 0;
  if (w->deterministic) wasi_random_seed(w, config->seed);
  w->trace_fd = -1;
  if (config->trace_fn != NULL) {
    w->trace_fn = config->trace_fn;
  } else if (config->trace_fd > 0) {
    w->trace_fd = fcntl(config->trace_fd, F_DUPFD_CLOEXEC, 3);
    if (w->trace_fd < 0) {
      set_err(err, WH_ERR_ARG, "wasi: bad trace fd (%s)%s", strerror(errno), NULL);
      goto fail;
    }
  }
  w->trace_on = w->trace_fn != NULL || w->trace_fd > 0;
  w->trace_mask = config->trace_mask ? config->trace_mask : WH_WASI_TRACE_ALL;
  if (w->trace_on && wasi_trace_name_fds(w) != 0) goto nomem;
  return w;
nomem:
  set_err(err, WH_ERR_NOMEM, "wasi: out of memory%s%s", NULL, NULL);
fail:
  wasi_unref(w);
  return NULL;
}

const uint8_t *wh_wasi_captured(const wh_wasi *w, int fd, size_t *len) {
  if (w == NULL || fd < 1 || fd > 2) {
    if (len) *len = 0;
    return NULL;
  }
  if (len) *len = w->captured[fd].len;
  return w->captured[fd].data;
}

/* ------------------------------------------------------------------ */
/* Host function glue                                                   */

static int wasi_dispatch(wh_call *call, void *data, const wh_val *args,
                         wh_val *results) {
  wasi_binding *b = data;
  wasi_req c = {b->w, call, NULL, 0, 0};
  wh_memory *m = call ? wh_call_memory(call) : NULL;
  if (m) {
    c.mem = wh_memory_data(m);
    c.mem_size = wh_memory_size(m);
  }
  if (__builtin_expect(b->w->trace_on, 0))
    return wasi_trace_call(&c, b->entry->name, b->entry->fn, args, strlen(b->entry->params),
                           results);
  int r = b->entry->fn(&c, args);
  if (b->entry->results[0]) results[0].i32 = r;
  return c.status;
}

static void wasi_binding_free(void *data) {
  wasi_binding *b = data;
  wasi_unref(b->w);
  free(b);
}

/* Signatures as wh_valtype arrays, built once from the table's strings. */
static uint8_t sig_params[WASI_NFUNCS][10];
static uint8_t sig_results[WASI_NFUNCS][1] = {{WH_I32}};
static int sig_ready;

static void build_sigs(void) {
  if (sig_ready) return;
  for (size_t i = 0; i < WASI_NFUNCS; i++) {
    const char *p = wasi_table[i].params;
    for (size_t j = 0; p[j]; j++) sig_params[i][j] = p[j] == 'I' ? WH_I64 : WH_I32;
    sig_results[i][0] = WH_I32;
  }
  sig_ready = 1;
}

wh_func *wh_wasi_import(wh_wasi *w, const char *name, uint32_t name_len) {
  if (w == NULL || name == NULL) return NULL;
  build_sigs();
  for (size_t i = 0; i < WASI_NFUNCS; i++) {
    const wasi_entry *e = &wasi_table[i];
    if (strlen(e->name) != name_len || memcmp(e->name, name, name_len) != 0)
      continue;
    wh_functype type;
    type.nparams = (uint32_t)strlen(e->params);
    type.nresults = (uint32_t)strlen(e->results);
    type.params = sig_params[i];
    type.results = sig_results[i];
    wasi_binding *b = malloc(sizeof *b);
    if (b == NULL) return NULL;
    b->w = w;
    b->entry = e;
    __atomic_add_fetch(&w->refs, 1, __ATOMIC_RELAXED);
    wh_func *f = wh_func_new_host(&type, wasi_dispatch, b, wasi_binding_free);
    if (f == NULL) wasi_binding_free(b);
    return f;
  }
  return NULL;
}
