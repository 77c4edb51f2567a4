/* Extern types as the embedder sees them: the current type of an extern,
 * import matching (core spec 4.5.4, "external types" and limits
 * subtyping, 2.0 rules: no subtyping between function or value types) and
 * the text the link errors print.  The engine's instantiation and the Node
 * binding's import reading both use these, so a LinkError says the same
 * thing whichever layer finds the mismatch. */
#include "internal.h"

#include <stdio.h>

int wh_extern_type(const wh_extern *e, wh_externtype *out) {
  memset(out, 0, sizeof *out);
  out->kind = e->kind;
  switch (e->kind) {
  case WH_EXTERN_FUNC:
    if (!e->u.func) return WH_ERR_ARG;
    out->u.func = *wh_func_type(e->u.func);
    return 0;
  case WH_EXTERN_TABLE:
    if (!e->u.table) return WH_ERR_ARG;
    wh_table_type(e->u.table, &out->u.table);
    return 0;
  case WH_EXTERN_MEMORY:
    if (!e->u.memory) return WH_ERR_ARG;
    wh_memory_type(e->u.memory, &out->u.memory);
    return 0;
  case WH_EXTERN_GLOBAL:
    if (!e->u.global) return WH_ERR_ARG;
    wh_global_type(e->u.global, &out->u.global);
    return 0;
  case WH_EXTERN_TAG:
    if (!e->u.tag) return WH_ERR_ARG;
    out->u.tag = *wh_tag_type(e->u.tag);
    return 0;
  }
  return WH_ERR_ARG;
}

/* Limits subtyping: at least as large now, and a maximum at least as tight. */
static int limits_match(const wh_limits *have, const wh_limits *want) {
  if (!have->addr64 != !want->addr64) return 0; /* memory64 / table64 */
  if (have->min < want->min) return 0;
  if (!want->has_max) return 1;
  return have->has_max && have->max <= want->max;
}

static int functype_eq(const wh_functype *a, const wh_functype *b) {
  return a->nparams == b->nparams && a->nresults == b->nresults &&
         (!a->nparams || !memcmp(a->params, b->params, a->nparams)) &&
         (!a->nresults || !memcmp(a->results, b->results, a->nresults));
}

int wh_externtype_matches(const wh_externtype *have, const wh_externtype *want) {
  if (have->kind != want->kind) return 0;
  switch (want->kind) {
  case WH_EXTERN_FUNC: return functype_eq(&have->u.func, &want->u.func);
  case WH_EXTERN_TABLE:
    return have->u.table.elem == want->u.table.elem &&
           limits_match(&have->u.table.limits, &want->u.table.limits);
  case WH_EXTERN_MEMORY: return limits_match(&have->u.memory, &want->u.memory);
  case WH_EXTERN_GLOBAL:
    /* 3.0: an immutable global may be of a subtype (typed references) */
    if (!have->u.global.mutable_ != !want->u.global.mutable_) return 0;
    return have->u.global.type == want->u.global.type ||
           (!want->u.global.mutable_ && wi_vt_sub(NULL, have->u.global.type, want->u.global.type));

  case WH_EXTERN_TAG: return functype_eq(&have->u.tag, &want->u.tag);
  }
  return 0;
}

/* snprintf that keeps counting past the end of buf, so the total is what
 * the whole text needs. */
static size_t put(char *buf, size_t cap, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static size_t put(char *buf, size_t cap, size_t at, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(at < cap ? buf + at : NULL, at < cap ? cap - at : 0, fmt, ap);
  va_end(ap);
  return at + (n > 0 ? (size_t)n : 0);
}

static size_t put_types(char *buf, size_t cap, size_t at, const uint8_t *t, uint32_t n) {
  at = put(buf, cap, at, "[");
  for (uint32_t i = 0; i < n; i++) at = put(buf, cap, at, "%s%s", i ? " " : "", wh_valtype_name(t[i]));
  return put(buf, cap, at, "]");
}

static size_t put_limits(char *buf, size_t cap, size_t at, const wh_limits *l) {
  if (l->addr64) at = put(buf, cap, at, "i64 ");
  if (l->has_max)
    return put(buf, cap, at, "{min %llu, max %llu}", (unsigned long long)l->min,
               (unsigned long long)l->max);
  return put(buf, cap, at, "{min %llu}", (unsigned long long)l->min);
}

size_t wh_externtype_format(const wh_externtype *t, char *buf, size_t cap) {
  size_t at = 0;
  if (cap) buf[0] = '\0';
  switch (t->kind) {
  case WH_EXTERN_FUNC:
    at = put(buf, cap, at, "func ");
    at = put_types(buf, cap, at, t->u.func.params, t->u.func.nparams);
    at = put(buf, cap, at, " -> ");
    return put_types(buf, cap, at, t->u.func.results, t->u.func.nresults);
  case WH_EXTERN_TABLE:
    at = put(buf, cap, at, "table ");
    at = put_limits(buf, cap, at, &t->u.table.limits);
    return put(buf, cap, at, " %s", wh_valtype_name(t->u.table.elem));
  case WH_EXTERN_MEMORY:
    at = put(buf, cap, at, "memory ");
    return put_limits(buf, cap, at, &t->u.memory);
  case WH_EXTERN_GLOBAL:
    return put(buf, cap, at, "global %s %s", t->u.global.mutable_ ? "mut" : "const",
               wh_valtype_name(t->u.global.type));

  case WH_EXTERN_TAG:
    at = put(buf, cap, at, "tag ");
    return put_types(buf, cap, at, t->u.tag.params, t->u.tag.nparams);
  }
  return put(buf, cap, at, "?");
}
