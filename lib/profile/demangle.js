'use strict';
// Function names as their languages write them, from the linkage names that
// reach a wasm name section:
//   Go       main.main, fmt.(*pp).doPrintf      kept as they are
//   Rust     _ZN...17h<hash>E (legacy)           std::io::stdio::_print
//            _R... (v0)                          mycrate::module::func
//   C++      _Z... (Itanium)                     geo::V::get(int) const
// A name this cannot read is returned unchanged, never an error.  The C++
// subset covers nested names, constructors/destructors, operators,
// builtin/pointer/reference/cv parameter types, substitutions and plain
// template arguments; anything past that keeps its mangled form.

function demangle(name) {
  if (typeof name !== 'string') return name;
  try {
    if (/^_?_ZN.*17h[0-9a-f]{16}E/.test(name)) return rustLegacy(name.replace(/^__/, '_')) || name;
    if (name.startsWith('_R')) return rustV0(name) || name;
    if (name.startsWith('_Z')) return itanium(name) || name;
  } catch (_) {
    return name;
  }
  return name;
}

// ---- Rust legacy: an Itanium nested name of identifiers, hash last ----
const RUST_ESCAPES = { SP: '@', BP: '*', RF: '&', LT: '<', GT: '>', LP: '(', RP: ')', C: ',' };
function rustLegacy(s) {
  let p = 3; // after _ZN
  const parts = [];
  while (p < s.length && s[p] !== 'E') {
    const m = /^\d+/.exec(s.slice(p));
    if (!m) return null;
    const n = Number(m[0]);
    p += m[0].length;
    parts.push(s.slice(p, p + n));
    p += n;
  }
  if (parts.length && /^h[0-9a-f]{16}$/.test(parts[parts.length - 1])) parts.pop();
  return parts.map((x) => x
    .replace(/\$([A-Z]{1,2})\$/g, (all, c) => RUST_ESCAPES[c] || all)
    .replace(/\$u([0-9a-f]{2})\$/g, (_, h) => String.fromCharCode(parseInt(h, 16)))
    .replace(/\.\./g, '::')
    .replace(/^_\$/, '$')).join('::');
}

// ---- Rust v0: paths (crate roots, nested names, impls), generic args dropped ----
function rustV0(s) {
  let p = 2;
  if (s[p] >= '0' && s[p] <= '9') return null; // encoding version: only 0 (implicit)
  const base62 = () => {
    if (s[p] === '_') { p++; return 0; }
    let n = 0;
    while (p < s.length && s[p] !== '_') {
      const c = s[p++];
      const d = c >= '0' && c <= '9' ? c.charCodeAt(0) - 48
        : c >= 'a' && c <= 'z' ? c.charCodeAt(0) - 87 : c >= 'A' && c <= 'Z' ? c.charCodeAt(0) - 29 : -1;
      if (d < 0) throw new Error('bad base62');
      n = n * 62 + d;
    }
    p++;
    return n + 1;
  };
  const disambiguator = () => { if (s[p] === 's') { p++; base62(); } };
  const ident = () => {
    disambiguator();
    let punycode = false;
    if (s[p] === 'u') { punycode = true; p++; }
    const m = /^\d+/.exec(s.slice(p));
    if (!m) throw new Error('bad ident');
    p += m[0].length;
    if (s[p] === '_') p++;
    const id = s.slice(p, p + Number(m[0]));
    p += Number(m[0]);
    return punycode ? id : id;
  };
  let depth = 0;
  const path = () => {
    if (++depth > 64) throw new Error('too deep');
    const tag = s[p++];
    switch (tag) {
      case 'C': return ident();
      case 'N': {
        const ns = s[p++];
        const parent = path();
        const id = ident();
        if (ns === 'C') return `${parent}::{closure${id ? `:${id}` : ''}}`;
        if (ns === 'S') return `${parent}::{shim${id ? `:${id}` : ''}}`;
        return id ? `${parent}::${id}` : parent;
      }
      case 'M': { disambiguator(); path(); return `<${type()}>`; }
      case 'X': { disambiguator(); path(); const t = type(); const tr = path(); return `<${t} as ${tr}>`; }
      case 'Y': { const t = type(); const tr = path(); return `<${t} as ${tr}>`; }
      case 'I': { const inner = path(); while (s[p] !== 'E') genericArg(); p++; return inner; }
      case 'B': { const back = base62(); const save = p; p = back; const r = path(); p = save; return r; }
      default: throw new Error('unsupported path');
    }
  };
  const genericArg = () => {
    if (s[p] === 'L') { p++; base62(); return; }
    if (s[p] === 'K') { p++; constant(); return; }
    type();
  };
  const constant = () => {
    if (s[p] === 'p') { p++; return; }
    if (s[p] === 'B') { p++; base62(); return; }
    type();
    if (s[p] === 'n') p++;
    while (p < s.length && s[p] !== '_') p++;
    p++;
  };
  const BASIC = { a: 'i8', b: 'bool', c: 'char', d: 'f64', e: 'str', f: 'f32', h: 'u8', i: 'isize',
    j: 'usize', l: 'i32', m: 'u32', n: 'i128', o: 'u128', s: 'i16', t: 'u16', u: '()', v: '...',
    x: 'i64', y: 'u64', z: '!', p: '_' };
  const type = () => {
    const c = s[p];
    if (BASIC[c]) { p++; return BASIC[c]; }
    if (c === 'R' || c === 'Q') { p++; if (s[p] === 'L') { p++; base62(); } return `&${c === 'Q' ? 'mut ' : ''}${type()}`; }
    if (c === 'P' || c === 'O') { p++; return `*${c === 'O' ? 'mut' : 'const'} ${type()}`; }
    if (c === 'A') { p++; const t = type(); constant(); return `[${t}; _]`; }
    if (c === 'S') { p++; return `[${type()}]`; }
    if (c === 'T') { p++; const ts = []; while (s[p] !== 'E') ts.push(type()); p++; return `(${ts.join(', ')})`; }
    if (c === 'B') { p++; const back = base62(); const save = p; p = back; const r = type(); p = save; return r; }
    return path();
  };
  return path();
}

// ---- C++ Itanium (a subset) ----
const BUILTIN = { v: 'void', w: 'wchar_t', b: 'bool', c: 'char', a: 'signed char', h: 'unsigned char',
  s: 'short', t: 'unsigned short', i: 'int', j: 'unsigned int', l: 'long', m: 'unsigned long',
  x: 'long long', y: 'unsigned long long', n: '__int128', o: 'unsigned __int128', f: 'float',
  d: 'double', e: 'long double', g: '__float128', z: '...' };
const OPERATORS = { nw: 'new', na: 'new[]', dl: 'delete', da: 'delete[]', ps: '+', ng: '-', ad: '&',
  de: '*', co: '~', pl: '+', mi: '-', ml: '*', dv: '/', rm: '%', an: '&', or: '|', eo: '^', aS: '=',
  pL: '+=', mI: '-=', mL: '*=', dV: '/=', rM: '%=', aN: '&=', oR: '|=', eO: '^=', ls: '<<', rs: '>>',
  lS: '<<=', rS: '>>=', eq: '==', ne: '!=', lt: '<', gt: '>', le: '<=', ge: '>=', ss: '<=>', nt: '!',
  aa: '&&', oo: '||', pp: '++', mm: '--', cm: ',', pm: '->*', pt: '->', cl: '()', ix: '[]' };
const STD_SUBS = { St: 'std', Sa: 'std::allocator', Sb: 'std::basic_string', Ss: 'std::string',
  Si: 'std::istream', So: 'std::ostream', Sd: 'std::iostream' };

function itanium(s) {
  let p = 2;
  const subs = [];
  let depth = 0;
  const num = () => {
    const m = /^\d+/.exec(s.slice(p));
    if (!m) throw new Error('number');
    p += m[0].length;
    return Number(m[0]);
  };
  const sourceName = () => { const n = num(); const id = s.slice(p, p + n); p += n; return id; };
  const seqId = () => {
    if (s[p] === '_') { p++; return 0; }
    let n = 0;
    while (s[p] !== '_') {
      const c = s[p++];
      const d = c >= '0' && c <= '9' ? c.charCodeAt(0) - 48 : c >= 'A' && c <= 'Z' ? c.charCodeAt(0) - 55 : -1;
      if (d < 0) throw new Error('seq');
      n = n * 36 + d;
    }
    p++;
    return n + 1;
  };
  const substitution = () => {
    const two = s.slice(p, p + 2);
    if (STD_SUBS[two]) { p += 2; return STD_SUBS[two]; }
    p++; // S
    const i = seqId();
    if (i >= subs.length) throw new Error('sub');
    return subs[i];
  };
  const templateArgs = () => {
    p++; // I
    const args = [];
    while (s[p] !== 'E') {
      if (s[p] === 'L') {
        p++;
        const t = type();
        const neg = s[p] === 'n' ? (p++, '-') : '';
        const v = num();
        p++; // E
        args.push(t === 'bool' ? (v ? 'true' : 'false') : `${neg}${v}`);
      } else {
        args.push(type());
      }
    }
    p++;
    const inner = args.join(', ');
    return `<${inner}${inner.endsWith('>') ? ' ' : ''}>`;
  };
  let lastName = '';
  const unqualified = () => {
    const c = s[p];
    if (c >= '0' && c <= '9') return (lastName = sourceName());
    if (c === 'C' && /[1-5]/.test(s[p + 1])) { p += 2; return lastName; }
    if (c === 'D' && /[0-5]/.test(s[p + 1])) { p += 2; return `~${lastName}`; }
    const op = OPERATORS[s.slice(p, p + 2)];
    if (op) { p += 2; return `operator${/^[a-z]/.test(op) ? ' ' : ''}${op}`; }
    if (c === 'c' && s[p + 1] === 'v') { p += 2; return `operator ${type()}`; }
    throw new Error('unqualified');
  };
  const nested = () => {
    p++; // N
    let cv = '';
    while ('rVK'.includes(s[p])) { cv += s[p] === 'K' ? ' const' : s[p] === 'V' ? ' volatile' : ''; p++; }
    if (s[p] === 'R' || s[p] === 'O') p++;
    let name = '';
    while (s[p] !== 'E') {
      if (s[p] === 'S') { name = substitution(); continue; }
      if (s[p] === 'I') { name += templateArgs(); subs.push(name); continue; }
      const part = unqualified();
      name = name ? `${name}::${part}` : part;
      if (s[p] !== 'E') subs.push(name);
    }
    p++;
    return { name, cv };
  };
  const name = () => {
    if (s[p] === 'N') return nested();
    if (s[p] === 'S' && s[p + 1] === 't') {
      p += 2;
      const n = `std::${unqualified()}`;
      if (s[p] === 'I') { subs.push(n); return { name: n + templateArgs(), cv: '' }; }
      return { name: n, cv: '' };
    }
    if (s[p] === 'Z') throw new Error('local name');
    let n = unqualified();
    if (s[p] === 'I') { subs.push(n); n += templateArgs(); }
    return { name: n, cv: '' };
  };
  const type = () => {
    if (++depth > 256) throw new Error('deep');
    try {
      const c = s[p];
      if (BUILTIN[c]) { p++; return BUILTIN[c]; }
      let t;
      if (c === 'P') { p++; t = `${type()}*`; } else if (c === 'R') { p++; t = `${type()}&`; } else if (c === 'O') { p++; t = `${type()}&&`; } else if (c === 'K') { p++; t = `${type()} const`; } else if (c === 'V') { p++; t = `${type()} volatile`; } else if (c === 'S' && s[p + 1] !== 't') {
        t = substitution();
        if (s[p] === 'I') t += templateArgs(); else return t;
      } else if (c === 'N' || /\d/.test(c) || (c === 'S' && s[p + 1] === 't')) {
        t = name().name;
      } else {
        throw new Error('type');
      }
      subs.push(t);
      return t;
    } finally {
      depth--;
    }
  };
  const top = name();
  if (p >= s.length || s[p] === '.') return top.name;
  const params = [];
  // template functions encode their return type first
  if (top.name.endsWith('>')) type();
  while (p < s.length && s[p] !== '.') params.push(type());
  const list = params.length === 1 && params[0] === 'void' ? '' : params.join(', ');
  return `${top.name}(${list})${top.cv}`;
}

module.exports = { demangle };
