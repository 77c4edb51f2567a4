/* Function signatures interned process-wide, so call_indirect compares
 * one integer even across modules (spec 4.4.8: types match structurally). */
#include "internal.h"

#include <pthread.h>

typedef struct entry {
  wi_ftype t;
  struct entry *next;
  uint32_t *xkey; /* typed references: canonical ids per position, or NULL */
  uint8_t sig[];
} entry;

#define NBUCKETS 1024
static entry *buckets[NBUCKETS];
static uint32_t next_id = 1;
static pthread_mutex_t types_lock = PTHREAD_MUTEX_INITIALIZER;

const wi_ftype *wi_type_intern(const uint8_t *params, uint32_t np,
                               const uint8_t *results, uint32_t nr) {
  return wi_type_intern_x(params, np, results, nr, NULL);
}

/* xkey (np + nr entries, or NULL): for a position holding a typed
 * reference to a concrete type, that type's canonical id (or
 * WI_XKEY_SELF for the signature itself), 0 elsewhere.  Two signatures
 * whose bytes agree (concrete references show as their family, valtype.c)
 * are the same type only if their xkeys agree too. */
const wi_ftype *wi_type_intern_x(const uint8_t *params, uint32_t np,
                                 const uint8_t *results, uint32_t nr, const uint32_t *xkey) {
  uint32_t h = 2166136261u;
  for (uint32_t i = 0; i < np; i++) h = (h ^ params[i]) * 16777619u;
  h = (h ^ 0xff) * 16777619u;
  for (uint32_t i = 0; i < nr; i++) h = (h ^ results[i]) * 16777619u;
  for (uint32_t i = 0; xkey && i < np + nr; i++) h = (h ^ xkey[i]) * 16777619u;
  pthread_mutex_lock(&types_lock);
  entry *e;
  for (e = buckets[h % NBUCKETS]; e; e = e->next) {
    if (e->t.ft.nparams == np && e->t.ft.nresults == nr &&
        (np == 0 || memcmp(e->sig, params, np) == 0) &&
        (nr == 0 || memcmp(e->sig + np, results, nr) == 0) &&
        (!e->xkey == !xkey) && (!xkey || memcmp(e->xkey, xkey, (np + nr) * sizeof *xkey) == 0))
      break;
  }
  if (!e) {
    e = malloc(sizeof *e + np + nr + 1);
    if (e && xkey) {
      e->xkey = malloc((np + nr + 1) * sizeof *xkey);
      if (!e->xkey) { free(e); e = NULL; }
      else memcpy(e->xkey, xkey, (np + nr) * sizeof *xkey);
    } else if (e) {
      e->xkey = NULL;
    }
    if (e) {
      e->t.canon = &e->t;
      if (np) memcpy(e->sig, params, np);
      if (nr) memcpy(e->sig + np, results, nr);
      e->t.ft.nparams = np;
      e->t.ft.nresults = nr;
      e->t.ft.params = e->sig;
      e->t.ft.results = e->sig + np;
      e->t.id = next_id++;
      e->next = buckets[h % NBUCKETS];
      buckets[h % NBUCKETS] = e;
    }
  }
  pthread_mutex_unlock(&types_lock);
  return e ? &e->t : NULL;
}

bool wi_is_reftype(uint8_t t) {
  return t == WH_FUNCREF || t == WH_EXTERNREF ||
         t == WH_EXNREF; /* exception handling (3.0) */
}

bool wi_is_valtype(uint8_t t) {
  return t == WH_I32 || t == WH_I64 || t == WH_F32 || t == WH_F64 || t == WH_V128 ||
         wi_is_reftype(t);
}

const char *wh_valtype_name(uint8_t t) {
  switch (t) {
    case WH_I32: return "i32";
    case WH_I64: return "i64";
    case WH_F32: return "f32";
    case WH_F64: return "f64";
    case WH_V128: return "v128";
    case WH_FUNCREF: return "funcref";
    case WH_EXTERNREF: return "externref";
    case WH_EXNREF: return "exnref";
    case WI_VT_REF_FUNC: return "(ref func)";
    case WI_VT_REF_EXTERN: return "(ref extern)";
    case WI_VT_NULLFUNCREF: return "nullfuncref";
    case WI_VT_NULLEXTERNREF: return "nullexternref";
    case WI_VT_REF_NOFUNC: return "(ref nofunc)";
    case WI_VT_REF_NOEXTERN: return "(ref noextern)";
    case WI_VT_REF_EXN: return "(ref exn)";
    case WI_VT_NULLEXNREF: return "nullexnref";
    case WI_VT_REF_NOEXN: return "(ref noexn)";
    default:
      if (t >= 0x80) return (t & 1) ? "(ref null $type)" : "(ref $type)";
      return "unknown";
  }
}
