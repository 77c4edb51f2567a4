/* Bounds checks that cannot fail (a pass over a function's finished code,
 * run by translate.c's publish).  Memory only grows, so once an access
 * at effective address EA with extent E passed its check, EA + E <=
 * memory size from then on; a later access inside [EA, EA + E) cannot be
 * out of bounds.  The pass follows straight-line code (an extended basic
 * block: facts survive a conditional branch's fall-through and are all
 * dropped at every branch target) and knows each slot's low 32 bits as
 * an affine value root + c, where a root is a value number (a write the
 * pass does not follow gets a fresh one; root 0 is the constant 0): a
 * copy shares its source's value, an i32 add/imm adds to c, a global.get
 * takes the value the global was last seen with (until a call or its
 * set).  An access through root r with constant c (its address slot's c
 * plus the folded k) and static offset off covers [c + off, c + off + w)
 * relative to r; a later one through r with c2 = c + d (0 <= d, no wrap:
 * a 32-bit memory is at most 2^32 bytes) is proved when d + off2 + w2 <=
 * off + w.  Accesses through root 0 (constant addresses) prove every
 * constant address below the largest end seen.
 *
 * Soundness rests on: every write to a slot being seen (the dst fields of
 * the known instructions, every slot from a call's base up), every branch
 * target being a label (jump offsets in the code; functions with try
 * regions, whose landing pads are reached otherwise, are left alone), and
 * any instruction the pass does not know dropping everything. */
#include "translate.h"

#include <pthread.h>

enum {
  C_UNKNOWN = 0, /* drop everything */
  C_GENERIC,     /* writes its dst fields; a base field: calls (slots >= base) */
  C_RESET,       /* known, but drop everything (MEM_SWITCH) */
  C_COPY, C_COPY2, C_COPY3, C_CONST, C_CONST2, C_CONST_COPY, C_COPY_CONST,
  C_ADDI, C_SUBI, C_ADDI2, C_ADD_ADDI, C_ADDI_COPY, C_ADDI_CONST, C_ADDI_BR, C_COPY_BR,
  C_ZX, C_ADD_ZX_I, C_AIT, C_COPY_CALL,
  C_GLOBAL_GET, C_GLOBAL_GET_BR, C_GLOBAL_SET, C_ADD_GLOBAL_SET, C_GLOBAL_CLOBBER,
  C_ACCESS, /* a scalar access to memory 0 (acc[] says which) */
  C_FUSED   /* a fused pair holding a checked access (fused_w[] its width) */
};

/* An access's address shape. */
enum { A_K = 1, A_X, A_XS, A_ABS };
typedef struct { uint8_t n, shape, width, store; } acc_info;

typedef struct { uint8_t cell, part; } loc;
typedef struct {
  uint8_t ndst, nbase;
  loc dst[3], base;
} form_info;

static uint8_t cls[IR_COUNT];
/* each access with an unchecked twin (interp_bce.inc): the twin */
static const uint16_t unchecked[IR_COUNT] = {
  [IR_I32_LOAD] = IR_I32_LOAD_NC, [IR_I64_LOAD] = IR_I64_LOAD_NC, [IR_F64_LOAD] = IR_F64_LOAD_NC,
  [IR_I32_LOAD8_U] = IR_I32_LOAD8_U_NC, [IR_I64_LOAD8_U] = IR_I64_LOAD8_U_NC,
  [IR_I64_LOAD32_U] = IR_I64_LOAD32_U_NC, [IR_I32_LOAD_A] = IR_I32_LOAD_A_NC,
  [IR_BRT_I32_LOAD] = IR_BRT_I32_LOAD_NC, [IR_BRF_I32_LOAD] = IR_BRF_I32_LOAD_NC,
  [IR_I32_STORE] = IR_I32_STORE_NC, [IR_I64_STORE] = IR_I64_STORE_NC, [IR_F64_STORE] = IR_F64_STORE_NC,
  [IR_I32_STORE8] = IR_I32_STORE8_NC, [IR_I32_STORE16] = IR_I32_STORE16_NC,
  [IR_I64_STORE8] = IR_I64_STORE8_NC, [IR_I64_STORE32] = IR_I64_STORE32_NC,
  [IR_I32_STORE_A] = IR_I32_STORE_A_NC, [IR_I32_STORE_I] = IR_I32_STORE_I_NC,
  [IR_I64_STORE_I] = IR_I64_STORE_I_NC, [IR_I64_STORE8_I] = IR_I64_STORE8_I_NC,
  [IR_I32_LOAD2] = IR_I32_LOAD2_NC, [IR_I64_LOAD2] = IR_I64_LOAD2_NC,
  [IR_I32_STORE2] = IR_I32_STORE2_NC, [IR_I64_STORE2] = IR_I64_STORE2_NC,
};
/* a pair with only its first (second) half proved: the twin checking the other */
static const uint16_t unchecked_half[IR_COUNT][2] = {
  [IR_I32_LOAD2] = { IR_I32_LOAD2_NC1, IR_I32_LOAD2_NC2 },
  [IR_I64_LOAD2] = { IR_I64_LOAD2_NC1, IR_I64_LOAD2_NC2 },
  [IR_I32_STORE2] = { IR_I32_STORE2_NC1, IR_I32_STORE2_NC2 },
  [IR_I64_STORE2] = { IR_I64_STORE2_NC1, IR_I64_STORE2_NC2 },
};
static acc_info acc[IR_COUNT];
static uint8_t fused_w[IR_COUNT];
static form_info forms[WI_FORM_COUNT];

/* handler -> op, for the two handler tables */
#define HBITS 13
static struct { const void *h; int16_t op; } hmap[1u << HBITS];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static uint32_t hhash(const void *h) { return (uint32_t)(((uintptr_t)h >> 3) * 2654435761u) >> (32 - HBITS); }

/* Two instructions the compiler gave one handler run the same code; the
 * pass may read either as the other only when it sees them alike (else
 * the handler is unknown: a function holding it is left alone). */
static void hput(const void *h, int op) {
  uint32_t i = hhash(h);
  while (hmap[i].h && hmap[i].h != h) i = (i + 1) & ((1u << HBITS) - 1);
  if (!hmap[i].h) {
    hmap[i].h = h;
    hmap[i].op = (int16_t)op;
    return;
  }
  int o = hmap[i].op;
  if (o >= 0 && o != op &&
      (wi_ir_form[o] != wi_ir_form[op] || cls[o] != cls[op] || memcmp(&acc[o], &acc[op], sizeof acc[o])))
    hmap[i].op = -1;
}

static int hget(const void *h) {
  uint32_t i = hhash(h);
  while (hmap[i].h) {
    if (hmap[i].h == h) return hmap[i].op;
    i = (i + 1) & ((1u << HBITS) - 1);
  }
  return -1;
}

enum { P_A, P_B, P_W };
enum { K_SLOT, K_U32, K_OFF, K_I64 };
typedef struct { const char *name; uint8_t cell, part, kind; } fdesc;
static const fdesc fdescs[WI_FORM_COUNT][8] = {
#define F(n, kind, cell, part) { #n, cell, P_##part, K_##kind },
#define WI_FORM0(f, cells) [WI_FORM_##f] = { { NULL, 0, 0, 0 } },
#define WI_FORM(f, cells, fields) [WI_FORM_##f] = { fields },
#include "irforms.def"
#undef F
};

static void init(void) {
  for (int f = 0; f < WI_FORM_COUNT; f++) {
    form_info *fi = &forms[f];
    for (const fdesc *d = fdescs[f]; d < fdescs[f] + 8 && d->name; d++) {
      loc l = { d->cell, d->part };
      if (d->kind == K_SLOT && !strncmp(d->name, "dst", 3) && fi->ndst < 3) fi->dst[fi->ndst++] = l;
      else if (d->kind == K_SLOT && !strcmp(d->name, "base")) { fi->base = l; fi->nbase = 1; }
    }
  }
  /* the numeric families and SIMD: their dst fields */
#define WI_BIN(n, code, text, ti, ...) cls[IR_##n] = cls[IR_##n##_I] = C_GENERIC; \
  WI_IF_I32_##ti(cls[IR_##n##_I_AND] = C_GENERIC;)
#define WI_CMP(n, code, text, ti, ...) cls[IR_##n] = cls[IR_##n##_I] = C_GENERIC;            \
  cls[IR_BRT_##n] = cls[IR_BRT_##n##_I] = cls[IR_BRF_##n] = cls[IR_BRF_##n##_I] = C_GENERIC; \
  WI_IF_INT_##ti(cls[IR_ABT_##n] = cls[IR_ABT_##n##_I] = C_GENERIC;                          \
                 cls[IR_ABF_##n] = cls[IR_ABF_##n##_I] = C_GENERIC;)                         \
  WI_IF_I32_##ti(cls[IR_AIT_##n] = cls[IR_AIF_##n] = C_AIT;)
#define WI_BINT(n, ...) cls[IR_##n] = C_GENERIC;
#define WI_UN(n, ...) cls[IR_##n] = C_GENERIC;
#define WI_UNT(n, ...) cls[IR_##n] = C_GENERIC;
#define WI_V(n, code, text, c, ...) cls[IR_##n] = C_GENERIC;
#define WI_LOAD(n, code, text, to, mt)                                                   \
  cls[IR_##n##_M] = C_GENERIC;                                                           \
  acc[IR_##n] = (acc_info){ 1, A_K, sizeof(mt), 0 };                                     \
  acc[IR_##n##_X] = (acc_info){ 1, A_X, sizeof(mt), 0 };                                 \
  acc[IR_##n##_XS] = (acc_info){ 1, A_XS, sizeof(mt), 0 };                               \
  acc[IR_##n##_A] = (acc_info){ 1, A_ABS, sizeof(mt), 0 };                               \
  WI_IF_I32_##to(acc[IR_BRT_##n] = acc[IR_BRF_##n] = (acc_info){ 1, A_K, sizeof(mt), 0 };)
#define WI_STORE(n, code, text, ti, mt)                                                  \
  cls[IR_##n##_M] = C_GENERIC;                                                           \
  acc[IR_##n] = acc[IR_##n##_I] = (acc_info){ 1, A_K, sizeof(mt), 1 };                   \
  acc[IR_##n##_X] = acc[IR_##n##_XI] = (acc_info){ 1, A_X, sizeof(mt), 1 };              \
  acc[IR_##n##_XS] = acc[IR_##n##_XSI] = (acc_info){ 1, A_XS, sizeof(mt), 1 };           \
  acc[IR_##n##_A] = acc[IR_##n##_AI] = (acc_info){ 1, A_ABS, sizeof(mt), 1 };
#include "opcodes.def"
  cls[IR_V128_LOAD_X] = C_GENERIC;
  acc[IR_I64_LOAD2] = (acc_info){ 2, A_K, 8, 0 };
  acc[IR_I32_LOAD2] = (acc_info){ 2, A_K, 4, 0 };
  acc[IR_I64_STORE2] = (acc_info){ 2, A_K, 8, 1 };
  acc[IR_I32_STORE2] = (acc_info){ 2, A_K, 4, 1 };
  for (int op = 0; op < IR_COUNT; op++)
    if (acc[op].n) cls[op] = C_ACCESS;
  static const uint16_t generic[] = {
    IR_UNREACHABLE, IR_BR, IR_BR_BACK, IR_CONST_BR_BACK, IR_BR_IF, IR_BR_IF_BACK, IR_BR_IFZ,
    IR_BR_IFZ_BACK, IR_RETURN_CONST, IR_I32_NEZ, IR_I64_NEZ, IR_BR_IF64, IR_BR_IF64_BACK,
    IR_BR_IFZ64, IR_BR_IFZ64_BACK, IR_BR_AND_I, IR_BR_ANDZ_I, IR_BR_TABLE, IR_BR_TABLE_K,
    IR_RETURN, IR_CALL, IR_CALL_K, IR_CALL_IMPORT, IR_CALL_INDIRECT, IR_SELECT, IR_SELECT16,
    IR_GLOBAL_GET16, IR_MEMORY_SIZE, IR_MEMORY_GROW, IR_MEMORY_INIT, IR_DATA_DROP,
    IR_MEMORY_COPY, IR_MEMORY_FILL, IR_TABLE_GET, IR_TABLE_SET, IR_TABLE_INIT, IR_ELEM_DROP,
    IR_TABLE_COPY, IR_TABLE_GROW, IR_TABLE_SIZE, IR_TABLE_FILL, IR_REF_IS_NULL, IR_REF_FUNC,
    IR_RETURN_CALL, IR_RETURN_CALL_IMPORT, IR_RETURN_CALL_INDIRECT, IR_MEMORY_SIZE_M,
    IR_MEMORY_GROW_M, IR_MEMORY_FILL_M, IR_MEMORY_COPY_M, IR_MEMORY_INIT_M, IR_THROW,
    IR_THROW_REF, IR_RETHROW, IR_CALL_REF, IR_RETURN_CALL_REF, IR_REF_AS_NON_NULL,
    IR_ADDR_CHECK32, IR_CLAMP32, IR_TRAP_CODE, IR_BR_IF_GLOBAL, IR_BR_IFZ_GLOBAL,
    IR_SELECT_KX, IR_SELECT_XK, IR_SELECT_KK, IR_SHL_ADD, IR_COPY_RETURN, IR_MEM_RESTORE,
    IR_XOR_ROTL32, IR_XOR_ROTL64, IR_SHR_U_XOR32, IR_SHL_XOR32, IR_ADD_ADD32, IR_XOR_XOR64,
    IR_AND_XOR64, IR_ADD_ADD64, IR_ROTL_XOR64,
  };
  for (size_t k = 0; k < sizeof generic / sizeof generic[0]; k++) cls[generic[k]] = C_GENERIC;
  /* the fused pairs with an access (interp_fused.inc): they keep their
   * checks, and what they prove is recorded like a plain access's */
  static const uint16_t fw[][2] = {
    { IR_LDOP_I32_LOAD_ADD, 4 }, { IR_LDOP_I32_LOAD_AND, 4 }, { IR_LDOP_I32_LOAD_XOR, 4 },
    { IR_LDOP_I32_LOAD_MUL, 4 }, { IR_LDOP_I32_LOAD_ADD_I, 4 }, { IR_LDOP_I32_LOAD_AND_I, 4 },
    { IR_LDOP_I32_LOAD_SHR_U_I, 4 }, { IR_LDOP_I32_LOAD_SHL_I, 4 }, { IR_LDOP_I32_LOAD8_U_XOR, 1 },
    { IR_ADDI_I32_LOAD, 4 }, { IR_ADDI_I64_LOAD, 8 }, { IR_ADDI_I32_LOAD_X, 4 },
    { IR_ADDI_I32_LOAD8_U_X, 1 }, { IR_ADDI_I64_LOAD_X, 8 }, { IR_ADDI_I32_STORE, 4 },
    { IR_ADDI_I64_STORE, 8 }, { IR_I64_LOAD_STORE, 8 }, { IR_COPY_I32_LOAD, 4 },
    { IR_COPY_I32_LOAD8_U, 1 }, { IR_BRT_I64_LOAD, 8 }, { IR_BRF_I64_LOAD, 8 },
    { IR_SHL_ADD_I32_LOAD, 4 }, { IR_ADD_GLOBAL_SET32_I64_STORE_I, 8 },
  };
  for (size_t k = 0; k < sizeof fw / sizeof fw[0]; k++) {
    cls[fw[k][0]] = C_FUSED;
    fused_w[fw[k][0]] = (uint8_t)fw[k][1];
  }
  cls[IR_MEM_SWITCH] = C_RESET;
  cls[IR_EXN_RELEASE] = C_RESET;
  cls[IR_COPY] = cls[IR_COPY16] = C_COPY;
  cls[IR_COPY2] = C_COPY2;
  cls[IR_COPY3] = C_COPY3;
  cls[IR_CONST] = C_CONST;
  cls[IR_CONST2] = C_CONST2;
  cls[IR_CONST_COPY] = C_CONST_COPY;
  cls[IR_COPY_CONST] = C_COPY_CONST;
  cls[IR_I32_ADD_I] = cls[IR_I64_ADD_I] = C_ADDI;
  cls[IR_I32_SUB_I] = cls[IR_I64_SUB_I] = C_SUBI;
  cls[IR_ADDI2] = C_ADDI2;
  cls[IR_ADD_ADDI] = C_ADD_ADDI;
  cls[IR_ADDI_COPY] = C_ADDI_COPY;
  cls[IR_ADDI_CONST] = C_ADDI_CONST;
  cls[IR_ADDI_BR_IF] = cls[IR_ADDI_BR_IF_BACK] = cls[IR_ADDI_BR_IFZ] = cls[IR_ADDI_BR_IFZ_BACK] = C_ADDI_BR;
  cls[IR_COPY_BR_IF] = cls[IR_COPY_BR_IF_BACK] = cls[IR_COPY_BR_IFZ] = cls[IR_COPY_BR_IFZ_BACK] = C_COPY_BR;
  cls[IR_I64_EXTEND_I32_U] = C_ZX;
  cls[IR_I64_ADD_ZX_I] = C_ADD_ZX_I;
  cls[IR_COPY_CALL] = C_COPY_CALL;
  cls[IR_GLOBAL_GET] = C_GLOBAL_GET;
  cls[IR_GLOBAL_GET_BR_IF] = cls[IR_GLOBAL_GET_BR_IF_BACK] = C_GLOBAL_GET_BR;
  cls[IR_GLOBAL_GET_BR_IFZ] = cls[IR_GLOBAL_GET_BR_IFZ_BACK] = C_GLOBAL_GET_BR;
  cls[IR_GLOBAL_SET] = cls[IR_GLOBAL_SET32] = C_GLOBAL_SET;
  cls[IR_GLOBAL_SET16] = C_GLOBAL_CLOBBER;
  cls[IR_ADD_GLOBAL_SET32] = C_ADD_GLOBAL_SET;
  const void *const *hs = wi_interp_handlers();
  for (int op = 0; op < IR_COUNT; op++) hput(hs[op], op);
  hs = wi_interp_exact_handlers();
  for (int op = 0; op < IR_COUNT; op++) hput(hs[op], op);
}

/* ---- the state along a block ---- */

typedef struct { uint32_t root, c, epoch; } val;
typedef struct { uint32_t r1, r2, c; uint8_t shift; uint64_t ext; } fact;
#define NFACTS 32

typedef struct {
  val *slots;
  uint32_t nslots;
  val *globals;
  uint32_t nglobals;
  uint32_t epoch, gepoch, next_root;
  uint32_t hi; /* slots at or above were not touched since the last reset */
  fact facts[NFACTS];
  uint32_t nfacts, evict;
} st;

static inline uint32_t cell_u32(const wi_cell *c, loc l) { return l.part == P_A ? c[l.cell].s.a : c[l.cell].s.b; }
static inline uint32_t cell_slot(const wi_cell *c, loc l) { return WI_DEC_SLOT(cell_u32(c, l)); }

static void reset(st *s) {
  s->epoch++;
  s->hi = 0;
  s->gepoch++;
  s->nfacts = 0;
}

static val get(st *s, uint32_t slot) {
  if (slot >= s->nslots) return (val){ s->next_root++, 0, 0 };
  val *v = &s->slots[slot];
  if (v->epoch != s->epoch) {
    *v = (val){ s->next_root++, 0, s->epoch };
    if (slot >= s->hi) s->hi = slot + 1;
  }
  return *v;
}

static void set(st *s, uint32_t slot, uint32_t root, uint32_t c) {
  if (slot >= s->nslots) return;
  s->slots[slot] = (val){ root, c, s->epoch };
  if (slot >= s->hi) s->hi = slot + 1;
}

/* A call: every slot from its base up may change (the callee's frame),
 * and every global.  Slots not touched since the last reset are fresh
 * already. */
static void clobber_from(st *s, uint32_t base) {
  for (uint32_t k = base; k < s->hi; k++) s->slots[k].epoch = 0;
  if (base < s->hi) s->hi = base;
  s->gepoch++;
}

static void fresh(st *s, uint32_t slot) { set(s, slot, s->next_root++, 0); }
static void copy(st *s, uint32_t dst, uint32_t src) { val v = get(s, src); set(s, dst, v.root, v.c); }
static void addk(st *s, uint32_t dst, uint32_t src, uint32_t k) { val v = get(s, src); set(s, dst, v.root, v.c + k); }

static val gget(st *s, uint32_t g) {
  if (g >= s->nglobals) return (val){ s->next_root++, 0, 0 };
  val *v = &s->globals[g];
  if (v->epoch != s->gepoch) *v = (val){ s->next_root++, 0, s->gepoch };
  return *v;
}

static void gset(st *s, uint32_t g, val v) {
  if (g < s->nglobals) s->globals[g] = (val){ v.root, v.c, s->gepoch };
}

/* Whether the access (key, offset, width) is proved by a fact; then
 * records what it proves itself once it passed. */
static bool access(st *s, uint32_t r1, uint32_t r2, uint8_t shift, uint32_t c, uint64_t off, uint32_t w) {
  if (r1 == 0 && r2 == UINT32_MAX) { /* a constant address: (u32)c + off */
    off += c;
    c = 0;
  }
  uint64_t end = off + w;
  bool proved = false;
  fact *same = NULL;
  for (uint32_t i = 0; i < s->nfacts; i++) {
    fact *f = &s->facts[i];
    if (f->r1 != r1 || f->r2 != r2 || f->shift != shift) continue;
    uint32_t d = c - f->c;
    if ((uint64_t)d + end <= f->ext) proved = true;
    if (d == 0) same = f;
  }
  if (same) {
    if (end > same->ext) same->ext = end;
  } else {
    fact *f;
    if (s->nfacts < NFACTS) f = &s->facts[s->nfacts++];
    else f = &s->facts[s->evict++ % NFACTS];
    *f = (fact){ r1, r2, c, shift, end };
  }
  return proved;
}

static uint32_t log2w(uint32_t w) { return w >= 8 ? 3 : w >= 4 ? 2 : w >= 2 ? 1 : 0; }

/* The key of an access whose address is the slot `a` plus k. */
static bool access_k(st *s, uint32_t a, uint32_t k, uint32_t off, uint32_t w) {
  val v = get(s, a);
  return access(s, v.root, UINT32_MAX, 0, v.c + k, off, w);
}

/* slot a + (slot i << shift) */
static bool access_x(st *s, uint32_t a, uint32_t i, uint8_t shift, uint32_t off, uint32_t w) {
  val va = get(s, a), vi = get(s, i);
  uint32_t c = va.c + (vi.c << shift);
  if (vi.root == 0) return access(s, va.root, UINT32_MAX, 0, c, off, w);
  if (va.root == 0 && shift == 0) return access(s, vi.root, UINT32_MAX, 0, c, off, w);
  uint32_t r1 = va.root, r2 = vi.root;
  if (shift == 0 && r1 > r2) { r1 = vi.root; r2 = va.root; }
  return access(s, r1, r2, shift, c, off, w);
}

/* The accesses of the instruction at c: a mask of those proved. */
static unsigned accesses(st *s, int op, const wi_cell *c) {
  acc_info a = acc[op];
  unsigned m = 0;
  switch (wi_ir_form[op]) {
    case WI_FORM_LD: {
      wi_LD o = wi_LD_read(c);
      m = a.shape == A_ABS ? access(s, 0, UINT32_MAX, 0, o.k, o.off, a.width)
                           : access_k(s, o.addr, o.k, o.off, a.width);
      fresh(s, o.dst);
      break;
    }
    case WI_FORM_LDB: {
      wi_LDB o = wi_LDB_read(c);
      m = access_k(s, o.addr, o.k, o.off, a.width);
      fresh(s, o.dst);
      break;
    }
    case WI_FORM_LDX: {
      wi_LDX o = wi_LDX_read(c);
      m = access_x(s, o.addr, o.idx, a.shape == A_XS ? log2w(a.width) : 0, o.off, a.width);
      fresh(s, o.dst);
      break;
    }
    case WI_FORM_ST: {
      wi_ST o = wi_ST_read(c);
      m = a.shape == A_ABS ? access(s, 0, UINT32_MAX, 0, o.k, o.off, a.width)
                           : access_k(s, o.addr, o.k, o.off, a.width);
      break;
    }
    case WI_FORM_STK: {
      wi_STK o = wi_STK_read(c);
      m = a.shape == A_ABS ? access(s, 0, UINT32_MAX, 0, o.k, o.off, a.width)
                           : access_k(s, o.addr, o.k, o.off, a.width);
      break;
    }
    case WI_FORM_STX: {
      wi_STX o = wi_STX_read(c);
      m = access_x(s, o.addr, o.idx, a.shape == A_XS ? log2w(a.width) : 0, o.off, a.width);
      break;
    }
    case WI_FORM_STXK: {
      wi_STXK o = wi_STXK_read(c);
      m = access_x(s, o.addr, o.idx, a.shape == A_XS ? log2w(a.width) : 0, o.off, a.width);
      break;
    }
    case WI_FORM_LD2: {
      wi_LD2 o = wi_LD2_read(c);
      m = access_k(s, o.addr, o.k, o.off, a.width);
      fresh(s, o.dst);
      m |= (unsigned)access_k(s, o.addr2, o.k2, o.off2, a.width) << 1;
      fresh(s, o.dst2);
      break;
    }
    case WI_FORM_ST2: {
      wi_ST2 o = wi_ST2_read(c);
      m = access_k(s, o.addr, o.k, o.off, a.width);
      m |= (unsigned)access_k(s, o.addr2, o.k2, o.off2, a.width) << 1;
      break;
    }
    default:
      reset(s);
      return 0;
  }
  return m;
}

/* A fused pair, in the order its handler runs its parts (an add/imm or
 * move before its access may compute the access's address). */
static void fused(st *s, int op, const wi_cell *c) {
  uint32_t w = fused_w[op];
  switch (wi_ir_form[op]) {
    case WI_FORM_LDOP:
    case WI_FORM_LDOPK: {
      /* the two differ only in their last operand (slot y or immediate
       * k2), which the pass does not read */
      wi_LDOP o = wi_LDOP_read(c);
      access_k(s, o.addr, o.k, o.off, w);
      fresh(s, o.dst);
      fresh(s, o.dst2);
      break;
    }
    case WI_FORM_AILD: {
      wi_AILD o = wi_AILD_read(c);
      addk(s, o.dst, o.x, o.k);
      access_k(s, o.addr2, o.k2, o.off2, w);
      fresh(s, o.dst2);
      break;
    }
    case WI_FORM_AILDX: {
      wi_AILDX o = wi_AILDX_read(c);
      addk(s, o.dst, o.x, o.k);
      access_x(s, o.addr2, o.idx2, 0, o.off2, w);
      fresh(s, o.dst2);
      break;
    }
    case WI_FORM_AIST: {
      wi_AIST o = wi_AIST_read(c);
      addk(s, o.dst, o.x, o.k);
      access_k(s, o.addr2, o.k2, o.off2, w);
      break;
    }
    case WI_FORM_LDST: {
      wi_LDST o = wi_LDST_read(c);
      access_k(s, o.addr, o.k, o.off, w);
      fresh(s, o.dst);
      access_k(s, o.addr2, o.k2, o.off2, w);
      break;
    }
    case WI_FORM_CPLD: {
      wi_CPLD o = wi_CPLD_read(c);
      copy(s, o.dst, o.x);
      access_k(s, o.addr2, o.k2, o.off2, w);
      fresh(s, o.dst2);
      break;
    }
    case WI_FORM_LDB: {
      wi_LDB o = wi_LDB_read(c);
      access_k(s, o.addr, o.k, o.off, w);
      fresh(s, o.dst);
      break;
    }
    case WI_FORM_OPLD: {
      wi_OPLD o = wi_OPLD_read(c);
      fresh(s, o.dst);
      access_k(s, o.addr2, o.k2, o.off2, w);
      fresh(s, o.dst2);
      break;
    }
    case WI_FORM_AGSTK: {
      wi_AGSTK o = wi_AGSTK_read(c);
      addk(s, o.dst, o.x, o.k);
      gset(s, o.global, get(s, o.dst));
      access_k(s, o.addr2, o.k2, o.off2, w);
      break;
    }
    default:
      reset(s);
      break;
  }
}

static void generic(st *s, int op, const wi_cell *c) {
  const form_info *fi = &forms[wi_ir_form[op]];
  for (uint32_t k = 0; k < fi->ndst; k++) fresh(s, cell_slot(c, fi->dst[k]));
  if (fi->nbase) {
    /* a call (or a table instruction): the callee's frame starts there;
     * globals may be set by the callee */
    clobber_from(s, cell_slot(c, fi->base));
  }
}

void tr_bce(tr *t) {
  if (t->eh || t->any64 || t->m->nmems == 0 || t->oom || !t->ncode) return;
  pthread_once(&once, init);
  uint32_t n = t->ncode;
  wi_cell *code = t->code;
  uint8_t *label = calloc(n + 1, 1);
  int16_t *ops = malloc(n * sizeof *ops);
  st s;
  memset(&s, 0, sizeof s);
  s.nslots = t->f->frame_slots;
  s.nglobals = t->m->nglobals;
  s.slots = calloc(s.nslots + 1, sizeof *s.slots);
  s.globals = calloc(s.nglobals + 1, sizeof *s.globals);
  if (!label || !ops || !s.slots || !s.globals) goto done;
  /* the labels: every jump's target */
  for (uint32_t pc = 0; pc < n;) {
    int op = hget(code[pc].h);
    if (op < 0) goto done;
    ops[pc] = (int16_t)op;
    uint32_t len = wi_ir_cells(op, &code[pc]);
    if (len > n - pc) goto done;
    for (uint32_t k = 0, nt = wi_ir_ntargets(op, &code[pc]); k < nt; k++) {
      int64_t to = (int64_t)pc + wi_ir_target(op, &code[pc], k);
      if (to < 0 || to > n) goto done;
      label[to] = 1;
    }
    pc += len;
  }
  s.next_root = 1;
  s.epoch = s.gepoch = 1;
  for (uint32_t pc = 0; pc < n;) {
    int op = ops[pc];
    const wi_cell *c = &code[pc];
    if (label[pc]) reset(&s);
    switch (cls[op]) {
      case C_ACCESS: {
        unsigned m = accesses(&s, op, c);
        if (m && unchecked[op]) {
          /* a pair with one half proved: its _NC1 (first) or _NC2 (second) */
          int u = acc[op].n == 1 || m == 3 ? unchecked[op] : unchecked_half[op][m - 1];
          code[pc].h = t->h[u];
        }
        break;
      }
      case C_GENERIC: generic(&s, op, c); break;
      case C_FUSED: fused(&s, op, c); break;
      case C_COPY: { wi_DX o = wi_DX_read(c); copy(&s, o.dst, o.x); break; }
      case C_COPY_BR: { wi_DXCO o = wi_DXCO_read(c); copy(&s, o.dst, o.x); break; }
      case C_ZX: { wi_DX o = wi_DX_read(c); copy(&s, o.dst, o.x); break; }
      case C_COPY2: {
        wi_DX2 o = wi_DX2_read(c);
        copy(&s, o.dst, o.x);
        copy(&s, o.dst2, o.x2);
        break;
      }
      case C_COPY3: {
        wi_DX3 o = wi_DX3_read(c);
        copy(&s, o.dst, o.x);
        copy(&s, o.dst2, o.x2);
        copy(&s, o.dst3, o.x3);
        break;
      }
      case C_CONST: { wi_DK o = wi_DK_read(c); set(&s, o.dst, 0, (uint32_t)o.k); break; }
      case C_CONST2: {
        wi_DDKK o = wi_DDKK_read(c);
        set(&s, o.dst, 0, (uint32_t)o.k);
        set(&s, o.dst2, 0, (uint32_t)o.k2);
        break;
      }
      case C_CONST_COPY: {
        wi_DKDX o = wi_DKDX_read(c);
        set(&s, o.dst, 0, (uint32_t)o.k);
        copy(&s, o.dst2, o.x2);
        break;
      }
      case C_COPY_CONST: {
        wi_DXDK o = wi_DXDK_read(c);
        copy(&s, o.dst, o.x);
        set(&s, o.dst2, 0, (uint32_t)o.k2);
        break;
      }
      case C_ADDI: { wi_DXK o = wi_DXK_read(c); addk(&s, o.dst, o.x, (uint32_t)o.k); break; }
      case C_ADD_ZX_I: { wi_DXK o = wi_DXK_read(c); addk(&s, o.dst, o.x, (uint32_t)o.k); break; }
      case C_SUBI: { wi_DXK o = wi_DXK_read(c); addk(&s, o.dst, o.x, 0u - (uint32_t)o.k); break; }
      case C_ADDI2: {
        wi_DXDXKK o = wi_DXDXKK_read(c);
        addk(&s, o.dst, o.x, (uint32_t)o.k);
        addk(&s, o.dst2, o.x2, (uint32_t)o.k2);
        break;
      }
      case C_ADD_ADDI: {
        wi_DXYDXK o = wi_DXYDXK_read(c);
        fresh(&s, o.dst);
        addk(&s, o.dst2, o.x2, (uint32_t)o.k2);
        break;
      }
      case C_ADDI_COPY: {
        wi_DXDXKK o = wi_DXDXKK_read(c);
        addk(&s, o.dst, o.x, (uint32_t)o.k);
        copy(&s, o.dst2, o.x2);
        break;
      }
      case C_ADDI_CONST: {
        wi_DXKDK o = wi_DXKDK_read(c);
        addk(&s, o.dst, o.x, (uint32_t)o.k);
        set(&s, o.dst2, 0, (uint32_t)o.k2);
        break;
      }
      case C_ADDI_BR: { wi_DXKCO o = wi_DXKCO_read(c); addk(&s, o.dst, o.x, (uint32_t)o.k); break; }
      case C_AIT: { wi_DXKYO o = wi_DXKYO_read(c); addk(&s, o.dst, o.x, (uint32_t)o.k); break; }
      case C_COPY_CALL: {
        wi_DXFB o = wi_DXFB_read(c);
        copy(&s, o.dst, o.x);
        clobber_from(&s, o.base);
        break;
      }
      case C_GLOBAL_GET: {
        wi_DG o = wi_DG_read(c);
        val v = gget(&s, o.global);
        set(&s, o.dst, v.root, v.c);
        break;
      }
      case C_GLOBAL_GET_BR: {
        wi_DGCO o = wi_DGCO_read(c);
        val v = gget(&s, o.global);
        set(&s, o.dst, v.root, v.c);
        break;
      }
      case C_GLOBAL_SET: { wi_GX o = wi_GX_read(c); gset(&s, o.global, get(&s, o.x)); break; }
      case C_GLOBAL_CLOBBER: {
        wi_GX o = wi_GX_read(c);
        gset(&s, o.global, (val){ s.next_root++, 0, 0 });
        break;
      }
      case C_ADD_GLOBAL_SET: {
        wi_DXKG o = wi_DXKG_read(c);
        addk(&s, o.dst, o.x, o.k);
        gset(&s, o.global, get(&s, o.dst));
        break;
      }
      default: reset(&s); break;
    }
    pc += wi_ir_cells(op, c);
  }
done:
  free(label);
  free(ops);
  free(s.slots);
  free(s.globals);
}
