/* The binding's pointer-keyed hash map: wrappers by wh_* object
 * (napi_wrap.c) and run states by wh_instance (napi_run.c).  Intrusive, so
 * that the only allocation is the bucket array and an object leaves the map
 * from its finalizer without a lookup that could fail. */
#include <stdlib.h>

#include "node/napi_binding.h"

/* Heap addresses are aligned and clustered: the low bits alone would
 * crowd a few buckets.  A 64-bit finalizer mix spreads them. */
static size_t hash_ptr(const void *p, size_t nbuckets) {
  uint64_t x = (uint64_t)(uintptr_t)p;
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  return (size_t)x & (nbuckets - 1);
}

static int grow(wn_ptrmap *m) {
  size_t n = m->nbuckets ? m->nbuckets * 2 : 64;
  wn_ptrmap_entry **b = calloc(n, sizeof *b);
  if (!b) return -1;
  for (size_t i = 0; i < m->nbuckets; i++) {
    wn_ptrmap_entry *e = m->buckets[i];
    while (e) {
      wn_ptrmap_entry *next = e->next;
      size_t h = hash_ptr(e->key, n);
      e->next = b[h];
      b[h] = e;
      e = next;
    }
  }
  free(m->buckets);
  m->buckets = b;
  m->nbuckets = n;
  return 0;
}

wn_ptrmap_entry *wn_ptrmap_find(const wn_ptrmap *m, const void *key) {
  if (!key || !m->nbuckets) return NULL;
  for (wn_ptrmap_entry *e = m->buckets[hash_ptr(key, m->nbuckets)]; e; e = e->next)
    if (e->key == key) return e;
  return NULL;
}

void wn_ptrmap_remove(wn_ptrmap *m, wn_ptrmap_entry *e) {
  if (!e->key) return;
  wn_ptrmap_entry **pp = &m->buckets[hash_ptr(e->key, m->nbuckets)];
  while (*pp && *pp != e) pp = &(*pp)->next;
  if (*pp) {
    *pp = e->next;
    m->count--;
  }
  e->key = NULL;
  e->next = NULL;
}

/* Grows before it unlinks anything, so a failure leaves the map as it was. */
int wn_ptrmap_put(wn_ptrmap *m, wn_ptrmap_entry *e, const void *key,
                       wn_ptrmap_entry **old) {
  if (old) *old = NULL;
  if (m->count + 1 > m->nbuckets && grow(m)) return -1;
  wn_ptrmap_entry *prev = wn_ptrmap_find(m, key);
  if (prev) {
    wn_ptrmap_remove(m, prev);
    if (old) *old = prev;
  }
  size_t h = hash_ptr(key, m->nbuckets);
  e->key = key;
  e->next = m->buckets[h];
  m->buckets[h] = e;
  m->count++;
  return 0;
}
