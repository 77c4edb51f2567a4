/* Stores: lifetime of linked objects.  See internal.h for why only host
 * references are counted.  One process-wide lock keeps merging and
 * counting simple; none of it is on the execution path. */
#include "internal.h"

#include <pthread.h>

static pthread_mutex_t store_lock = PTHREAD_MUTEX_INITIALIZER;

static wi_store *root_of(wi_store *s) {
  while (s->parent) {
    if (s->parent->parent) s->parent = s->parent->parent; /* path halving */
    s = s->parent;
  }
  return s;
}

int wi_object_init(wi_object *o) {
  wi_store *s = calloc(1, sizeof *s);
  if (!s) return WH_ERR_NOMEM;
  o->store = s;
  o->next = NULL;
  s->objects = o;
  s->refs = 1;
  return 0;
}

void wi_object_init_owned(wi_object *o, wi_object *owner) {
  o->destroy = NULL;
  o->store = owner->store;
  o->next = NULL;
}

wi_store *wi_store_of(const wi_object *o) {
  pthread_mutex_lock(&store_lock);
  wi_store *r = root_of(o->store);
  pthread_mutex_unlock(&store_lock);
  return r;
}

void wi_store_join(wi_object *a, wi_object *b) {
  pthread_mutex_lock(&store_lock);
  wi_store *ra = root_of(a->store), *rb = root_of(b->store);
  if (ra != rb) {
    /* rb's objects and merged stores move under ra */
    wi_object **tail = &ra->objects;
    while (*tail) tail = &(*tail)->next;
    *tail = rb->objects;
    rb->objects = NULL;
    wi_store **mt = &ra->merged;
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

void wi_object_ref(wi_object *o) {
  pthread_mutex_lock(&store_lock);
  root_of(o->store)->refs++;
  pthread_mutex_unlock(&store_lock);
}

void wi_object_unref(wi_object *o) {
  pthread_mutex_lock(&store_lock);
  wi_store *r = root_of(o->store);
  bool dead = --r->refs == 0;
  pthread_mutex_unlock(&store_lock);
  if (!dead) return;
  /* Nobody outside holds anything of this store: finalizers may run host
   * code, so the lock is not held while freeing. */
  wi_object *obj = r->objects;
  while (obj) {
    wi_object *next = obj->next;
    obj->destroy(obj);
    obj = next;
  }
  wi_store *m = r->merged;
  while (m) {
    wi_store *next = m->next_merged;
    free(m);
    m = next;
  }
  free(r);
}

void wi_store_adopt(wi_object *owner, wi_object *o) {
  pthread_mutex_lock(&store_lock);
  wi_store *r = root_of(owner->store);
  o->store = r;
  o->next = r->objects;
  r->objects = o;
  pthread_mutex_unlock(&store_lock);
}
