/* Stores: lifetime of linked objects.  See internal.h for why only host
 * references are counted.  One process-wide lock keeps merging and
 * counting simple; none of it is on the execution path. */
#include "internal.h"

#include <pthread.h>

static pthread_mutex_t store_lock = PTHREAD_MUTEX_INITIALIZER;

static wh_store *root_of(wh_store *s) {
  while (s->parent) {
    if (s->parent->parent) s->parent = s->parent->parent; /* path halving */
    s = s->parent;
  }
  return s;
}

int wh_object_init(wh_object *o) {
  wh_store *s = calloc(1, sizeof *s);
  if (!s) return WH_ERR_NOMEM;
  o->store = s;
  o->next = NULL;
  s->objects = o;
  s->refs = 1;
  return 0;
}

void wh_object_init_owned(wh_object *o, wh_object *owner) {
  o->destroy = NULL;
  o->store = owner->store;
  o->next = NULL;
}

wh_store *wh_store_of(const wh_object *o) {
  pthread_mutex_lock(&store_lock);
  wh_store *r = root_of(o->store);
  pthread_mutex_unlock(&store_lock);
  return r;
}

void wh_store_join(wh_object *a, wh_object *b) {
  pthread_mutex_lock(&store_lock);
  wh_store *ra = root_of(a->store), *rb = root_of(b->store);
  if (ra != rb) {
    /* rb's objects and merged stores move under ra */
    wh_object **tail = &ra->objects;
    while (*tail) tail = &(*tail)->next;
    *tail = rb->objects;
    rb->objects = NULL;
    wh_store **mt = &ra->merged;
    while (*mt) mt = &(*mt)->next_merged;
    *mt = rb->merged;
    rb->merged = NULL;
    rb->next_merged = ra->merged;
    ra->merged = rb;
    rb->parent = ra;
    ra->refs += rb->refs;
    rb->refs = 0;
  }
  pthread_mutex_unlock(&store_lock);
}

void wh_object_ref(wh_object *o) {
  pthread_mutex_lock(&store_lock);
  root_of(o->store)->refs++;
  pthread_mutex_unlock(&store_lock);
}

void wh_object_unref(wh_object *o) {
  pthread_mutex_lock(&store_lock);
  wh_store *r = root_of(o->store);
  bool dead = --r->refs == 0;
  pthread_mutex_unlock(&store_lock);
  if (!dead) return;
  /* Nobody outside holds anything of this store: finalizers may run host
   * code, so the lock is not held while freeing. */
  wh_object *obj = r->objects;
  while (obj) {
    wh_object *next = obj->next;
    obj->destroy(obj);
    obj = next;
  }
  wh_store *m = r->merged;
  while (m) {
    wh_store *next = m->next_merged;
    free(m);
    m = next;
  }
  free(r);
}

void wh_store_adopt(wh_object *owner, wh_object *o) {
  pthread_mutex_lock(&store_lock);
  wh_store *r = root_of(owner->store);
  o->store = r;
  o->next = r->objects;
  r->objects = o;
  pthread_mutex_unlock(&store_lock);
}
