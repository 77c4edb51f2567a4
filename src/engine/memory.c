/* Linear memory.  Bounds are checked explicitly by the interpreter and the
 * host (no guard pages, no signal handlers: V8 owns them inside Node), so
 * the address space behind a memory only has to hold its current size.
 *
 * A memory reserves address space in proportion to need: its declared
 * maximum when that is small (WI_MEM_FIXED_MAX: it never moves), else a
 * modest amount (at least WI_MEM_MIN_RESERVE) that a grow past it replaces
 * with one twice as large (mremap on Linux: page tables move, bytes do not;
 * a copy elsewhere).  A 4 GiB reservation per memory capped a process at
 * about 32,000 memories: 128 TiB of address space, and the kernel's 65,530
 * mappings (vm.max_map_count) at two per memory.
 *
 * The reservation is mapped read-write (MAP_NORESERVE: untouched pages cost
 * neither RSS nor commit charge) rather than PROT_NONE past the size, so
 * neighbouring memories share one kernel mapping and 100,000 memories do
 * not exhaust vm.max_map_count.  Nothing reads or writes past the size:
 * every access is checked against it, which is what keeps the part past
 * it zero for a later grow.
 *
 * When the base moves, whoever cached it reloads it: the interpreter after
 * memory.grow and after every call (RELOAD_SIZE in interp.c), host code at
 * each call (wh_memory_data).  A pointer handed out by wh_memory_data
 * before the move (an ArrayBuffer in JS, maybe read on another thread) must
 * not fault: the old range stays mapped, emptied (it reads zeros), until
 * the memory is freed. */
#include "internal.h"

#include <pthread.h>
#include <stdio.h>
#include <sys/mman.h>

#ifndef MAP_NORESERVE
#define MAP_NORESERVE 0
#endif

/* Thresholds, measured on Linux 6.18 x86-64 (README "Memory"): mapping a
 * reservation costs ~1.3 µs whatever its size, and a move (mremap: page
 * tables move, bytes do not) 5-15 µs up to 128 MiB touched, ~100 µs at
 * 1 GiB, where copying would take 25 ms and 130 ms.  So moves are cheap and
 * a reservation costs only address space: 128 TiB holds a million memories
 * at 1 MiB + 16 MiB each with room to spare.  1 MiB covers the initial size
 * of typical C and Rust modules (2-17 pages); doubling bounds a page-by-page
 * grow to 4 GiB at 12 moves.  A declared maximum up to 16 MiB is reserved
 * whole (it never moves); a larger one (toolchains often declare 2-4 GiB)
 * would bring back the 32,000-memory ceiling, so it moves like no maximum. */
#define WI_MEM_MIN_RESERVE (1u << 20)
#define WI_MEM_FIXED_MAX (16u << 20)

struct wi_memory_old {
  uint8_t *data;
  uint64_t len;
};

#ifdef MADV_NOHUGEPAGE
/* With transparent huge pages "always", neighbouring reservations merged
 * into one mapping could take a 2 MiB page for one touched byte, shared
 * by several memories: RSS in megabytes per small instance.  Opt out
 * then (the flag moves with the memory); under "madvise" or "never" the
 * kernel does this already, without a system call per memory. */
static pthread_once_t thp_once = PTHREAD_ONCE_INIT;
static bool thp_always;

static void read_thp(void) {
  char buf[64] = {0};
  FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
  if (!f) return;
  if (fgets(buf, sizeof buf, f)) thp_always = strstr(buf, "[always]") != NULL;
  fclose(f);
}
#endif

static uint8_t *map_fresh(uint64_t len) {
  void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) return NULL;
#ifdef MADV_NOHUGEPAGE
  pthread_once(&thp_once, read_thp);
  if (thp_always) madvise(p, len, MADV_NOHUGEPAGE);
#endif
  return p;
}

/* The most bytes the memory may ever hold. */
static uint64_t limit_bytes(const wh_memory *m) {
  uint64_t lim = m->max_pages * WI_PAGE_SIZE;
  return m->cap_bytes < lim ? m->cap_bytes : lim;
}

/* The reservation for a memory of `size` bytes now. */
static uint64_t reserve_for(const wh_memory *m, uint64_t size) {
  uint64_t lim = limit_bytes(m);
  if (m->has_max && lim <= WI_MEM_FIXED_MAX) return lim;
  uint64_t r = size < WI_MEM_MIN_RESERVE ? WI_MEM_MIN_RESERVE : size;
  return r < lim ? r : lim;
}

static void memory_destroy(wi_object *o);

wh_memory *wi_memory_create(uint64_t min, uint64_t max, bool has_max,
                            uint64_t cap_bytes, wh_error *err) {
  if (min > WI_MAX_PAGES || (has_max && (max > WI_MAX_PAGES || max < min))) {
    wi_err_set(err, WH_ERR_ARG, "memory size must be at most 65536 pages (4GiB)");
    return NULL;
  }
  if (cap_bytes == 0 || cap_bytes > (uint64_t)WI_MAX_PAGES * WI_PAGE_SIZE)
    cap_bytes = (uint64_t)WI_MAX_PAGES * WI_PAGE_SIZE;
  uint64_t cap_pages = cap_bytes / WI_PAGE_SIZE;
  if (min > cap_pages) {
    wi_err_set(err, WH_ERR_LIMIT,
               "memory of %llu pages exceeds the limit of %llu bytes",
               (unsigned long long)min, (unsigned long long)cap_bytes);
    return NULL;
  }
  wh_memory *m = calloc(1, sizeof *m);
  if (!m) {
    wi_err_set(err, WH_ERR_NOMEM, "out of memory");
    return NULL;
  }
  m->obj.destroy = memory_destroy;
  m->max_pages = has_max ? max : WI_MAX_PAGES;
  m->has_max = has_max;
  m->cap_bytes = cap_bytes;
  /* An empty memory reserves nothing until its first grow. */
  if (min) {
    uint64_t r = reserve_for(m, min * WI_PAGE_SIZE);
    if (!(m->data = map_fresh(r))) {
      free(m);
      wi_err_set(err, WH_ERR_NOMEM, "cannot reserve linear memory");
      return NULL;
    }
    m->reserved = r;
  }
  m->size = min * WI_PAGE_SIZE;
  return m;
}

static void memory_destroy(wi_object *o) {
  wh_memory *m = (wh_memory *)o;
  if (m->reserved) munmap(m->data, m->reserved);
  for (uint32_t i = 0; i < m->nold; i++) munmap(m->old[i].data, m->old[i].len);
  free(m->old);
  free(m);
}

/* Records [data, data+len), left mapped but empty for pointers handed out
 * before a move, to be freed with the memory.  Its slot was allocated
 * before the move. */
static void keep_old(wh_memory *m, uint8_t *data, uint64_t len) {
  m->old[m->nold].data = data;
  m->old[m->nold].len = len;
  m->nold++;
}

/* Moves the memory to a reservation of r bytes (r > reserved). */
static int relocate(wh_memory *m, uint64_t r) {
  if (!m->reserved) {
    if (!(m->data = map_fresh(r))) return -1;
    m->reserved = r;
    return 0;
  }
  /* Reserve room for the old-range record first, so that nothing can fail
   * once the bytes have moved. */
  if (m->exposed) {
    struct wi_memory_old *o = realloc(m->old, (m->nold + 1) * sizeof *o);
    if (!o) return -1;
    m->old = o;
  }
#ifdef __linux__
  if (!m->exposed) {
    /* Grows in place when the address space after it is free. */
    void *p = mremap(m->data, m->reserved, r, MREMAP_MAYMOVE);
    if (p != MAP_FAILED) {
      m->data = p;
      m->reserved = r;
      return 0;
    }
    /* (EFAULT if the range is not one kernel mapping: copy instead.) */
  }
#ifdef MREMAP_DONTUNMAP
  else {
    /* The pages move to a range of their own, the old one stays mapped
     * and empty (MREMAP_DONTUNMAP: Linux 5.7, anonymous private
     * mappings); then that range grows as a whole, which keeps the memory
     * one kernel mapping (mremap cannot resize across two). */
    void *p = mremap(m->data, m->reserved, m->reserved,
                     MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL);
    if (p != MAP_FAILED) {
      void *q = mremap(p, m->reserved, r, MREMAP_MAYMOVE);
      if (q == MAP_FAILED) {
        /* Back where it was, so that a failed grow leaves the host's
         * pointer (which it refreshes only on a size change) valid. */
        mremap(p, m->reserved, m->reserved, MREMAP_MAYMOVE | MREMAP_FIXED, m->data);
        return -1;
      }
      keep_old(m, m->data, m->reserved);
      m->data = q;
      m->reserved = r;
      m->exposed = false;
      return 0;
    }
  }
#endif
#endif
  uint8_t *q = map_fresh(r);
  if (!q) return -1;
  memcpy(q, m->data, m->size);
  if (m->exposed) {
    /* A fresh mapping over the old range frees its pages and keeps it
     * valid: MAP_FIXED replaces in one step, so no other mapping can land
     * there in between. */
    mmap(m->data, m->reserved, PROT_READ | PROT_WRITE,
         MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
    keep_old(m, m->data, m->reserved);
  } else {
    munmap(m->data, m->reserved);
  }
  m->data = q;
  m->reserved = r;
  m->exposed = false;
  return 0;
}

/* Successful grows, for hosts that refresh views of memories (JS buffers)
 * only when some memory changed size. */
static atomic_uint_fast64_t grow_count;

int64_t wh_memory_grow(wh_memory *m, uint64_t delta) {
  uint64_t old = m->size / WI_PAGE_SIZE;
  if (delta == 0) return (int64_t)old;
  uint64_t limit = limit_bytes(m) / WI_PAGE_SIZE;
  /* The cap may have been lowered below the size (wh_memory_set_cap). */
  if (old > limit || delta > limit - old) return -1;
  uint64_t size = m->size + delta * WI_PAGE_SIZE;
  if (size > m->reserved) {
    uint64_t r = reserve_for(m, size);
    /* Doubling: a guest growing page by page moves a logarithmic number
     * of times. */
    if (r < 2 * m->reserved) r = 2 * m->reserved;
    if (r > limit_bytes(m)) r = limit_bytes(m);
    if (relocate(m, r) != 0) return -1;
  }
  m->size = size;
  atomic_fetch_add_explicit(&grow_count, 1, memory_order_relaxed);
  return (int64_t)old;
}

uint64_t wh_memory_grow_count(void) {
  return atomic_load_explicit(&grow_count, memory_order_relaxed);
}

void wh_memory_set_cap(wh_memory *m, uint64_t max_bytes) {
  if (max_bytes < m->cap_bytes) m->cap_bytes = max_bytes;
}

/* memory64 (3.0): the declared limits may reach 2^48 pages; the engine
 * still holds at most 4 GiB (and the instance's cap), so an address of
 * 2^32 or more is always out of bounds (tr_addr64.c relies on it). */
wh_memory *wi_memory_create64(uint64_t min, uint64_t max, bool has_max, uint64_t cap_bytes, wh_error *err) {
  if (has_max && max < min) {
    wi_err_set(err, WH_ERR_ARG, "size minimum must not be greater than maximum");
    return NULL;
  }
  if (min > WI_MAX_PAGES) {
    wi_err_set(err, WH_ERR_LIMIT, "memory of %llu pages exceeds the limit of 65536 pages (4 GiB) of a 64-bit memory",
               (unsigned long long)min);
    return NULL;
  }
  bool small = has_max && max <= WI_MAX_PAGES;
  wh_memory *m = wi_memory_create(min, small ? max : WI_MAX_PAGES, small, cap_bytes, err);
  if (!m) return NULL;
  m->addr64 = true;
  m->has_max = has_max;
  m->decl_max = max;
  return m;
}

wh_memory *wh_memory_new64(uint64_t min, uint64_t max, int has_max, wh_error *err) {
  wh_memory *m = wi_memory_create64(min, max, has_max, 0, err);
  if (m && wi_object_init(&m->obj) != 0) {
    memory_destroy(&m->obj);
    wi_err_set(err, WH_ERR_NOMEM, "out of memory");
    return NULL;
  }
  return m;
}

wh_memory *wh_memory_new(uint64_t min, uint64_t max, int has_max, wh_error *err) {
  wh_memory *m = wi_memory_create(min, max, has_max, 0, err);
  if (m && wi_object_init(&m->obj) != 0) {
    memory_destroy(&m->obj);
    wi_err_set(err, WH_ERR_NOMEM, "out of memory");
    return NULL;
  }
  return m;
}

wh_memory *wh_memory_ref(wh_memory *m) { wi_object_ref(&m->obj); return m; }
void wh_memory_unref(wh_memory *m) { if (m) wi_object_unref(&m->obj); }

uint8_t *wh_memory_data(wh_memory *m) {
  /* The host may keep this pointer: a later move must leave it mapped. */
  if (m->data) m->exposed = true;
  return m->data;
}

uint64_t wh_memory_size(const wh_memory *m) { return m->size; }

void wh_memory_type(const wh_memory *m, wh_limits *out) {
  out->min = m->size / WI_PAGE_SIZE;
  out->max = m->addr64 ? m->decl_max : m->max_pages;
  out->has_max = m->has_max;
  out->addr64 = m->addr64;
}
