/* Module decoding (spec 5.5): sections into wh_module.  Only structure is
 * checked here; index and type rules are validate.c's and translate.c's. */
#include "opcodes.h"
#include "reader.h"

#include <stdio.h>

#define FAIL(...) return wi_rd_fail(r, __VA_ARGS__)
#define TRY(x) do { if ((x) != 0) return -1; } while (0)

static void *alloc_n(wi_reader *r, size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size);
  if (!p) wi_err_set(r->err, WH_ERR_NOMEM, "out of memory");
  return p;
}

/* A count that must fit in what remains: every element needs >= 1 byte, so
 * a larger count is malformed and never becomes a huge allocation. */
static int rd_count(wi_reader *r, uint32_t *n) {
  uint32_t v;
  TRY(wi_rd_u32(r, &v));
  if (v > (size_t)(r->end - r->p)) FAIL("length out of bounds");
  *n = v; /* only a count that can be allocated reaches the module */
  return 0;
}

/* The JS API's implementation-defined limits (JS API §"Limits"; V8 and
 * the other engines keep the same): a module past one does not compile.
 * They are far above what toolchains emit (Go's linker keeps data
 * segments under 100,000 for this very limit) and bound what a hostile
 * module makes the decoder allocate. */
enum {
  LIM_TYPES = 1000000,
  LIM_FUNCS = 1000000,
  LIM_IMPORTS = 1000000,
  LIM_EXPORTS = 1000000,
  LIM_GLOBALS = 1000000,
  LIM_TAGS = 1000000,
  LIM_DATAS = 100000,
  LIM_TABLES = 100000,
  LIM_MEMS = 100,
  LIM_PARAMS = 1000,
  LIM_RESULTS = 1000,
  LIM_BODY_BYTES = 7654321,
  LIM_ELEM_ENTRIES = 10000000,
};

/* rd_count, then the limit on what it counts */
static int rd_count_max(wi_reader *r, uint32_t *n, uint32_t max, const char *what) {
  TRY(rd_count(r, n));
  if (*n > max) FAIL("too many %s (%u; the limit is %u)", what, *n, max);
  return 0;
}

/* value and reference types may name a type (3.0 typed references:
 * valtype.c); the module's whole type section is read by then */
static int rd_valtype(wi_reader *r, const wh_module *m, uint8_t *t) {
  return wi_rd_valtype(r, m->ntypes, t);
}

static int rd_reftype(wi_reader *r, const wh_module *m, uint8_t *t) {
  return wi_rd_reftype(r, m->ntypes, t);
}

/* flags: bit 0 a maximum, bit 1 shared (threads), bit 2 64-bit addresses
 * (3.0 memory64 / table64: the limits are u64 then) */
static int rd_limits(wi_reader *r, wh_limits *l, uint32_t *flags_out) {
  uint8_t flags;
  uint32_t v;
  TRY(wi_rd_u8(r, &flags));
  if (flags != 0 && flags != 1 && flags != 4 && flags != 5)
    FAIL("%s%s", (flags & ~4) == 2 || (flags & ~4) == 3 ? "shared memories are not supported"
                                                        : "integer too large", wi_unsupported_limits(flags));
  l->addr64 = (flags & 4) != 0;
  l->has_max = flags & 1;
  l->max = 0;
  if (l->addr64) {
    TRY(wi_rd_u64(r, &l->min));
    if (l->has_max) TRY(wi_rd_u64(r, &l->max));
  } else {
    TRY(wi_rd_u32(r, &v));
    l->min = v;
    if (l->has_max) {
      TRY(wi_rd_u32(r, &v));
      l->max = v;
    }
  }
  if (flags_out) *flags_out = flags;
  return 0;
}

static int rd_tabletype(wi_reader *r, const wh_module *m, wh_tabletype *t) {
  TRY(rd_reftype(r, m, &t->elem));
  return rd_limits(r, &t->limits, NULL);
}

static int rd_globaltype(wi_reader *r, const wh_module *m, wh_globaltype *g) {
  uint8_t mut;
  TRY(rd_valtype(r, m, &g->type));
  TRY(wi_rd_u8(r, &mut));
  if (mut > 1) FAIL("malformed mutability");
  g->mutable_ = mut;
  return 0;
}

/* Constant expressions (spec 3.3.10, 2.0): one constant instruction and
 * `end`.  Typing against the module is validate.c's job. */
int wi_rd_constexpr(wi_reader *r, wi_constexpr *ce) {
  uint8_t op;
  const uint8_t *start = r->p;
  memset(ce, 0, sizeof *ce);
  TRY(wi_rd_u8(r, &op));
  if (op == OP_I32_ADD || op == OP_I32_SUB || op == OP_I32_MUL || op == OP_I64_ADD ||
      op == OP_I64_SUB || op == OP_I64_MUL)
    return wi_rd_constexpr_ext(r, ce, start); /* (and the validator's type mismatch) */
  switch (op) {
    case OP_I32_CONST: { int32_t v; TRY(wi_rd_s32(r, &v)); ce->kind = WI_CE_CONST; ce->type = WH_I32; ce->value.i32 = v; break; }
    case OP_I64_CONST: { int64_t v; TRY(wi_rd_s64(r, &v)); ce->kind = WI_CE_CONST; ce->type = WH_I64; ce->value.i64 = v; break; }
    case OP_F32_CONST: { uint32_t v; TRY(wi_rd_f32(r, &v)); ce->kind = WI_CE_CONST; ce->type = WH_F32; ce->value.raw = v; break; }
    case OP_F64_CONST: { uint64_t v; TRY(wi_rd_f64(r, &v)); ce->kind = WI_CE_CONST; ce->type = WH_F64; ce->value.raw = v; break; }
    case OP_GLOBAL_GET: TRY(wi_rd_u32(r, &ce->index)); ce->kind = WI_CE_GLOBAL; break;
    case OP_REF_NULL: TRY(wi_rd_heaptype(r, WI_VT_MAX_CONCRETE, true, &ce->type)); ce->kind = WI_CE_REF_NULL; break;
    case OP_REF_FUNC: TRY(wi_rd_u32(r, &ce->index)); ce->kind = WI_CE_REF_FUNC; ce->type = WI_VT_REF_FUNC; break;
    case 0xFD: { /* v128.const: the only prefixed constant instruction */
      uint32_t sub;
      const uint8_t *p;
      TRY(wi_rd_u32(r, &sub));
      if (WI_FD(sub) != OP_V128_CONST) {
        if (r->err) { r->err->offset = wi_rd_off(r); }
        return wi_err_set(r->err, WH_ERR_INVALID, "constant expression required at offset %u", wi_rd_off(r));
      }
      TRY(wi_rd_bytes(r, 16, &p));
      memcpy(ce->value.v128, p, 16);
      ce->kind = WI_CE_CONST;
      ce->type = WH_V128;
      break;
    }
    case OP_END:
      r->p--;
      if (r->err) { r->err->offset = wi_rd_off(r); }
      return wi_err_set(r->err, WH_ERR_INVALID, "type mismatch: constant expression is empty at offset %u", wi_rd_off(r));
    default:
      r->p--;
      if (r->err) { r->err->offset = wi_rd_off(r); }
      return wi_err_set(r->err, WH_ERR_INVALID, "constant expression required at offset %u", wi_rd_off(r));
  }
  TRY(wi_rd_u8(r, &op));
  if (op != OP_END) return wi_rd_constexpr_ext(r, ce, start); /* extended (3.0) */
  return 0;
}

/* A signature with typed references to concrete types is interned by the
 * canonical ids of the types it names (types.c); the module keeps its own
 * view in module-local codes for validation (valtype.c). */
static int type_of_sig(wi_reader *r, wh_module *m, uint32_t i, const uint8_t *sig, uint32_t np, uint32_t nr) {
  bool typed = false;
  for (uint32_t k = 0; k < np + nr; k++) typed |= sig[k] >= 0x80;
  if (!typed) {
    m->types[i] = wi_type_intern(sig, np, sig + np, nr);
    if (!m->types[i]) return wi_err_set(r->err, WH_ERR_NOMEM, "out of memory");
    return 0;
  }
  uint8_t *pub = malloc(np + nr + 1);
  uint32_t *xkey = malloc((np + nr + 1) * sizeof *xkey);
  wi_ftype *own = malloc(sizeof *own + np + nr + 1);
  const wi_ftype *canon = NULL;
  if (pub && xkey && own) {
    for (uint32_t k = 0; k < np + nr; k++) {
      uint32_t x = sig[k] >= 0x80 ? wi_vt_concrete_index(sig[k]) : 0;
      pub[k] = wi_vt_public(sig[k]);
      xkey[k] = sig[k] < 0x80 ? 0 : x == i ? WI_XKEY_SELF : m->types[x]->id;
    }
    canon = wi_type_intern_x(pub, np, pub + np, nr, xkey);
  }
  free(pub);
  free(xkey);
  if (!canon) {
    free(own);
    return wi_err_set(r->err, WH_ERR_NOMEM, "out of memory");
  }
  uint8_t *codes = (uint8_t *)(own + 1);
  memcpy(codes, sig, np + nr);
  own->ft.nparams = np;
  own->ft.nresults = nr;
  own->ft.params = codes;
  own->ft.results = codes + np;
  own->id = canon->id;
  own->canon = canon;
  m->types[i] = own;
  return 0;
}

static int sec_type(wi_reader *r, wh_module *m) {
  TRY(rd_count_max(r, &m->ntypes, LIM_TYPES, "types"));
  if (!(m->types = alloc_n(r, m->ntypes, sizeof *m->types))) return -1;
  for (uint32_t i = 0; i < m->ntypes; i++) {
    uint8_t form;
    uint32_t np, nr;
    TRY(wi_rd_u8(r, &form));
    if (form != 0x60) FAIL("malformed function type 0x%02x%s", form, wi_unsupported_type_form(form));
    TRY(rd_count_max(r, &np, LIM_PARAMS, "parameters"));
    uint8_t *sig = malloc(np + 1);
    if (!sig) return wi_err_set(r->err, WH_ERR_NOMEM, "out of memory");
    /* a type may name itself and the types before it (3.0: its own
     * recursion group and earlier ones) */
    for (uint32_t k = 0; k < np; k++)
      if (wi_rd_valtype(r, i + 1, &sig[k])) { free(sig); return -1; }
    if (rd_count_max(r, &nr, LIM_RESULTS, "results")) { free(sig); return -1; }
    uint8_t *sig2 = realloc(sig, np + nr + 1);
    if (!sig2) { free(sig); return wi_err_set(r->err, WH_ERR_NOMEM, "out of memory"); }
    sig = sig2;
    for (uint32_t k = 0; k < nr; k++)
      if (wi_rd_valtype(r, i + 1, &sig[np + k])) { free(sig); return -1; }
    int rc = type_of_sig(r, m, i, sig, np, nr);
    free(sig);
    if (rc) return -1;
  }
  return 0;
}

/* A tag (exception handling, 3.0): attribute 0 (an exception), then its
 * type index, checked by validate.c. */
static int rd_tag(wi_reader *r, wh_module *m) {
  uint8_t attr;
  TRY(wi_rd_u8(r, &attr));
  if (attr != 0) FAIL("malformed tag attribute");
  void *p = realloc(m->tag_typeidx, (m->ntags + 1) * sizeof(uint32_t));
  if (!p) return wi_err_set(r->err, WH_ERR_NOMEM, "out of memory");
  m->tag_typeidx = p;
  return wi_rd_u32(r, &m->tag_typeidx[m->ntags++]);
}

static int sec_tag(wi_reader *r, wh_module *m) {
  uint32_t n;
  TRY(rd_count_max(r, &n, LIM_TAGS, "tags"));
  for (uint32_t i = 0; i < n; i++) TRY(rd_tag(r, m));
  return 0;
}

/* Index spaces grow as imports are read; sizes are known from counts. */
static int sec_import(wi_reader *r, wh_module *m) {
  TRY(rd_count_max(r, &m->nimports, LIM_IMPORTS, "imports"));
  if (!(m->imports = alloc_n(r, m->nimports, sizeof *m->imports))) return -1;
  /* first pass sizes are unknown; store per-kind data in growing arrays */
  for (uint32_t i = 0; i < m->nimports; i++) {
    wi_import *im = &m->imports[i];
    TRY(wi_rd_name(r, &im->module));
    TRY(wi_rd_name(r, &im->name));
    TRY(wi_rd_u8(r, &im->kind));
    switch (im->kind) {
      case WH_EXTERN_FUNC: {
        uint32_t ti;
        TRY(wi_rd_u32(r, &ti));
        void *p = realloc(m->func_typeidx, (m->nfuncs + 1) * sizeof(uint32_t));
        if (!p) return wi_err_set(r->err, WH_ERR_NOMEM, "out of memory");
        m->func_typeidx = p;
        m->func_typeidx[m->nfuncs] = ti;
        im->index = m->nfuncs++;
        m->nfunc_imports++;
        break;
      }
      case WH_EXTERN_TABLE: {
        if (m->ntables >= LIM_TABLES) FAIL("too many tables (the limit is %u)", (unsigned)LIM_TABLES);
        void *p = realloc(m->tables, (m->ntables + 1) * sizeof *m->tables);
        if (!p) return wi_err_set(r->err, WH_ERR_NOMEM, "out of memory");
        m->tables = p;
        TRY(rd_tabletype(r, m, &m->tables[m->ntables]));
        im->index = m->ntables++;
        m->ntable_imports++;
        break;
      }
      case WH_EXTERN_MEMORY: {
        if (m->nmems >= LIM_MEMS) FAIL("too many memories (the limit is %u)", (unsigned)LIM_MEMS);
        void *p = realloc(m->mems, (m->nmems + 1) * sizeof *m->mems);
        if (!p) return wi_err_set(r->err, WH_ERR_NOMEM, "out of memory");
        m->mems = p;
        TRY(rd_limits(r, &m->mems[m->nmems], NULL));
        im->index = m->nmems++;
        m->nmem_imports++;
        break;
      }
      case WH_EXTERN_GLOBAL: {
        void *p = realloc(m->globals, (m->nglobals + 1) * sizeof *m->globals);
        if (!p) return wi_err_set(r->err, WH_ERR_NOMEM, "out of memory");
        m->globals = p;
        memset(&m->globals[m->nglobals], 0, sizeof *m->globals);
        TRY(rd_globaltype(r, m, &m->globals[m->nglobals].type));
        im->index = m->nglobals++;
        m->nglobal_imports++;
        break;
      }
      case WH_EXTERN_TAG: /* exception handling (3.0) */
        TRY(rd_tag(r, m));
        im->index = m->ntags - 1;
        m->ntag_imports++;
        break;
      default:
        r->p--;
        FAIL("malformed import kind");
    }
  }
  return 0;
}

static int grow_array(wi_reader *r, void **arr, uint32_t have, uint32_t add, size_t size) {
  void *p = realloc(*arr, ((size_t)have + add + 1) * size);
  if (!p) return wi_err_set(r->err, WH_ERR_NOMEM, "out of memory");
  memset((char *)p + (size_t)have * size, 0, ((size_t)add + 1) * size);
  *arr = p;
  return 0;
}

static int sec_function(wi_reader *r, wh_module *m, uint32_t *ndefined) {
  uint32_t n;
  TRY(rd_count_max(r, &n, LIM_FUNCS, "functions"));
  TRY(grow_array(r, (void **)&m->func_typeidx, m->nfuncs, n, sizeof(uint32_t)));
  for (uint32_t i = 0; i < n; i++) TRY(wi_rd_u32(r, &m->func_typeidx[m->nfuncs + i]));
  m->nfuncs += n;
  *ndefined = n;
  return 0;
}

static int sec_table(wi_reader *r, wh_module *m) {
  uint32_t n = 0;
  TRY(rd_count(r, &n));
  if (n > LIM_TABLES - m->ntables) FAIL("too many tables (the limit is %u)", (unsigned)LIM_TABLES);
  TRY(grow_array(r, (void **)&m->tables, m->ntables, n, sizeof *m->tables));
  TRY(grow_array(r, (void **)&m->table_init, 0, m->ntables + n, sizeof *m->table_init));
  for (uint32_t i = 0; i < n; i++) {
    /* 3.0: 0x40 0x00 tabletype expr, a table with an initializer */
    uint32_t x = m->ntables++;
    if (r->p < r->end && *r->p == 0x40) {
      uint8_t zero;
      r->p++;
      TRY(wi_rd_u8(r, &zero));
      if (zero != 0) FAIL("malformed table type");
      TRY(rd_tabletype(r, m, &m->tables[x]));
      TRY(wi_rd_constexpr(r, &m->table_init[x].ce));
      m->table_init[x].has = true;
    } else {
      TRY(rd_tabletype(r, m, &m->tables[x]));
    }
  }
  return 0;
}

static int sec_memory(wi_reader *r, wh_module *m) {
  uint32_t n = 0;
  TRY(rd_count(r, &n));
  if (n > LIM_MEMS - m->nmems) FAIL("too many memories (the limit is %u)", (unsigned)LIM_MEMS);
  TRY(grow_array(r, (void **)&m->mems, m->nmems, n, sizeof *m->mems));
  for (uint32_t i = 0; i < n; i++) TRY(rd_limits(r, &m->mems[m->nmems++], NULL));
  return 0;
}

static int sec_global(wi_reader *r, wh_module *m) {
  uint32_t n;
  TRY(rd_count_max(r, &n, LIM_GLOBALS, "globals"));
  TRY(grow_array(r, (void **)&m->globals, m->nglobals, n, sizeof *m->globals));
  for (uint32_t i = 0; i < n; i++) {
    wi_globaldef *g = &m->globals[m->nglobals++];
    TRY(rd_globaltype(r, m, &g->type));
    TRY(wi_rd_constexpr(r, &g->init));
  }
  return 0;
}

static int sec_export(wi_reader *r, wh_module *m) {
  TRY(rd_count_max(r, &m->nexports, LIM_EXPORTS, "exports"));
  if (!(m->exports = alloc_n(r, m->nexports, sizeof *m->exports))) return -1;
  for (uint32_t i = 0; i < m->nexports; i++) {
    wi_export *e = &m->exports[i];
    TRY(wi_rd_name(r, &e->name));
    TRY(wi_rd_u8(r, &e->kind));
    if (e->kind > WH_EXTERN_TAG) { r->p--; FAIL("malformed export kind"); }
    TRY(wi_rd_u32(r, &e->index));
  }
  return 0;
}

static int sec_elem(wi_reader *r, wh_module *m) {
  TRY(rd_count(r, &m->nelems));
  if (!(m->elems = alloc_n(r, m->nelems, sizeof *m->elems))) return -1;
  for (uint32_t i = 0; i < m->nelems; i++) {
    wi_elemseg *s = &m->elems[i];
    uint32_t flags;
    TRY(wi_rd_u32(r, &flags));
    if (flags > 7) FAIL("malformed elements segment kind");
    /* 3.0: function indexes are (ref func); flag 4's expressions funcref */
    s->type = (flags & 4) ? WH_FUNCREF : WI_VT_REF_FUNC;
    s->mode = (flags & 1) ? ((flags & 2) ? WI_SEG_DECLARATIVE : WI_SEG_PASSIVE) : WI_SEG_ACTIVE;
    if (s->mode == WI_SEG_ACTIVE) {
      if (flags & 2) TRY(wi_rd_u32(r, &s->table));
      TRY(wi_rd_constexpr(r, &s->offset));
    }
    bool exprs = flags & 4;
    if (flags & 3) {
      /* an explicit element kind (funcidx forms) or reference type (expr forms) */
      if (exprs) {
        TRY(rd_reftype(r, m, &s->type));
      } else {
        uint8_t kind;
        TRY(wi_rd_u8(r, &kind));
        if (kind != 0) FAIL("malformed element kind");
      }
    }
    TRY(rd_count_max(r, &s->count, LIM_ELEM_ENTRIES, "elements in a segment"));
    if (!(s->items = alloc_n(r, s->count, sizeof *s->items))) return -1;
    for (uint32_t k = 0; k < s->count; k++) {
      if (exprs) {
        TRY(wi_rd_constexpr(r, &s->items[k]));
      } else {
        s->items[k].kind = WI_CE_REF_FUNC;
        s->items[k].type = WI_VT_REF_FUNC;
        TRY(wi_rd_u32(r, &s->items[k].index));
      }
    }
  }
  return 0;
}

/* Every function's local types (one byte each, read again by the
 * translator) go in one block for the module: Go binaries have thousands
 * of functions with a few locals each, where a block apiece cost ~6x the
 * bytes in allocator overhead (bench/go/big: 72 KB of types in 440 KB of
 * blocks).  Two passes: the first checks every entry and counts, the
 * second fills the block. */
static int sec_code(wi_reader *r, wh_module *m, uint32_t ndefined) {
  uint32_t n;
  TRY(rd_count(r, &n));
  if (n != ndefined) FAIL("function and code section have inconsistent lengths");
  size_t all = 0;
  for (uint32_t i = 0; i < n; i++) {
    wi_funcdef *f = &m->funcs[i];
    uint32_t size, ngroups;
    TRY(wi_rd_u32(r, &size));
    if (size > (size_t)(r->end - r->p)) FAIL("length out of bounds");
    if (size > LIM_BODY_BYTES) FAIL("function body too large (%u bytes; the limit is %u)", size, (unsigned)LIM_BODY_BYTES);
    wi_reader body = { r->p, r->p + size, r->base, r->err };
    f->body_offset = wi_rd_off(r);
    r->p += size;
    const wi_ftype *ft = m->func_types[m->nfunc_imports + i];
    TRY(rd_count(&body, &ngroups));
    uint64_t total = ft->ft.nparams;
    for (uint32_t g = 0; g < ngroups; g++) {
      uint32_t cnt;
      uint8_t t;
      if (wi_rd_u32(&body, &cnt)) return -1;
      if (rd_valtype(&body, m, &t)) return -1;
      total += cnt;
      if (total > 50000) {
        /* the engine's limit, also the JS API's (and V8's) */
        return wi_rd_fail(&body, "too many locals");
      }
    }
    f->nlocals = (uint32_t)total;
    all += (size_t)total;
    /* until the second pass: the whole entry, its local groups first */
    f->body = body.end - size;
    f->body_end = body.end;
  }
  if (!(m->local_types = alloc_n(r, all, 1))) return -1;
  uint8_t *at = m->local_types;
  for (uint32_t i = 0; i < n; i++) {
    wi_funcdef *f = &m->funcs[i];
    const wi_ftype *ft = m->func_types[m->nfunc_imports + i];
    wi_reader body = { f->body, f->body_end, r->base, NULL };
    uint32_t ngroups;
    rd_count(&body, &ngroups); /* read once already: valid */
    f->local_types = at;
    memcpy(at, ft->ft.params, ft->ft.nparams);
    at += ft->ft.nparams;
    for (uint32_t g = 0; g < ngroups; g++) {
      uint32_t cnt;
      uint8_t t;
      wi_rd_u32(&body, &cnt);
      rd_valtype(&body, m, &t);
      memset(at, t, cnt);
      at += cnt;
    }
    f->body = body.p;
  }
  return 0;
}

static int rd_dataseg(wi_reader *r, wh_module *m, wi_dataseg *d) {
  uint32_t flags;
  TRY(wi_rd_u32(r, &flags));
  if (flags > 2) FAIL("malformed data segment kind");
  d->mode = flags == 1 ? WI_SEG_PASSIVE : WI_SEG_ACTIVE;
  if (flags == 2) TRY(wi_rd_u32(r, &d->memory));
  if (d->mode == WI_SEG_ACTIVE) {
    wi_constexpr ce;
    TRY(wi_rd_constexpr(r, &ce));
    d->offset_const = ce.kind == WI_CE_CONST && ce.type == WH_I32;
    if (d->offset_const) {
      d->offset = (uint32_t)ce.value.i32;
    } else {
      /* room for every segment at once: at most ndatas of them */
      if (!m->data_offsets && !(m->data_offsets = alloc_n(r, m->ndatas, sizeof ce))) return -1;
      d->offset = m->ndata_offsets;
      m->data_offsets[m->ndata_offsets++] = ce;
    }
  }
  TRY(wi_rd_u32(r, &d->len));
  if (d->len > (size_t)(r->end - r->p)) FAIL("unexpected end of section or function");
  TRY(wi_rd_bytes(r, d->len, &d->bytes));
  return 0;
}

/* Go binaries have tens of thousands of data segments, all active at a
 * constant offset and needed only when an instance is made: for such a
 * module no array of them is made at all (it would be ~24 bytes a segment,
 * most of the size of the section itself, allocated and touched only to
 * be dropped), and validation and instantiation read them again from the
 * section (wi_dataseg_next; validation only when data_mem_max says one
 * may be invalid).  Other modules keep m->datas: a second pass fills it. */
static int sec_data(wi_reader *r, wh_module *m) {
  TRY(rd_count_max(r, &m->ndatas, LIM_DATAS, "data segments"));
  if (m->has_datacount && m->datacount != m->ndatas)
    FAIL("data count and data section have inconsistent lengths");
  m->data_at = wi_rd_off(r);
  m->data_end = (uint32_t)(r->end - r->base);
  const uint8_t *first = r->p;
  bool all_const = true;
  for (uint32_t i = 0; i < m->ndatas; i++) {
    wi_dataseg d;
    memset(&d, 0, sizeof d);
    TRY(rd_dataseg(r, m, &d));
    all_const = all_const && d.mode == WI_SEG_ACTIVE && d.offset_const;
    if (d.mode == WI_SEG_ACTIVE && d.memory > m->data_mem_max) m->data_mem_max = d.memory;
  }
  if (all_const) return 0;
  if (!(m->datas = alloc_n(r, m->ndatas, sizeof *m->datas))) return -1;
  const uint8_t *end = r->p;
  r->p = first;
  m->ndata_offsets = 0; /* the same offsets again, in the same order */
  for (uint32_t i = 0; i < m->ndatas; i++) TRY(rd_dataseg(r, m, &m->datas[i]));
  r->p = end;
  return 0;
}

void wi_dataseg_next(const wh_module *m, uint32_t *at, wi_dataseg *d) {
  wi_reader r = { m->bytes + *at, m->bytes + m->data_end, m->bytes, NULL };
  memset(d, 0, sizeof *d);
  (void)rd_dataseg(&r, (wh_module *)m, d); /* read once already: valid */
  *at = wi_rd_off(&r);
}

/* The function names of the name section, read on first use
 * (wh_module_func_name) rather than at compile: a Go binary names every
 * function (~50 bytes each with their pointers), which only traps and
 * profiles ask for.  One block: nfuncs pointers, then the names.  The
 * section is advisory: a malformed one is read up to the fault (spec 7.4).
 * NULL when no "name" section has function names (or memory runs out). */
char **wi_module_read_names(const wh_module *m) {
  char **names = NULL;
  char *text = NULL;
  size_t bytes = 0;
  bool any = false;
  for (int pass = 0; pass < 2; pass++) {
    for (uint32_t c = 0; c < m->ncustoms; c++) {
      if (m->customs[c].name.len != 4 || memcmp(m->customs[c].name.ptr, "name", 4) != 0) continue;
      wi_reader s = { m->customs[c].data, m->customs[c].data + m->customs[c].len, m->bytes, NULL };
      bool ok = true;
      while (ok && s.p < s.end) {
        uint8_t id;
        uint32_t size, n;
        if (wi_rd_u8(&s, &id) || wi_rd_u32(&s, &size) || size > (size_t)(s.end - s.p)) break;
        const uint8_t *next = s.p + size;
        if (id == 1 && m->nfuncs) {
          if (wi_rd_u32(&s, &n)) break;
          any = true;
          for (uint32_t k = 0; k < n; k++) {
            uint32_t idx;
            wi_name nm;
            if (wi_rd_u32(&s, &idx) || wi_rd_name(&s, &nm)) { ok = false; break; }
            if (idx >= m->nfuncs) continue;
            if (!pass) {
              bytes += nm.len + 1;
            } else if (!names[idx]) {
              memcpy(text, nm.ptr, nm.len);
              text[nm.len] = 0;
              names[idx] = text;
              text += nm.len + 1;
            }
          }
        }
        s.p = next;
      }
    }
    if (!pass) {
      if (!any || !(names = calloc(1, (size_t)m->nfuncs * sizeof *names + bytes))) return NULL;
      text = (char *)(names + m->nfuncs);
    }
  }
  return names;
}

static int sec_custom(wi_reader *r, wh_module *m) {
  wi_name name;
  TRY(wi_rd_name(r, &name));
  void *p = realloc(m->customs, (m->ncustoms + 1) * sizeof *m->customs);
  if (!p) return wi_err_set(r->err, WH_ERR_NOMEM, "out of memory");
  m->customs = p;
  m->customs[m->ncustoms].name = name;
  m->customs[m->ncustoms].data = r->p;
  m->customs[m->ncustoms].len = (size_t)(r->end - r->p);
  m->ncustoms++;
  r->p = r->end;
  return 0;
}

/* Order of the non-custom sections (spec 5.5.2); datacount sits between
 * element and code. */
static int section_rank(uint8_t id) {
  /* the tag section (13, exception handling) sits between memory and global */
  static const int8_t rank[14] = { 0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 12, 13, 11, 6 };
  return id <= 13 ? rank[id] : -1;
}

int wi_decode(wh_module *m, wh_error *err) {
  wi_reader top = { m->bytes, m->bytes + m->len, m->bytes, err };
  wi_reader *r = &top;
  const uint8_t *magic;
  if (m->len < 4 || memcmp(m->bytes, "\0asm", 4) != 0) {
    if (m->len < 4) FAIL("unexpected end, magic header not detected");
    FAIL("magic header not detected");
  }
  r->p += 4;
  if (wi_rd_bytes(r, 4, &magic)) FAIL("unexpected end, unknown binary version");
  if (memcmp(magic, "\1\0\0\0", 4) != 0) FAIL("unknown binary version");
  int last = 0;
  uint32_t ndefined = 0;
  bool have_func = false, have_code = false;
  while (r->p < r->end) {
    uint8_t id;
    uint32_t size;
    TRY(wi_rd_u8(r, &id));
    TRY(wi_rd_u32(r, &size));
    if (size > (size_t)(r->end - r->p)) FAIL("section size mismatch: unexpected end");
    wi_reader s = { r->p, r->p + size, r->base, err };
    if (id != 0) {
      int rank = section_rank(id);
      if (rank < 0) { r->p--; FAIL("malformed section id %u%s", id, wi_unsupported_section(id)); }
      if (rank <= last) FAIL("unexpected content after last section");
      last = rank;
    }
    switch (id) {
      case 0: TRY(sec_custom(&s, m)); break;
      case 1: TRY(sec_type(&s, m)); break;
      case 2: TRY(sec_import(&s, m)); break;
      case 3: TRY(sec_function(&s, m, &ndefined)); have_func = true; break;
      case 4: TRY(sec_table(&s, m)); break;
      case 5: TRY(sec_memory(&s, m)); break;
      case 6: TRY(sec_global(&s, m)); break;
      case 7: TRY(sec_export(&s, m)); break;
      case 8: {
        uint32_t st;
        TRY(wi_rd_u32(&s, &st));
        m->start = st;
        break;
      }
      case 9: TRY(sec_elem(&s, m)); break;
      case 12:
        TRY(wi_rd_u32(&s, &m->datacount));
        m->has_datacount = true;
        break;
      case 10:
        have_code = true;
        /* function types are needed to lay out params: resolve them now */
        if (!m->funcs) {
          m->funcs = calloc(ndefined + 1, sizeof *m->funcs);
          if (!m->funcs) return wi_err_set(err, WH_ERR_NOMEM, "out of memory");
        }
        for (uint32_t i = 0; i < m->nfuncs; i++) {
          if (m->func_typeidx[i] >= m->ntypes) {
            err->offset = wi_rd_off(&s);
            return wi_err_set(err, WH_ERR_INVALID, "unknown type %u", m->func_typeidx[i]);
          }
        }
        if (!m->func_types) {
          m->func_types = calloc(m->nfuncs + 1, sizeof *m->func_types);
          if (!m->func_types) return wi_err_set(err, WH_ERR_NOMEM, "out of memory");
          for (uint32_t i = 0; i < m->nfuncs; i++) m->func_types[i] = m->types[m->func_typeidx[i]];
        }
        TRY(sec_code(&s, m, ndefined));
        break;
      case 11: TRY(sec_data(&s, m)); break;
      case 13: TRY(sec_tag(&s, m)); break;
    }
    if (s.p != s.end) {
      r->p = s.p;
      FAIL("section size mismatch");
    }
    r->p = s.end;
  }
  if (ndefined && !have_code) FAIL("function and code section have inconsistent lengths");
  (void)have_func;
  if (m->has_datacount && !m->data_end && m->datacount != 0)
    FAIL("data count and data section have inconsistent lengths");
  if (!m->funcs) {
    m->funcs = calloc(1, sizeof *m->funcs);
    if (!m->funcs) return wi_err_set(err, WH_ERR_NOMEM, "out of memory");
  }
  if (!m->func_types) {
    for (uint32_t i = 0; i < m->nfuncs; i++) {
      if (m->func_typeidx[i] >= m->ntypes)
        return wi_err_set(err, WH_ERR_INVALID, "unknown type %u", m->func_typeidx[i]);
    }
    m->func_types = calloc(m->nfuncs + 1, sizeof *m->func_types);
    if (!m->func_types) return wi_err_set(err, WH_ERR_NOMEM, "out of memory");
    for (uint32_t i = 0; i < m->nfuncs; i++) m->func_types[i] = m->types[m->func_typeidx[i]];
  }
  for (uint32_t i = 0; i < m->nfunc_imports + ndefined && i < m->nfuncs; i++) {
    if (i >= m->nfunc_imports) {
      m->funcs[i - m->nfunc_imports].type = m->func_types[i];
      m->funcs[i - m->nfunc_imports].typeidx = m->func_typeidx[i];
    }
  }
  return 0;
}
