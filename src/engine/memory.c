/* Linear memory.  The whole possible extent is reserved as inaccessible
 * address space at creation and made accessible page run by page run as
 * it grows, so the base never moves (JS views and host pointers stay
 * valid) and growth never copies.  Bounds are checked explicitly by the
 * interpreter; no signal handlers (V8 owns them inside Node). */
#include "internal.h"

#include <sys/mman.h>

wh_memory *wh_memory_create(uint64_t min, uint64_t max, bool has_max,
                            uint64_t cap_bytes, wh_error *err) {
  if (min > WH_MAX_PAGES || (has_max && (max > WH_MAX_PAGES || max < min))) {
    wh_err_set(err, WH_ERR_ARG, "memory size must be at most 65536 pages (4GiB)");
    return NULL;
  }
  uint64_t limit_pages = has_max ? max : WH_MAX_PAGES;
  if (cap_bytes == 0 || cap_bytes > (uint64_t)WH_MAX_PAGES * WH_PAGE_SIZE)
    cap_bytes = (uint64_t)WH_MAX_PAGES * WH_PAGE_SIZE;
  uint64_t cap_pages = cap_bytes / WH_PAGE_SIZE;
  if (min > cap_pages) {
    wh_err_set(err, WH_ERR_LIMIT,
               "memory of %llu pages exceeds the limit of %llu bytes",
               (unsigned long long)min, (unsigned long long)cap_bytes);
    return NULL;
  }
  if (limit_pages > cap_pages) limit_pages = cap_pages;
  wh_memory *m = calloc(1, sizeof *m);
  if (!m) {
    wh_err_set(err, WH_ERR_NOMEM, "out of memory");
    return NULL;
  }
  m->reserved = limit_pages * WH_PAGE_SIZE;
  if (m->reserved) {
    void *p = mmap(NULL, m->reserved, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
      free(m);
      wh_err_set(err, WH_ERR_NOMEM, "cannot reserve linear memory");
      return NULL;
    }
    m->data = p;
  }
  m->max_pages = has_max ? max : WH_MAX_PAGES;
  m->has_max = has_max;
  m->cap_bytes = cap_bytes;
  if (min && mprotect(m->data, min * WH_PAGE_SIZE, PROT_READ | PROT_WRITE) != 0) {
    munmap(m->data, m->reserved);
    free(m);
    wh_err_set(err, WH_ERR_NOMEM, "cannot commit linear memory");
    return NULL;
  }
  m->size = min * WH_PAGE_SIZE;
  return m;
}

void wh_memory_destroy(wh_memory *m) {
  if (m->reserved) munmap(m->data, m->reserved);
  free(m);
}

int64_t wh_memory_grow(wh_memory *m, uint64_t delta) {
  uint64_t old = m->size / WH_PAGE_SIZE;
  if (delta == 0) return (int64_t)old;
  uint64_t room = m->reserved < m->cap_bytes ? m->reserved : m->cap_bytes;
  uint64_t limit = room / WH_PAGE_SIZE;
  if (m->max_pages < limit) limit = m->max_pages;
  if (delta > limit - old) return -1;
  if (mprotect(m->data + m->size, delta * WH_PAGE_SIZE, PROT_READ | PROT_WRITE) != 0)
    return -1;
  m->size += delta * WH_PAGE_SIZE;
  return (int64_t)old;
}

void wh_memory_set_cap(wh_memory *m, uint64_t max_bytes) {
  if (max_bytes < m->cap_bytes) m->cap_bytes = max_bytes;
}

wh_memory *wh_memory_new(uint64_t min, uint64_t max, int has_max, wh_error *err) {
  wh_memory *m = wh_memory_create(min, max, has_max, 0, err);
  if (m && wh_object_init(&m->obj, WH_OBJ_MEMORY) != 0) {
    wh_memory_destroy(m);
    wh_err_set(err, WH_ERR_NOMEM, "out of memory");
    return NULL;
  }
  return m;
}

wh_memory *wh_memory_ref(wh_memory *m) { wh_object_ref(&m->obj); return m; }
void wh_memory_unref(wh_memory *m) { if (m) wh_object_unref(&m->obj); }
uint8_t *wh_memory_data(wh_memory *m) { return m->data; }
uint64_t wh_memory_size(const wh_memory *m) { return m->size; }

void wh_memory_type(const wh_memory *m, wh_limits *out) {
  out->min = m->size / WH_PAGE_SIZE;
  out->max = m->max_pages;
  out->has_max = m->has_max;
}
