'use strict';
// Rewrites a WASI command module so that any runtime can time a region of
// it.  Peers (wasmi, wazero, wasm3, WAMR, node:wasi) know nothing of
// Sightglass's `bench.start`/`bench.end` imports, so those imports are
// replaced by two functions defined in the module itself.  Each one:
//   1. reads CLOCK_PROCESS_CPUTIME_ID with WASI clock_time_get (all ones when
//      the runtime refuses that clock: wazero and wasmi do);
//   2. writes one line "#wh-bench:s XXXXXXXXXXXXXXXX\n" (s = start, e = end,
//      the clock in hex) to stderr with fd_write;
//   3. blocks in fd_read of one byte from stdin.
// The harness, reading the child's stderr, sees the line while the child is
// blocked, samples the child's CPU time from /proc, then writes the byte
// that lets the guest go on: the region's CPU time is measured the same way
// on every runtime, whatever clocks its WASI offers.  The functions borrow
// the top 64 bytes of linear memory and put them back before returning.
//
// `markEntry` does the same for a program without bench imports (CoreMark):
// a call to the start/end marker is put at the entry of the functions named
// (name section) by it, e.g. { start_time: 'start', stop_time: 'end' }.
//
// Every instruction is walked (the function index space changes: imports are
// removed and added), so the module must use only opcodes known here: the
// 2.0 set, SIMD (0xFD) and tail calls.  Custom sections (names, DWARF) are
// dropped: their offsets would be stale.

const MARK_PREFIX = '#wh-bench:';
const MARK_RE = /#wh-bench:([se]) ([0-9a-f]{16})\n/g;

class Reader {
  constructor(buf, pos = 0, end = buf.length) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  byte() {
    if (this.pos >= this.end) throw new Error('unexpected end of module');
    return this.buf[this.pos++];
  }

  u32() {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return result;
      shift += 7;
      if (shift > 63) throw new Error('LEB128 too long');
    }
  }

  // Skips a signed LEB128 of any width (s32, s33, s64).
  skipLeb() {
    let n = 0;
    while (this.byte() & 0x80) if (++n > 10) throw new Error('LEB128 too long');
  }

  bytes(n) {
    if (this.pos + n > this.end) throw new Error('unexpected end of module');
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  name() {
    return Buffer.from(this.bytes(this.u32())).toString('utf8');
  }
}

function uleb(n) {
  const out = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

function sleb(n) {
  const out = [];
  let v = BigInt(n);
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && !(b & 0x40)) || (v === -1n && (b & 0x40))) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

// push(...a) overflows the stack on large arrays.
function append(dst, src) {
  for (let i = 0; i < src.length; i++) dst.push(src[i]);
}

const nameBytes = (s) => [...uleb(Buffer.byteLength(s)), ...Buffer.from(s)];
const section = (id, body) => Buffer.concat([Buffer.from([id, ...uleb(body.length)]), Buffer.from(body)]);

// Copies one instruction sequence (a function body after its locals, or a
// constant expression) up to its final `end`, mapping function indices.
function copyCode(r, out, mapFunc, info = {}) {
  let depth = 0;
  const copy = (from) => {
    for (let i = from; i < r.pos; i++) out.push(r.buf[i]);
  };
  const memarg = () => {
    const align = r.u32();
    if (align & 0x40) r.u32();
    r.u32();
  };
  for (;;) {
    const start = r.pos;
    const op = r.byte();
    switch (op) {
      case 0x02: case 0x03: case 0x04: {
        const b = r.buf[r.pos];
        if (b === 0x40 || (b >= 0x6f && b <= 0x7f)) r.pos++;
        else r.skipLeb();
        depth++;
        break;
      }
      case 0x0b:
        out.push(op);
        if (depth === 0) return;
        depth--;
        continue;
      case 0x0c: case 0x0d: r.u32(); break;
      case 0x0e: { const n = r.u32(); for (let i = 0; i <= n; i++) r.u32(); break; }
      case 0x10: case 0x12: case 0xd2:
        out.push(op, ...uleb(mapFunc(r.u32())));
        continue;
      case 0x11: case 0x13: r.u32(); r.u32(); break;
      case 0x1c: { const n = r.u32(); r.bytes(n); break; }
      case 0x20: case 0x21: case 0x22: case 0x23: case 0x24: case 0x25: case 0x26: r.u32(); break;
      case 0x3f: case 0x40: r.u32(); break;
      case 0x41: case 0x42: r.skipLeb(); break;
      case 0x43: r.bytes(4); break;
      case 0x44: r.bytes(8); break;
      case 0xd0: {
        const b = r.buf[r.pos];
        if (b >= 0x6a && b <= 0x74) r.pos++;
        else r.skipLeb();
        break;
      }
      case 0xfc: {
        const sub = r.u32();
        if (sub <= 7) break;
        if (sub === 8 || sub === 10 || sub === 12 || sub === 14) { r.u32(); r.u32(); break; }
        if (sub === 9 || sub === 11 || sub === 13 || (sub >= 15 && sub <= 17)) { r.u32(); break; }
        throw new Error(`unknown opcode 0xfc ${sub}`);
      }
      case 0xfd: {
        info.simd = true;
        const sub = r.u32();
        if (sub <= 11 || sub === 92 || sub === 93) memarg();
        else if (sub === 12 || sub === 13) r.bytes(16);
        else if (sub >= 21 && sub <= 34) r.byte();
        else if (sub >= 84 && sub <= 91) { memarg(); r.byte(); }
        break;
      }
      default:
        if (op >= 0x28 && op <= 0x3e) { memarg(); break; }
        if (op === 0x06 || op === 0x07 || op === 0x08 || op === 0x09 || op === 0x0a || op === 0x18 || op === 0x19 || op === 0x1f || op === 0xfb || op === 0xfe) {
          throw new Error(`opcode 0x${op.toString(16)} is not supported by the bench rewriter`);
        }
    }
    copy(start);
  }
}

function funcType(params, results) {
  return [0x60, ...uleb(params.length), ...params, ...uleb(results.length), ...results];
}

const I32 = 0x7f;
const I64 = 0x7e;

// The marker function's body (see the top of the file).  Locals: 0-7 the
// saved i64s, 8 the clock value, 9 the scratch base, 10 the loop counter,
// 11 a nibble.
function markerBody(tag, fn) {
  const c = [];
  const op = (...b) => c.push(...b);
  const i32c = (n) => op(0x41, ...sleb(n));
  const get = (l) => op(0x20, l);
  const set = (l) => op(0x21, l);
  const base = () => get(9);
  op(0x3f, 0x00, ...[0x41, 16], 0x74, ...[0x41, ...sleb(64)], 0x6b);
  set(9);
  for (let k = 0; k < 8; k++) { base(); op(0x29, 3, ...uleb(8 * k)); set(k); }
  i32c(2); op(0x42, 0); base(); i32c(8); op(0x6a, 0x10, ...uleb(fn.clock));
  op(0x04, 0x40); base(); op(0x42, ...sleb(-1), 0x37, 3, 8); op(0x0b);
  base(); op(0x29, 3, 8); set(8);
  const text = Buffer.from(`${MARK_PREFIX}${tag} `);
  base(); op(0x42, ...sleb(text.readBigInt64LE(0)), 0x37, 3, 24);
  base(); op(0x41, ...sleb(text.readInt32LE(8)), 0x36, 2, 32);
  i32c(0); set(10);
  op(0x03, 0x40);
  get(8); op(0x42, 60); get(10); op(0xad, 0x42, 2, 0x86, 0x7d, 0x88, 0xa7); i32c(15); op(0x71); set(11);
  base(); get(10); op(0x6a);
  get(11); i32c(48); i32c(87); get(11); i32c(10); op(0x49, 0x1b, 0x6a);
  op(0x3a, 0, 36);
  get(10); i32c(1); op(0x6a, 0x22, 10); i32c(16); op(0x49, 0x0d, 0);
  op(0x0b);
  base(); i32c(10); op(0x3a, 0, 52);
  const call4 = (fd, bufOff, len, func) => {
    base(); base(); i32c(bufOff); op(0x6a, 0x36, 2, 0);
    base(); i32c(len); op(0x36, 2, 4);
    i32c(fd); base(); i32c(1); base(); i32c(56); op(0x6a, 0x10, ...uleb(func), 0x1a);
  };
  call4(2, 24, 29, fn.fdWrite);
  call4(0, 60, 1, fn.fdRead);
  for (let k = 0; k < 8; k++) { base(); get(k); op(0x37, 3, ...uleb(8 * k)); }
  op(0x0b);
  const locals = [2, 9, I64, 3, I32];
  return [...uleb(locals.length + c.length), ...locals, ...c];
}

// Returns { wasm: Buffer, markers: bool, simd: bool, entries: [...] }.
// markers is false when the module has neither bench imports nor any
// function named in markEntry: it is returned unchanged.
function rewrite(bytes, { markEntry = {} } = {}) {
  const buf = Buffer.from(bytes);
  if (buf.readUInt32LE(0) !== 0x6d736100 || buf.readUInt32LE(4) !== 1) throw new Error('not a WebAssembly 1.0 binary module');
  const sections = [];
  const r = new Reader(buf, 8);
  while (r.pos < buf.length) {
    const id = r.byte();
    const size = r.u32();
    const start = r.pos;
    r.bytes(size);
    let name = null;
    if (id === 0) name = new Reader(buf, start, start + size).name();
    sections.push({ id, start, end: start + size, name });
  }
  const find = (id) => sections.find((s) => s.id === id);

  // Types: keep the bytes; count them and find the ones we need.
  const typeSec = find(1);
  const types = [];
  if (typeSec) {
    const t = new Reader(buf, typeSec.start, typeSec.end);
    const n = t.u32();
    for (let i = 0; i < n; i++) {
      const s = t.pos;
      if (t.byte() !== 0x60) throw new Error('only function types are supported by the bench rewriter');
      t.bytes(t.u32());
      t.bytes(t.u32());
      types.push(Buffer.from(buf.subarray(s, t.pos)).toString('hex'));
    }
  }
  const typeIndex = (params, results) => {
    const hex = Buffer.from(funcType(params, results)).toString('hex');
    let i = types.indexOf(hex);
    if (i < 0) { types.push(hex); i = types.length - 1; }
    return i;
  };

  // Imports.
  const impSec = find(2);
  const imports = [];
  if (impSec) {
    const t = new Reader(buf, impSec.start, impSec.end);
    const n = t.u32();
    for (let i = 0; i < n; i++) {
      const s = t.pos;
      const mod = t.name();
      const field = t.name();
      const kind = t.byte();
      let type = null;
      if (kind === 0) type = t.u32();
      else if (kind === 1) { t.byte(); const f = t.byte(); t.u32(); if (f & 1) t.u32(); }
      else if (kind === 2) { const f = t.byte(); t.u32(); if (f & 1) t.u32(); }
      else if (kind === 3) { t.byte(); t.byte(); }
      else throw new Error(`import kind ${kind} is not supported by the bench rewriter`);
      imports.push({ mod, field, kind, type, raw: buf.subarray(s, t.pos) });
    }
  }
  const funcImports = imports.filter((i) => i.kind === 0);
  const nImported = funcImports.length;

  // Function names (for markEntry).
  const names = new Map();
  const nameSec = sections.find((s) => s.id === 0 && s.name === 'name');
  if (nameSec) {
    const t = new Reader(buf, nameSec.start, nameSec.end);
    t.name();
    while (t.pos < t.end) {
      const sub = t.byte();
      const size = t.u32();
      const end = t.pos + size;
      if (sub === 1) {
        const n = t.u32();
        for (let i = 0; i < n; i++) {
          const idx = t.u32();
          names.set(t.name(), idx);
        }
      }
      t.pos = end;
    }
  }
  const entries = {};
  for (const [fname, tag] of Object.entries(markEntry)) {
    if (!names.has(fname)) continue;
    const idx = names.get(fname);
    if (idx < nImported) throw new Error(`${fname} is an import`);
    entries[idx] = tag;
  }

  const oldStart = funcImports.findIndex((i) => i.mod === 'bench' && i.field === 'start');
  const oldEnd = funcImports.findIndex((i) => i.mod === 'bench' && i.field === 'end');
  const funcSec = find(3);
  const codeSec = find(10);
  const simd = codeSec ? hasSimd(buf, codeSec) : false;
  if (oldStart < 0 && oldEnd < 0 && !Object.keys(entries).length) return { wasm: buf, markers: false, simd };

  if (!find(5) && !imports.some((i) => i.kind === 2)) throw new Error('module has no memory for the markers to borrow');

  // The new import list: bench.* removed, the WASI calls we need added when absent.
  const kept = imports.filter((i) => !(i.kind === 0 && i.mod === 'bench' && (i.field === 'start' || i.field === 'end')));
  const keptFuncs = kept.filter((i) => i.kind === 0);
  const need = {
    clock: ['clock_time_get', [I32, I64, I32], [I32]],
    fdWrite: ['fd_write', [I32, I32, I32, I32], [I32]],
    fdRead: ['fd_read', [I32, I32, I32, I32], [I32]],
  };
  const fn = {};
  const added = [];
  for (const [key, [field, params, results]] of Object.entries(need)) {
    const ti = typeIndex(params, results);
    const at = keptFuncs.findIndex((i) => i.mod === 'wasi_snapshot_preview1' && i.field === field);
    if (at >= 0) {
      if (types[keptFuncs[at].type] !== types[ti]) throw new Error(`${field} is imported with an unexpected type`);
      fn[key] = at;
    } else {
      fn[key] = keptFuncs.length + added.length;
      added.push({ raw: Buffer.from([...nameBytes('wasi_snapshot_preview1'), ...nameBytes(field), 0, ...uleb(ti)]) });
    }
  }
  const newImported = keptFuncs.length + added.length;
  const nDefined = funcSec ? new Reader(buf, funcSec.start, funcSec.end).u32() : 0;
  fn.markStart = newImported + nDefined;
  fn.markEnd = fn.markStart + 1;
  const oldToNew = [];
  {
    let k = 0;
    for (let i = 0; i < nImported; i++) {
      if (i === oldStart) oldToNew.push(fn.markStart);
      else if (i === oldEnd) oldToNew.push(fn.markEnd);
      else oldToNew.push(k++);
    }
  }
  const mapFunc = (i) => {
    if (i < nImported) return oldToNew[i];
    if (i - nImported >= nDefined) throw new Error(`function index ${i} out of range`);
    return i - nImported + newImported;
  };
  const voidType = typeIndex([], []);

  const out = [buf.subarray(0, 8)];
  const emit = (id, body) => out.push(section(id, body));
  for (const s of sections) {
    const t = new Reader(buf, s.start, s.end);
    if (s.id === 0) continue;
    if (s.id === 1) {
      const body = [...uleb(types.length)];
      for (const h of types) body.push(...Buffer.from(h, 'hex'));
      emit(1, body);
    } else if (s.id === 2) {
      const all = [...kept, ...added];
      const body = [...uleb(all.length)];
      for (const i of all) append(body, i.raw);
      emit(2, body);
    } else if (s.id === 3) {
      const n = t.u32();
      const rest = buf.subarray(t.pos, s.end);
      const body = [...uleb(n + 2)];
      append(body, rest);
      emit(3, [...body, ...uleb(voidType), ...uleb(voidType)]);
    } else if (s.id === 6) {
      const body = [];
      const n = t.u32();
      body.push(...uleb(n));
      for (let i = 0; i < n; i++) {
        body.push(t.byte(), t.byte());
        copyCode(t, body, mapFunc);
      }
      emit(6, body);
    } else if (s.id === 7) {
      const body = [];
      const n = t.u32();
      body.push(...uleb(n));
      for (let i = 0; i < n; i++) {
        body.push(...nameBytes(t.name()));
        const kind = t.byte();
        const idx = t.u32();
        body.push(kind, ...uleb(kind === 0 ? mapFunc(idx) : idx));
      }
      emit(7, body);
    } else if (s.id === 8) {
      emit(8, uleb(mapFunc(t.u32())));
    } else if (s.id === 9) {
      emit(9, copyElems(t, mapFunc));
    } else if (s.id === 10) {
      const n = t.u32();
      const body = [...uleb(n + 2)];
      for (let i = 0; i < n; i++) {
        const size = t.u32();
        const end = t.pos + size;
        const f = [];
        const nl = t.u32();
        f.push(...uleb(nl));
        for (let j = 0; j < nl; j++) { f.push(...uleb(t.u32())); f.push(t.byte()); }
        const tag = entries[nImported + i];
        if (tag) f.push(0x10, ...uleb(tag === 'start' ? fn.markStart : fn.markEnd));
        copyCode(t, f, mapFunc);
        if (t.pos !== end) throw new Error(`function ${i}: body size mismatch`);
        body.push(...uleb(f.length));
        append(body, f);
      }
      append(body, markerBody('s', fn));
      append(body, markerBody('e', fn));
      emit(10, body);
    } else {
      out.push(section(s.id, buf.subarray(s.start, s.end)));
    }
  }
  if (!typeSec) throw new Error('module has no type section');
  return { wasm: Buffer.concat(out.map((b) => Buffer.from(b))), markers: true, simd, entries: Object.values(entries) };
}

function copyElems(t, mapFunc) {
  const body = [];
  const n = t.u32();
  body.push(...uleb(n));
  const funcs = () => {
    const k = t.u32();
    body.push(...uleb(k));
    for (let j = 0; j < k; j++) body.push(...uleb(mapFunc(t.u32())));
  };
  const exprs = () => {
    const k = t.u32();
    body.push(...uleb(k));
    for (let j = 0; j < k; j++) copyCode(t, body, mapFunc);
  };
  for (let i = 0; i < n; i++) {
    const flags = t.u32();
    body.push(...uleb(flags));
    if (flags === 0) { copyCode(t, body, mapFunc); funcs(); }
    else if (flags === 1 || flags === 3) { body.push(t.byte()); funcs(); }
    else if (flags === 2) { body.push(...uleb(t.u32())); copyCode(t, body, mapFunc); body.push(t.byte()); funcs(); }
    else if (flags === 4) { copyCode(t, body, mapFunc); exprs(); }
    else if (flags === 5 || flags === 7) { body.push(t.byte()); exprs(); }
    else if (flags === 6) { body.push(...uleb(t.u32())); copyCode(t, body, mapFunc); body.push(t.byte()); exprs(); }
    else throw new Error(`element segment flags ${flags}`);
  }
  return body;
}

// Whether any function body uses a 0xFD (SIMD) instruction.
function hasSimd(buf, codeSec) {
  const t = new Reader(buf, codeSec.start, codeSec.end);
  const n = t.u32();
  const info = { simd: false };
  for (let i = 0; i < n && !info.simd; i++) {
    const size = t.u32();
    const end = t.pos + size;
    const nl = t.u32();
    for (let j = 0; j < nl; j++) { t.u32(); t.byte(); }
    copyCode(t, [], (x) => x, info);
    t.pos = end;
  }
  return info.simd;
}

// Splits a child's stderr into the guest's own text and the markers.
function stripMarkers(stderr) {
  const marks = [];
  const text = stderr.replace(MARK_RE, (_, tag, hex) => {
    marks.push({ tag, clock: hex === 'ffffffffffffffff' ? null : Number(BigInt(`0x${hex}`)) });
    return '';
  });
  return { text, marks };
}

module.exports = { rewrite, stripMarkers, MARK_PREFIX };
