/* Source lines from a module's DWARF custom sections: the line program
 * (.debug_line, versions 2-5) and the subprogram / inlined-subroutine
 * entries of .debug_info (with .debug_abbrev, .debug_str, .debug_line_str,
 * .debug_str_offsets, .debug_addr, .debug_ranges, .debug_rnglists).
 * Addresses are offsets into the code section's contents, as the wasm
 * DWARF convention (and llvm-symbolizer) uses them.
 *
 * Everything is read through a bounds-checked cursor: malformed input
 * stops the unit being read, records why, and keeps what was read before.
 * Parsing happens once per module, on the first lookup. */
#include "dwarf.h"
#include "internal.h"

#include <stdio.h>

/* ---------------- bounded reader ---------------- */

typedef struct {
  const uint8_t *p, *end;
  bool bad;
} rd;

static inline bool rd_have(rd *r, size_t n) {
  if (r->bad || (size_t)(r->end - r->p) < n) {
    r->bad = true;
    r->p = r->end;
    return false;
  }
  return true;
}
static uint64_t rd_fixed(rd *r, unsigned n) {
  if (!rd_have(r, n)) return 0;
  uint64_t v = 0;
  for (unsigned i = 0; i < n; i++) v |= (uint64_t)r->p[i] << (8 * i);
  r->p += n;
  return v;
}
static uint64_t rd_uleb(rd *r) {
  uint64_t v = 0;
  unsigned shift = 0;
  for (;;) {
    if (!rd_have(r, 1)) return 0;
    uint8_t b = *r->p++;
    if (shift < 64) v |= (uint64_t)(b & 0x7f) << shift;
    shift += 7;
    if (!(b & 0x80)) return v;
    if (shift > 70) { r->bad = true; return 0; }
  }
}
static int64_t rd_sleb(rd *r) {
  int64_t v = 0;
  unsigned shift = 0;
  uint8_t b;
  do {
    if (!rd_have(r, 1)) return 0;
    b = *r->p++;
    if (shift < 64) v |= (int64_t)((uint64_t)(b & 0x7f) << shift);
    shift += 7;
    if (shift > 70) { r->bad = true; return 0; }
  } while (b & 0x80);
  if (shift < 64 && (b & 0x40)) v |= -(int64_t)((uint64_t)1 << shift);
  return v;
}
static const char *rd_cstr(rd *r) {
  const uint8_t *s = r->p;
  while (r->p < r->end && *r->p) r->p++;
  if (r->p >= r->end) { r->bad = true; return NULL; }
  r->p++;
  return (const char *)s;
}
static void rd_skip(rd *r, uint64_t n) {
  if (n > (uint64_t)(r->end - r->p)) { r->bad = true; r->p = r->end; return; }
  r->p += n;
}
/* A unit's length field; *off64 tells the offset size that follows. */
static rd rd_unit(rd *r, bool *off64) {
  rd u = { r->end, r->end, true };
  uint64_t len = rd_fixed(r, 4);
  *off64 = false;
  if (len == 0xffffffffu) {
    len = rd_fixed(r, 8);
    *off64 = true;
  } else if (len >= 0xfffffff0u) {
    r->bad = true;
  }
  if (r->bad || len > (uint64_t)(r->end - r->p)) { r->bad = true; return u; }
  u.p = r->p;
  u.end = r->p + len;
  u.bad = false;
  r->p += len;
  return u;
}

/* A C string at offset off of a section, or NULL. */
static const char *sec_str(const wi_dwsec *s, uint64_t off) {
  if (!s->data || off >= s->len) return NULL;
  const uint8_t *p = s->data + off;
  if (!memchr(p, 0, s->len - off)) return NULL;
  return (const char *)p;
}

/* ---------------- growable arrays, strings ---------------- */

static bool grow(void **p, uint32_t *cap, uint32_t need, size_t sz) {
  if (need <= *cap) return true;
  if (need > (1u << 26)) return false; /* far beyond any real module */
  uint32_t nc = *cap ? *cap : 64;
  while (nc < need) nc *= 2;
  void *q = realloc(*p, (size_t)nc * sz);
  if (!q) return false;
  *p = q;
  *cap = nc;
  return true;
}

static void note(wi_dwarf *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(wi_dwarf *d, const char *fmt, ...) {
  if (d->problem[0]) return; /* the first problem is the one to fix */
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(d->problem, sizeof d->problem, fmt, ap);
  va_end(ap);
}

/* Strings the tables point at that are not in the sections themselves
 * (joined paths) are kept in one list and freed with the tables. */
static const char *keep_str(wi_dwarf *d, char *s) {
  if (!s) return NULL;
  if (!grow((void **)&d->owned, &d->nowned_cap, d->nowned + 1, sizeof(char *))) {
    free(s);
    return NULL;
  }
  d->owned[d->nowned++] = s;
  return s;
}

static const char *join_path(wi_dwarf *d, const char *dir, const char *name) {
  if (!name) return NULL;
  if (name[0] == '/' || !dir || !dir[0]) return name;
  size_t a = strlen(dir), b = strlen(name);
  char *s = malloc(a + b + 2);
  if (!s) return name;
  memcpy(s, dir, a);
  size_t k = a;
  if (dir[a - 1] != '/') s[k++] = '/';
  memcpy(s + k, name, b + 1);
  return keep_str(d, s);
}

/* ---------------- attribute forms ---------------- */

enum {
  F_addr = 0x01, F_block2 = 0x03, F_block4 = 0x04, F_data2 = 0x05, F_data4 = 0x06,
  F_data8 = 0x07, F_string = 0x08, F_block = 0x09, F_block1 = 0x0a, F_data1 = 0x0b,
  F_flag = 0x0c, F_sdata = 0x0d, F_strp = 0x0e, F_udata = 0x0f, F_ref_addr = 0x10,
  F_ref1 = 0x11, F_ref2 = 0x12, F_ref4 = 0x13, F_ref8 = 0x14, F_ref_udata = 0x15,
  F_indirect = 0x16, F_sec_offset = 0x17, F_exprloc = 0x18, F_flag_present = 0x19,
  F_strx = 0x1a, F_addrx = 0x1b, F_ref_sup4 = 0x1c, F_strp_sup = 0x1d, F_data16 = 0x1e,
  F_line_strp = 0x1f, F_ref_sig8 = 0x20, F_implicit_const = 0x21, F_loclistx = 0x22,
  F_rnglistx = 0x23, F_ref_sup8 = 0x24, F_strx1 = 0x25, F_strx2 = 0x26, F_strx3 = 0x27,
  F_strx4 = 0x28, F_addrx1 = 0x29, F_addrx2 = 0x2a, F_addrx3 = 0x2b, F_addrx4 = 0x2c,
  F_GNU_addr_index = 0x1f01, F_GNU_str_index = 0x1f02, F_GNU_ref_alt = 0x1f20,
  F_GNU_strp_alt = 0x1f21
};

/* What a value is, after reading its form. */
enum { V_NONE, V_UNSIGNED, V_SIGNED, V_ADDR, V_ADDRX, V_STR, V_STRX, V_REF, V_SECOFF, V_RNGLISTX };

typedef struct {
  int kind;
  uint64_t u;
  const char *s;
} val;

typedef struct {
  const uint8_t *data; /* .debug_info */
  uint64_t off;        /* of the unit header in .debug_info */
  unsigned version, addr_size;
  bool off64;
  uint64_t str_offsets_base, addr_base, rnglists_base, low_pc;
  bool has_str_offsets_base, has_rnglists_base;
  const char *comp_dir;
  uint64_t stmt_list;
  bool has_stmt_list;
} cu;

/* Reads one attribute value; false when the form is unknown (the rest of
 * the unit cannot be skipped then). */
static bool read_form(const wi_dwarf *d, rd *r, const cu *u, uint64_t form, int64_t implicit, val *v) {
  unsigned osz = u->off64 ? 8 : 4;
  v->kind = V_NONE;
  v->u = 0;
  v->s = NULL;
  switch (form) {
    case F_addr: v->kind = V_ADDR; v->u = rd_fixed(r, u->addr_size); break;
    case F_block2: rd_skip(r, rd_fixed(r, 2)); break;
    case F_block4: rd_skip(r, rd_fixed(r, 4)); break;
    case F_data1: case F_ref1: case F_flag: v->kind = form == F_ref1 ? V_REF : V_UNSIGNED; v->u = rd_fixed(r, 1); break;
    case F_data2: case F_ref2: v->kind = form == F_ref2 ? V_REF : V_UNSIGNED; v->u = rd_fixed(r, 2); break;
    case F_data4: case F_ref4: v->kind = form == F_ref4 ? V_REF : V_UNSIGNED; v->u = rd_fixed(r, 4); break;
    case F_data8: case F_ref8: v->kind = form == F_ref8 ? V_REF : V_UNSIGNED; v->u = rd_fixed(r, 8); break;
    case F_ref_sig8: rd_skip(r, 8); break;
    case F_data16: rd_skip(r, 16); break;
    case F_string: v->kind = V_STR; v->s = rd_cstr(r); break;
    case F_block: case F_exprloc: rd_skip(r, rd_uleb(r)); break;
    case F_block1: rd_skip(r, rd_fixed(r, 1)); break;
    case F_sdata: v->kind = V_SIGNED; v->u = (uint64_t)rd_sleb(r); break;
    case F_udata: v->kind = V_UNSIGNED; v->u = rd_uleb(r); break;
    case F_ref_udata: v->kind = V_REF; v->u = rd_uleb(r); break;
    case F_strp: v->kind = V_STR; v->s = sec_str(&d->str, rd_fixed(r, osz)); break;
    case F_line_strp: v->kind = V_STR; v->s = sec_str(&d->line_str, rd_fixed(r, osz)); break;
    case F_ref_addr:
      /* DWARF 2 sized it as an address; later versions as an offset */
      v->kind = V_REF;
      v->u = rd_fixed(r, u->version <= 2 ? u->addr_size : osz);
      /* a .debug_info offset: made unit-relative for uniform handling */
      v->u = v->u >= u->off ? v->u - u->off : UINT64_MAX;
      break;
    case F_sec_offset: v->kind = V_SECOFF; v->u = rd_fixed(r, osz); break;
    case F_flag_present: v->kind = V_UNSIGNED; v->u = 1; break;
    case F_strx: case F_GNU_str_index: v->kind = V_STRX; v->u = rd_uleb(r); break;
    case F_strx1: v->kind = V_STRX; v->u = rd_fixed(r, 1); break;
    case F_strx2: v->kind = V_STRX; v->u = rd_fixed(r, 2); break;
    case F_strx3: v->kind = V_STRX; v->u = rd_fixed(r, 3); break;
    case F_strx4: v->kind = V_STRX; v->u = rd_fixed(r, 4); break;
    case F_addrx: case F_GNU_addr_index: v->kind = V_ADDRX; v->u = rd_uleb(r); break;
    case F_addrx1: v->kind = V_ADDRX; v->u = rd_fixed(r, 1); break;
    case F_addrx2: v->kind = V_ADDRX; v->u = rd_fixed(r, 2); break;
    case F_addrx3: v->kind = V_ADDRX; v->u = rd_fixed(r, 3); break;
    case F_addrx4: v->kind = V_ADDRX; v->u = rd_fixed(r, 4); break;
    case F_ref_sup4: rd_skip(r, 4); break;
    case F_ref_sup8: rd_skip(r, 8); break;
    case F_strp_sup: case F_GNU_ref_alt: case F_GNU_strp_alt: rd_skip(r, osz); break;
    case F_implicit_const: v->kind = V_SIGNED; v->u = (uint64_t)implicit; break;
    case F_loclistx: rd_uleb(r); break;
    case F_rnglistx: v->kind = V_RNGLISTX; v->u = rd_uleb(r); break;
    case F_indirect: {
      uint64_t f = rd_uleb(r);
      if (f == F_indirect || f == F_implicit_const) return false;
      return read_form(d, r, u, f, implicit, v);
    }
    default: return false;
  }
  return !r->bad;
}

static const char *str_of(const wi_dwarf *d, const cu *u, const val *v) {
  if (v->kind == V_STR) return v->s;
  if (v->kind != V_STRX || !d->str_offsets.data) return NULL;
  /* DWARF 5 units name their base; a GNU split unit without one starts
   * after the section's 8-byte header */
  uint64_t base = u->has_str_offsets_base ? u->str_offsets_base : 8;
  unsigned osz = u->off64 ? 8 : 4;
  if (v->u > (d->str_offsets.len / osz)) return NULL;
  uint64_t at = base + v->u * osz;
  if (at < base || at + osz > d->str_offsets.len) return NULL;
  rd r = { d->str_offsets.data + at, d->str_offsets.data + d->str_offsets.len, false };
  return sec_str(&d->str, rd_fixed(&r, osz));
}

static bool addr_of(const wi_dwarf *d, const cu *u, const val *v, uint64_t *out) {
  if (v->kind == V_ADDR) { *out = v->u; return true; }
  if (v->kind != V_ADDRX || !d->addr.data) return false;
  uint64_t at = u->addr_base + v->u * u->addr_size;
  if (v->u > d->addr.len || at + u->addr_size > d->addr.len) return false;
  rd r = { d->addr.data + at, d->addr.data + d->addr.len, false };
  *out = rd_fixed(&r, u->addr_size);
  return true;
}

/* ---------------- abbreviations ---------------- */

typedef struct {
  uint64_t code, tag;
  bool children;
  uint32_t first, n; /* into the attribute spec array */
} abbrev;
typedef struct { uint64_t name, form; int64_t implicit; } attrspec;

typedef struct {
  abbrev *a;
  uint32_t na, capa;
  attrspec *s;
  uint32_t ns, caps;
  uint64_t off; /* which table is loaded */
  bool loaded;
} abbrevs;

static bool load_abbrevs(wi_dwarf *d, abbrevs *t, uint64_t off) {
  if (t->loaded && t->off == off) return true;
  t->na = t->ns = 0;
  t->loaded = false;
  if (!d->abbrev.data || off >= d->abbrev.len) return false;
  rd r = { d->abbrev.data + off, d->abbrev.data + d->abbrev.len, false };
  for (;;) {
    uint64_t code = rd_uleb(&r);
    if (r.bad) return false;
    if (code == 0) break;
    if (!grow((void **)&t->a, &t->capa, t->na + 1, sizeof *t->a)) return false;
    abbrev *ab = &t->a[t->na++];
    ab->code = code;
    ab->tag = rd_uleb(&r);
    ab->children = rd_fixed(&r, 1) != 0;
    ab->first = t->ns;
    ab->n = 0;
    for (;;) {
      uint64_t name = rd_uleb(&r), form = rd_uleb(&r);
      int64_t imp = form == F_implicit_const ? rd_sleb(&r) : 0;
      if (r.bad) return false;
      if (name == 0 && form == 0) break;
      if (!grow((void **)&t->s, &t->caps, t->ns + 1, sizeof *t->s)) return false;
      t->s[t->ns++] = (attrspec){ name, form, imp };
      ab->n++;
    }
  }
  t->off = off;
  t->loaded = true;
  return true;
}

static const abbrev *find_abbrev(const abbrevs *t, uint64_t code) {
  /* codes are usually dense from 1 */
  if (code >= 1 && code <= t->na && t->a[code - 1].code == code) return &t->a[code - 1];
  for (uint32_t i = 0; i < t->na; i++)
    if (t->a[i].code == code) return &t->a[i];
  return NULL;
}

/* ---------------- ranges ---------------- */

static bool add_range(wi_dwarf *d, uint32_t die, uint64_t lo, uint64_t hi) {
  if (hi <= lo || lo >= 0xfffffffeu) return true; /* empty or a discarded function's tombstone */
  if (lo == 0 && d->skip_zero) return true;
  if (!grow((void **)&d->ranges, &d->cap_ranges, d->nranges + 1, sizeof *d->ranges)) return false;
  d->ranges[d->nranges++] = (wi_dwrange){ (uint32_t)lo, (uint32_t)(hi > 0xffffffffu ? 0xffffffffu : hi), die };
  return true;
}

/* DW_AT_ranges of a v2-4 unit: address pairs in .debug_ranges. */
static void ranges_v4(wi_dwarf *d, const cu *u, uint64_t off, uint32_t die) {
  if (!d->ranges_v4.data || off >= d->ranges_v4.len) return;
  rd r = { d->ranges_v4.data + off, d->ranges_v4.data + d->ranges_v4.len, false };
  uint64_t base = u->low_pc, maxa = u->addr_size == 8 ? UINT64_MAX : 0xffffffffu;
  for (int guard = 0; guard < 1 << 20 && !r.bad; guard++) {
    uint64_t a = rd_fixed(&r, u->addr_size), b = rd_fixed(&r, u->addr_size);
    if (r.bad || (a == 0 && b == 0)) return;
    if (a == maxa) { base = b; continue; }
    if (!add_range(d, die, base + a, base + b)) return;
  }
}

/* DW_AT_ranges of a v5 unit: entries in .debug_rnglists. */
static void ranges_v5(wi_dwarf *d, const cu *u, uint64_t off, uint32_t die) {
  if (!d->rnglists.data || off >= d->rnglists.len) return;
  rd r = { d->rnglists.data + off, d->rnglists.data + d->rnglists.len, false };
  uint64_t base = u->low_pc;
  for (int guard = 0; guard < 1 << 20 && !r.bad; guard++) {
    uint8_t kind = (uint8_t)rd_fixed(&r, 1);
    uint64_t a = 0, b = 0;
    val v = { V_ADDRX, 0, NULL };
    switch (kind) {
      case 0: return; /* end_of_list */
      case 1: v.u = rd_uleb(&r); if (!addr_of(d, u, &v, &base)) return; continue;
      case 2: v.u = rd_uleb(&r); if (!addr_of(d, u, &v, &a)) return;
              v.u = rd_uleb(&r); if (!addr_of(d, u, &v, &b)) return; break;
      case 3: v.u = rd_uleb(&r); if (!addr_of(d, u, &v, &a)) return; b = a + rd_uleb(&r); break;
      case 4: a = base + rd_uleb(&r); b = base + rd_uleb(&r); break;
      case 5: base = rd_fixed(&r, u->addr_size); continue;
      case 6: a = rd_fixed(&r, u->addr_size); b = rd_fixed(&r, u->addr_size); break;
      case 7: a = rd_fixed(&r, u->addr_size); b = a + rd_uleb(&r); break;
      default: note(d, "unknown .debug_rnglists entry %u", kind); return;
    }
    if (r.bad || !add_range(d, die, a, b)) return;
  }
}

/* ---------------- .debug_info ---------------- */

enum {
  TAG_compile_unit = 0x11, TAG_subprogram = 0x2e, TAG_inlined_subroutine = 0x1d,
  TAG_partial_unit = 0x3c, TAG_skeleton_unit = 0x4a,
  AT_name = 0x03, AT_stmt_list = 0x10, AT_low_pc = 0x11, AT_high_pc = 0x12,
  AT_comp_dir = 0x1b, AT_abstract_origin = 0x31, AT_specification = 0x47,
  AT_ranges = 0x55, AT_call_column = 0x57, AT_call_file = 0x58, AT_call_line = 0x59,
  AT_linkage_name = 0x6e, AT_MIPS_linkage_name = 0x2007, AT_str_offsets_base = 0x72,
  AT_addr_base = 0x73, AT_rnglists_base = 0x74, AT_GNU_addr_base = 0x2133,
  AT_GNU_ranges_base = 0x2132
};

static uint32_t add_die(wi_dwarf *d, wi_dwdie *x) {
  if (!grow((void **)&d->dies, &d->cap_dies, d->ndies + 1, sizeof *d->dies)) return UINT32_MAX;
  d->dies[d->ndies] = *x;
  return d->ndies++;
}

/* Reads one compilation unit's entries.  Only the unit DIE and the
 * subprogram / inlined-subroutine entries are kept, plus the named
 * entries those may point at through abstract_origin / specification. */
static void read_unit(wi_dwarf *d, abbrevs *ab, rd *u_rd, uint64_t unit_off, bool off64) {
  cu u;
  memset(&u, 0, sizeof u);
  u.off = unit_off;
  u.off64 = off64;
  u.version = (unsigned)rd_fixed(u_rd, 2);
  uint64_t abbrev_off;
  if (u.version >= 5) {
    uint8_t type = (uint8_t)rd_fixed(u_rd, 1);
    u.addr_size = (unsigned)rd_fixed(u_rd, 1);
    abbrev_off = rd_fixed(u_rd, off64 ? 8 : 4);
    if (type == 4 || type == 5) rd_skip(u_rd, 8);                 /* skeleton / split: dwo id */
    else if (type == 2 || type == 6) rd_skip(u_rd, off64 ? 16 : 12); /* type units */
    else if (type != 1 && type != 3) { note(d, "unknown DWARF unit type %u", type); return; }
  } else {
    abbrev_off = rd_fixed(u_rd, off64 ? 8 : 4);
    u.addr_size = (unsigned)rd_fixed(u_rd, 1);
  }
  if (u_rd->bad) { note(d, "truncated .debug_info unit header"); return; }
  if (u.version < 2 || u.version > 5) { note(d, "DWARF version %u not supported; unit skipped", u.version); return; }
  if (u.addr_size != 4 && u.addr_size != 8) { note(d, "address size %u not supported; unit skipped", u.addr_size); return; }
  if (!load_abbrevs(d, ab, abbrev_off)) { note(d, "unreadable .debug_abbrev at 0x%llx", (unsigned long long)abbrev_off); return; }

  uint32_t cu_index = d->ncus;
  if (!grow((void **)&d->cus, &d->cap_cus, d->ncus + 1, sizeof *d->cus)) return;
  d->cus[d->ncus++] = (wi_dwcu){ UINT64_MAX, NULL, unit_off };

  /* parents of the DIEs being read, to give each inlined entry its
   * enclosing function */
  uint32_t parent[256];
  int depth = 0;
  const uint8_t *start = d->info.data + unit_off;
  bool first = true;
  while (u_rd->p < u_rd->end && !u_rd->bad) {
    uint64_t die_off = (uint64_t)(u_rd->p - start);
    uint64_t code = rd_uleb(u_rd);
    if (code == 0) {
      if (depth > 0) depth--;
      continue;
    }
    const abbrev *a = find_abbrev(ab, code);
    if (!a) { note(d, "unknown abbreviation %llu in .debug_info", (unsigned long long)code); return; }
    val v;
    const char *name = NULL, *lname = NULL;
    val name_v = { V_NONE, 0, NULL }, lname_v = name_v, low_v = name_v, comp_v = name_v;
    uint64_t high = 0, ranges = 0, origin = UINT64_MAX, call_file = 0, call_line = 0, call_col = 0;
    bool has_high = false, high_is_addr = false, has_ranges = false, ranges_x = false;
    for (uint32_t i = 0; i < a->n; i++) {
      const attrspec *s = &ab->s[a->first + i];
      if (!read_form(d, u_rd, &u, s->form, s->implicit, &v)) {
        note(d, "DWARF form 0x%llx not supported; rest of the unit skipped", (unsigned long long)s->form);
        return;
      }
      switch (s->name) {
        case AT_name: name_v = v; break;
        case AT_linkage_name: case AT_MIPS_linkage_name: lname_v = v; break;
        case AT_low_pc: low_v = v; break;
        case AT_high_pc:
          has_high = true;
          high_is_addr = v.kind == V_ADDR || v.kind == V_ADDRX;
          if (high_is_addr) { if (!addr_of(d, &u, &v, &high)) has_high = false; }
          else high = v.u;
          break;
        case AT_ranges: has_ranges = true; ranges = v.u; ranges_x = v.kind == V_RNGLISTX; break;
        case AT_abstract_origin: case AT_specification: if (v.kind == V_REF) origin = unit_off + v.u; break;
        case AT_call_file: call_file = v.u; break;
        case AT_call_line: call_line = v.u; break;
        case AT_call_column: call_col = v.u; break;
        case AT_stmt_list: if (first) { u.stmt_list = v.u; u.has_stmt_list = true; } break;
        case AT_comp_dir: comp_v = v; break;
        case AT_str_offsets_base: u.str_offsets_base = v.u; u.has_str_offsets_base = true; break;
        case AT_addr_base: case AT_GNU_addr_base: u.addr_base = v.u; break;
        case AT_rnglists_base: case AT_GNU_ranges_base: u.rnglists_base = v.u; u.has_rnglists_base = true; break;
        default: break;
      }
    }
    if (u_rd->bad) { note(d, "truncated .debug_info entry"); return; }
    /* strings and addresses after the whole entry: the unit DIE names its
     * bases anywhere among its attributes */
    name = str_of(d, &u, &name_v);
    lname = str_of(d, &u, &lname_v);
    uint64_t low = 0;
    bool has_low = addr_of(d, &u, &low_v, &low);
    if (first) {
      first = false;
      u.comp_dir = str_of(d, &u, &comp_v);
      if (has_low) u.low_pc = low;
      d->cus[cu_index].stmt_list = u.has_stmt_list ? u.stmt_list : UINT64_MAX;
      d->cus[cu_index].comp_dir = u.comp_dir;
      if (a->tag != TAG_compile_unit && a->tag != TAG_partial_unit && a->tag != TAG_skeleton_unit)
        return;
    } else if (a->tag == TAG_subprogram || a->tag == TAG_inlined_subroutine) {
      wi_dwdie x;
      memset(&x, 0, sizeof x);
      x.offset = unit_off + die_off;
      x.name = name;
      x.linkage = lname;
      x.origin = origin;
      x.tag = (uint8_t)(a->tag == TAG_subprogram ? 1 : a->tag == TAG_inlined_subroutine ? 2 : 0);
      x.cu = cu_index;
      x.call_file = (uint32_t)call_file;
      x.call_line = (uint32_t)call_line;
      x.call_col = (uint32_t)call_col;
      x.parent = UINT32_MAX;
      for (int k = depth - 1; k >= 0 && k < 256; k--)
        if (parent[k] != UINT32_MAX) { x.parent = parent[k]; break; }
      uint32_t id = add_die(d, &x);
      if (id == UINT32_MAX) { note(d, "out of memory reading DWARF"); return; }
      if (x.tag) {
        if (has_low && has_high && !add_range(d, id, low, high_is_addr ? high : low + high)) return;
        if (has_ranges) {
          if (u.version >= 5) {
            uint64_t off = ranges;
            if (ranges_x) {
              /* an index into the offsets after the rnglists base */
              unsigned osz = off64 ? 8 : 4;
              uint64_t at = u.rnglists_base + ranges * osz;
              if (!d->rnglists.data || at + osz > d->rnglists.len || ranges > d->rnglists.len) off = UINT64_MAX;
              else {
                rd r = { d->rnglists.data + at, d->rnglists.data + d->rnglists.len, false };
                off = u.rnglists_base + rd_fixed(&r, osz);
              }
            }
            if (off != UINT64_MAX) ranges_v5(d, &u, off, id);
          } else {
            ranges_v4(d, &u, ranges, id);
          }
        }
      }
      if (a->children && depth < 256) parent[depth] = x.tag ? id : UINT32_MAX;
    } else if (a->children && depth < 256) {
      parent[depth] = UINT32_MAX;
    }
    if (a->children) {
      if (depth < 256) depth++;
      else { note(d, "DWARF entries nested too deeply"); return; }
    }
  }
}

static void read_info(wi_dwarf *d) {
  if (!d->info.data) return;
  abbrevs ab;
  memset(&ab, 0, sizeof ab);
  rd r = { d->info.data, d->info.data + d->info.len, false };
  while (r.p < r.end && !r.bad) {
    uint64_t off = (uint64_t)(r.p - d->info.data);
    bool off64;
    rd u = rd_unit(&r, &off64);
    if (u.bad) { note(d, "truncated .debug_info"); break; }
    read_unit(d, &ab, &u, off, off64);
  }
  free(ab.a);
  free(ab.s);
}

/* ---------------- .debug_line ---------------- */

static bool add_row(wi_dwarf *d, uint64_t addr, uint32_t file, uint32_t line, uint32_t col, bool end) {
  if (addr >= 0xfffffffeu) return true;
  if (!grow((void **)&d->rows, &d->cap_rows, d->nrows + 1, sizeof *d->rows)) return false;
  d->rows[d->nrows++] = (wi_dwrow){ (uint32_t)addr, end ? UINT32_MAX : file, line, col, 0 };
  return true;
}

static const char *cu_comp_dir(const wi_dwarf *d, uint64_t stmt_list) {
  for (uint32_t i = 0; i < d->ncus; i++)
    if (d->cus[i].stmt_list == stmt_list) return d->cus[i].comp_dir;
  return NULL;
}

/* A v5 entry format list and its entries: directories or files. */
static bool read_v5_entries(wi_dwarf *d, rd *r, const cu *u, const char **dirs, uint32_t ndirs,
                            uint32_t *out_first, uint32_t *out_n, bool files,
                            const char ***dir_out, uint32_t *ndir_out) {
  uint8_t nfmt = (uint8_t)rd_fixed(r, 1);
  uint64_t fmt[32][2];
  if (nfmt > 32) return false;
  for (unsigned i = 0; i < nfmt; i++) { fmt[i][0] = rd_uleb(r); fmt[i][1] = rd_uleb(r); }
  uint64_t n = rd_uleb(r);
  if (r->bad || n > (uint64_t)(r->end - r->p)) return false;
  *out_first = d->nfiles;
  *out_n = 0;
  for (uint64_t k = 0; k < n; k++) {
    const char *path = NULL;
    uint64_t dir = 0;
    for (unsigned i = 0; i < nfmt; i++) {
      val v;
      if (!read_form(d, r, u, fmt[i][1], 0, &v)) return false;
      if (fmt[i][0] == 1) path = str_of(d, u, &v);       /* DW_LNCT_path */
      else if (fmt[i][0] == 2) dir = v.u;                /* DW_LNCT_directory_index */
    }
    if (files) {
      const char *full = join_path(d, dir < ndirs ? dirs[dir] : NULL, path ? path : "?");
      if (!grow((void **)&d->files, &d->cap_files, d->nfiles + 1, sizeof *d->files)) return false;
      d->files[d->nfiles++] = full;
      (*out_n)++;
    } else {
      if (!grow((void **)dir_out, ndir_out + 1, ndir_out[0] + 1, sizeof **dir_out)) return false;
      (*dir_out)[ndir_out[0]++] = path;
    }
  }
  return !r->bad;
}

/* One line program: its file table goes to d->files (a program's file
 * numbers map to d->files[base + n - first_index]), its rows to d->rows. */
static void read_program(wi_dwarf *d, rd *r, uint64_t off, bool off64) {
  cu u;
  memset(&u, 0, sizeof u);
  u.off64 = off64;
  unsigned version = (unsigned)rd_fixed(r, 2);
  u.version = version;
  u.addr_size = 4;
  if (version < 2 || version > 5) { note(d, ".debug_line version %u not supported; skipped", version); return; }
  if (version >= 5) {
    u.addr_size = (unsigned)rd_fixed(r, 1);
    rd_fixed(r, 1); /* segment selector size */
  }
  uint64_t hlen = rd_fixed(r, off64 ? 8 : 4);
  if (r->bad || hlen > (uint64_t)(r->end - r->p)) { note(d, "truncated .debug_line header"); return; }
  const uint8_t *prog = r->p + hlen;
  uint8_t min_inst = (uint8_t)rd_fixed(r, 1);
  if (version >= 4) rd_fixed(r, 1); /* max ops per instruction: VLIW only */
  bool default_stmt = rd_fixed(r, 1) != 0;
  (void)default_stmt;
  int8_t line_base = (int8_t)rd_fixed(r, 1);
  uint8_t line_range = (uint8_t)rd_fixed(r, 1);
  uint8_t opcode_base = (uint8_t)rd_fixed(r, 1);
  uint8_t std_len[256] = { 0 };
  for (unsigned i = 1; i < opcode_base; i++) std_len[i] = (uint8_t)rd_fixed(r, 1);
  if (r->bad || line_range == 0 || opcode_base == 0) { note(d, "malformed .debug_line header"); return; }

  const char *comp_dir = cu_comp_dir(d, off);
  uint32_t base, nfiles, first_index;
  const char **dirs = NULL;
  uint32_t ndirs[2] = { 0, 0 }; /* count, capacity */
  if (version >= 5) {
    uint32_t dummy_first, dummy_n;
    bool ok = read_v5_entries(d, r, &u, NULL, 0, &dummy_first, &dummy_n, false, &dirs, ndirs);
    if (ok) {
      /* entry 0 is the compilation directory itself (DWARF 5 6.2.4.1) */
      const char *cdir = ndirs[0] && dirs[0] ? dirs[0] : comp_dir;
      for (uint32_t i = 1; i < ndirs[0]; i++)
        if (dirs[i] && dirs[i][0] != '/' && cdir) dirs[i] = join_path(d, cdir, dirs[i]);
      ok = read_v5_entries(d, r, &u, dirs, ndirs[0], &base, &nfiles, true, NULL, NULL);
    }
    if (!ok) {
      free(dirs);
      note(d, "malformed .debug_line v5 file table");
      return;
    }
    first_index = 0;
  } else {
    if (!grow((void **)&dirs, &ndirs[1], 1, sizeof *dirs)) return;
    dirs[ndirs[0]++] = comp_dir;
    for (;;) {
      const char *s = rd_cstr(r);
      if (!s || !*s) break;
      if (!grow((void **)&dirs, &ndirs[1], ndirs[0] + 1, sizeof *dirs)) break;
      dirs[ndirs[0]++] = s[0] == '/' ? s : join_path(d, comp_dir, s);
    }
    base = d->nfiles;
    nfiles = 0;
    first_index = 1;
    for (;;) {
      const char *s = rd_cstr(r);
      if (!s || !*s) break;
      uint64_t dir = rd_uleb(r);
      rd_uleb(r);
      rd_uleb(r);
      if (!grow((void **)&d->files, &d->cap_files, d->nfiles + 1, sizeof *d->files)) break;
      d->files[d->nfiles++] = join_path(d, dir < ndirs[0] ? dirs[dir] : NULL, s);
      nfiles++;
    }
  }
  if (r->bad) { free(dirs); note(d, "truncated .debug_line file table"); return; }
  if (!grow((void **)&d->programs, &d->cap_programs, d->nprograms + 1, sizeof *d->programs)) { free(dirs); return; }
  d->programs[d->nprograms++] = (wi_dwprog){ off, base, nfiles, first_index };

  if (prog < r->p || prog > r->end) { free(dirs); note(d, "malformed .debug_line header length"); return; }
  r->p = prog;
  uint64_t addr = 0;
  uint32_t file = 1, line = 1, col = 0;
  /* file numbers beyond the table (define_file, or corrupt input) are
   * kept as "unknown" rather than indexing past this program's files */
#define FILE_ID(f) ((f) >= first_index && (f) - first_index < nfiles ? base + (f) - first_index : UINT32_MAX - 1)
  while (r->p < r->end && !r->bad) {
    uint8_t op = (uint8_t)rd_fixed(r, 1);
    if (op >= opcode_base) {
      unsigned adj = op - opcode_base;
      addr += (uint64_t)(adj / line_range) * min_inst;
      line += (uint32_t)(line_base + (int)(adj % line_range));
      if (!add_row(d, addr, FILE_ID(file), line, col, false)) break;
    } else if (op == 0) {
      uint64_t len = rd_uleb(r);
      if (r->bad || len == 0 || len > (uint64_t)(r->end - r->p)) { note(d, "malformed extended line opcode"); break; }
      const uint8_t *next = r->p + len;
      uint8_t sub = (uint8_t)rd_fixed(r, 1);
      if (sub == 1) { /* end_sequence */
        if (!add_row(d, addr, 0, line, col, true)) break;
        addr = 0; file = 1; line = 1; col = 0;
      } else if (sub == 2) { /* set_address */
        addr = rd_fixed(r, len - 1 > 8 ? 8 : (unsigned)(len - 1));
      }
      r->p = next;
    } else {
      switch (op) {
        case 1: if (!add_row(d, addr, FILE_ID(file), line, col, false)) goto out; break;
        case 2: addr += rd_uleb(r) * min_inst; break;
        case 3: line += (uint32_t)rd_sleb(r); break;
        case 4: file = (uint32_t)rd_uleb(r); break;
        case 5: col = (uint32_t)rd_uleb(r); break;
        case 8: addr += (uint64_t)((255 - opcode_base) / line_range) * min_inst; break;
        case 9: addr += rd_fixed(r, 2); break;
        case 6: case 7: case 10: case 11: break;
        default:
          for (unsigned i = 0; i < std_len[op]; i++) rd_uleb(r);
      }
    }
  }
out:
#undef FILE_ID
  free(dirs);
}

static void read_lines(wi_dwarf *d) {
  if (!d->line.data) return;
  rd r = { d->line.data, d->line.data + d->line.len, false };
  while (r.p < r.end && !r.bad) {
    uint64_t off = (uint64_t)(r.p - d->line.data);
    bool off64;
    rd u = rd_unit(&r, &off64);
    if (u.bad) { note(d, "truncated .debug_line"); break; }
    uint32_t before = d->nrows;
    read_program(d, &u, off, off64);
    /* rows of one sequence are in address order; sequences need not be */
    (void)before;
  }
}

/* ---------------- lookup ---------------- */

static int cmp_row(const void *a, const void *b) {
  const wi_dwrow *x = a, *y = b;
  if (x->addr != y->addr) return x->addr < y->addr ? -1 : 1;
  /* an end of sequence before a row that starts the next one there */
  if ((x->file == UINT32_MAX) != (y->file == UINT32_MAX)) return x->file == UINT32_MAX ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}
static int cmp_range(const void *a, const void *b) {
  const wi_dwrange *x = a, *y = b;
  if (x->lo != y->lo) return x->lo < y->lo ? -1 : 1;
  return x->hi > y->hi ? -1 : x->hi < y->hi;
}
static int cmp_die(const void *a, const void *b) {
  const wi_dwdie *x = a, *y = b;
  return x->offset < y->offset ? -1 : x->offset > y->offset;
}

static const wi_dwdie *die_at(const wi_dwarf *d, uint64_t off) {
  uint32_t lo = 0, hi = d->ndies;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (d->dies[mid].offset < off) lo = mid + 1;
    else hi = mid;
  }
  return lo < d->ndies && d->dies[lo].offset == off ? &d->dies[lo] : NULL;
}

/* A function's name: its own, or that of the entry it was inlined from
 * or declared by (a few hops at most). */
static const char *die_name(const wi_dwarf *d, const wi_dwdie *x) {
  for (int hop = 0; x && hop < 8; hop++) {
    if (x->linkage) return x->linkage;
    if (x->name) return x->name;
    x = x->origin == UINT64_MAX ? NULL : die_at(d, x->origin);
  }
  return NULL;
}

static const char *file_of(const wi_dwarf *d, uint32_t cu_index, uint32_t n) {
  if (cu_index >= d->ncus) return NULL;
  uint64_t sl = d->cus[cu_index].stmt_list;
  for (uint32_t i = 0; i < d->nprograms; i++) {
    const wi_dwprog *p = &d->programs[i];
    if (p->offset != sl) continue;
    if (n < p->first_index || n - p->first_index >= p->nfiles) return NULL;
    return d->files[p->base + n - p->first_index];
  }
  return NULL;
}

wi_dwarf *wi_dwarf_parse(const wi_dwsecs *s) {
  wi_dwarf *d = calloc(1, sizeof *d);
  if (!d) return NULL;
  d->info = s->info;
  d->abbrev = s->abbrev;
  d->line = s->line;
  d->str = s->str;
  d->line_str = s->line_str;
  d->str_offsets = s->str_offsets;
  d->addr = s->addr;
  d->ranges_v4 = s->ranges;
  d->rnglists = s->rnglists;
  d->skip_zero = true; /* address 0 is the code section's count, never code */
  read_info(d);
  read_lines(d);
  /* the order in which unit rows were emitted breaks ties between
   * sequences that begin where another ends */
  for (uint32_t i = 0; i < d->nrows; i++) d->rows[i].seq = i;
  if (d->nrows) qsort(d->rows, d->nrows, sizeof *d->rows, cmp_row);
  if (d->nranges) qsort(d->ranges, d->nranges, sizeof *d->ranges, cmp_range);
  /* DIE offsets are appended in section order already, but units may be
   * read out of order by nothing else: keep the sort as the invariant */
  if (d->ndies) {
    /* ranges refer to DIEs by index: sort a copy of the indices' offsets */
    bool sorted = true;
    for (uint32_t i = 1; i < d->ndies; i++)
      if (d->dies[i - 1].offset >= d->dies[i].offset) { sorted = false; break; }
    if (!sorted) {
      /* corrupt input (units overlapping): drop the inline data, keep lines */
      note(d, "overlapping .debug_info units; function names from DWARF ignored");
      d->nranges = 0;
    }
    (void)cmp_die;
  }
  d->usable = d->nrows > 0 || d->nranges > 0;
  return d;
}

void wi_dwarf_free(wi_dwarf *d) {
  if (!d) return;
  for (uint32_t i = 0; i < d->nowned; i++) free(d->owned[i]);
  free(d->owned);
  free(d->rows);
  free(d->files);
  free(d->programs);
  free(d->ranges);
  free(d->dies);
  free(d->cus);
  free(d);
}

/* The row in effect at addr, or NULL (no sequence covers it). */
static const wi_dwrow *row_at(const wi_dwarf *d, uint32_t addr) {
  uint32_t lo = 0, hi = d->nrows;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (d->rows[mid].addr <= addr) lo = mid + 1;
    else hi = mid;
  }
  if (lo == 0) return NULL;
  const wi_dwrow *r = &d->rows[lo - 1];
  return r->file == UINT32_MAX ? NULL : r;
}

int wi_dwarf_lookup(const wi_dwarf *d, uint32_t addr, wh_source_loc *out, int max) {
  if (!d || max <= 0) return 0;
  const wi_dwrow *row = row_at(d, addr);
  /* the innermost entry covering addr: the narrowest range */
  const wi_dwrange *best = NULL;
  for (uint32_t i = 0; i < d->nranges && d->ranges[i].lo <= addr; i++) {
    const wi_dwrange *g = &d->ranges[i];
    if (addr < g->hi && (!best || (g->hi - g->lo) <= (best->hi - best->lo))) best = g;
  }
  const char *file = row ? (row->file < d->nfiles ? d->files[row->file] : NULL) : NULL;
  uint32_t line = row ? row->line : 0, col = row ? row->column : 0;
  if (!best) {
    if (!row) return 0;
    out[0] = (wh_source_loc){ NULL, file, line, col };
    return 1;
  }
  int n = 0;
  const wi_dwdie *x = &d->dies[best->die];
  for (int hop = 0; x && n < max && hop < 256; hop++) {
    out[n++] = (wh_source_loc){ die_name(d, x), file, line, col };
    if (x->tag != 2) break; /* reached the subprogram */
    /* the caller's line is where this was inlined */
    file = file_of(d, x->cu, x->call_file);
    line = x->call_line;
    col = x->call_col;
    x = x->parent == UINT32_MAX ? NULL : &d->dies[x->parent];
  }
  return n;
}

const char *wi_dwarf_problem(const wi_dwarf *d) { return d && d->problem[0] ? d->problem : NULL; }
