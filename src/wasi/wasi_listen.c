/* The listening sockets an embedder grants (wh_wasi_config.listeners):
 * wazero's `-listen` and wasmtime's `tcplisten`.  Preview 1 has no socket
 * or bind call, so the host opens the listener and the guest finds it as
 * an fd after the preopens (Go: net.FileListener(os.NewFile(3, ""))).
 * Only listeners are granted: a guest can accept, never connect out. */
#include "wasi_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* "HOST:PORT", "[V6]:PORT", ":PORT" -> host (NULL: every interface) and
 * port strings in buf.  0, or -1 when malformed. */
static int split_addr(const char *spec, char *buf, size_t len, const char **host,
                      const char **port) {
  size_t n = strlen(spec);
  if (n == 0 || n >= len) return -1;
  memcpy(buf, spec, n + 1);
  char *colon = strrchr(buf, ':');
  if (colon == NULL || colon[1] == '\0') return -1;
  *colon = '\0';
  *port = colon + 1;
  for (const char *p = *port; *p; p++)
    if (*p < '0' || *p > '9') return -1;
  if (atol(*port) > 65535) return -1;
  char *h = buf;
  if (h[0] == '[') {
    size_t hl = strlen(h);
    if (hl < 2 || h[hl - 1] != ']') return -1;
    h[hl - 1] = '\0';
    h++;
  } else if (strchr(h, ':') != NULL) {
    return -1; /* a bare IPv6 address needs brackets */
  }
  *host = h[0] ? h : NULL;
  return 0;
}

int wasi_listen_open(const char *spec, int backlog, char *msg, size_t msglen) {
  char buf[300];
  const char *host, *port;
  if (split_addr(spec, buf, sizeof buf, &host, &port) != 0) {
    snprintf(msg, msglen, "wasi: listen address '%s' is not HOST:PORT", spec);
    return -1;
  }
  struct addrinfo hints, *res = NULL;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  int g = getaddrinfo(host, port, &hints, &res);
  if (g != 0) {
    snprintf(msg, msglen, "wasi: listen address '%s': %s", spec, gai_strerror(g));
    return -1;
  }
  int fd = -1, err = 0;
  for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
    /* Non-blocking: sock_accept polls first, and a connection another
     * holder of the socket took meanwhile must give EAGAIN, not a block. */
    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                ai->ai_protocol);
    if (fd < 0) {
      err = errno;
      continue;
    }
    int one = 1;
    /* A restarted server can take its port back at once (TIME_WAIT). */
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
        listen(fd, backlog > 0 ? backlog : SOMAXCONN) == 0)
      break;
    err = errno;
    close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  if (fd < 0) snprintf(msg, msglen, "wasi: cannot listen on '%s': %s", spec, strerror(err));
  return fd;
}

/* "127.0.0.1:8080" or "[::1]:8080" for a bound socket. */
int wasi_sock_name(int fd, int peer, char *out, size_t len) {
  struct sockaddr_storage ss;
  socklen_t sl = sizeof ss;
  char ip[INET6_ADDRSTRLEN];
  if ((peer ? getpeername(fd, (struct sockaddr *)&ss, &sl)
            : getsockname(fd, (struct sockaddr *)&ss, &sl)) != 0)
    return -1;
  if (ss.ss_family == AF_INET) {
    struct sockaddr_in *a = (struct sockaddr_in *)&ss;
    inet_ntop(AF_INET, &a->sin_addr, ip, sizeof ip);
    snprintf(out, len, "%s:%u", ip, ntohs(a->sin_port));
  } else if (ss.ss_family == AF_INET6) {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
    inet_ntop(AF_INET6, &a->sin6_addr, ip, sizeof ip);
    snprintf(out, len, "[%s]:%u", ip, ntohs(a->sin6_port));
  } else {
    snprintf(out, len, "unix");
  }
  return 0;
}

int wh_wasi_listener_info(const wh_wasi *w, uint32_t i, uint32_t *guest_fd,
                          char *addr, size_t addr_len) {
  if (w == NULL || i >= w->nlisteners) return -1;
  if (guest_fd) *guest_fd = w->listeners[i].guest_fd;
  if (addr && addr_len) snprintf(addr, addr_len, "%s", w->listeners[i].addr);
  return 0;
}
