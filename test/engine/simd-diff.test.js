'use strict';
// Differential test of every fixed-width SIMD instruction against V8: one
// exported function per instruction (and per lane for lane instructions),
// generated from the WI_V rows of src/engine/opcodes.def, so a row that is
// added is tested and a row with a wrong shape fails V8's validation here.
// Operands go in through linear memory (v128 cannot cross the JS API) and
// the result comes back through it; the bytes must be equal, except that a
// NaN lane produced by arithmetic may have any payload V8 chose (the spec
// leaves it open): there both must be NaN and ours must be quiet.
const t = require('tap');
const fs = require('fs');
const path = require('path');
const wabt = require('wabt');
const wasihost = require('../..');

const rows = [];
const def = fs.readFileSync(path.join(__dirname, '../../src/engine/opcodes.def'), 'utf8');
for (const m of def.matchAll(/^WI_V\(\s*(\w+),\s*WI_FD\(0x([0-9a-f]+)\),\s*"([^"]+)",\s*(\w+),\s*(\w+),\s*(\d+),/gm)) {
  rows.push({ sub: parseInt(m[2], 16), text: m[3], cls: m[4], t: m[5].toLowerCase(), n: Number(m[6]) });
}
const fixed = rows.filter((r) => r.sub < 0x100);

// results whose NaN lanes are made by arithmetic (payload unspecified)
const ARITH = /^f(32x4|64x2)\.(add|sub|mul|div|sqrt|min|max|ceil|floor|trunc|nearest|demote_f64x2_zero|promote_low_f32x4)$/;

function bodies(r) {
  const A = '(v128.load (i32.const 0))';
  const B = '(v128.load (i32.const 16))';
  const C = '(v128.load (i32.const 32))';
  const out = (e) => `(v128.store (i32.const 64) ${e})`;
  const lanes = (n) => [...new Set([0, 1, n - 1])];
  switch (r.cls) {
    case 'VUN': return [['', out(`(${r.text} ${A})`)]];
    case 'VBIN': return [['', out(`(${r.text} ${A} ${B})`)]];
    case 'VTERN': return [['', out(`(${r.text} ${A} ${B} ${C})`)]];
    case 'VSHIFT': return [['', out(`(${r.text} ${A} (i32.load (i32.const 48)))`)]];
    case 'VTEST': return [['', `(i32.store (i32.const 64) (${r.text} ${A}))`]];
    case 'VSPLAT': return [['', out(`(${r.text} (${r.t}.load (i32.const 48)))`)]];
    case 'VEXTRACT':
      return lanes(r.n).map((l) => [`_${l}`, `(${r.t}.store (i32.const 64) (${r.text} ${l} ${A}))`]);
    case 'VREPLACE':
      return lanes(r.n).map((l) => [`_${l}`, out(`(${r.text} ${l} ${A} (${r.t}.load (i32.const 48)))`)]);
    case 'VLOAD': return [['', out(`(${r.text} offset=3 (i32.const 97))`)]];
    case 'VSTORE': return [['', `(${r.text} offset=1 (i32.const 63) ${A})`]];
    case 'VLOADLANE':
      return lanes(r.n).map((l) => [`_${l}`, out(`(${r.text} offset=2 ${l} (i32.const 99) ${A})`)]);
    case 'VSTORELANE':
      return lanes(r.n).map((l) => [`_${l}`,
        `(v128.store (i32.const 64) (v128.const i64x2 0 0)) (${r.text} offset=3 ${l} (i32.const 61) ${A})`]);
    case 'VCONST': return [['', out('(v128.const i32x4 0x01020304 0x8000_0000 0xffff_ffff 7)')]];
    case 'VSHUFFLE':
      return [
        ['_a', out(`(${r.text} 0 17 2 19 4 21 6 23 8 25 10 27 12 29 14 31 ${A} ${B})`)],
        ['_b', out(`(${r.text} 31 30 29 28 3 3 3 3 16 0 16 0 15 15 15 15 ${A} ${B})`)],
      ];
    default: throw new Error(`unknown shape ${r.cls}`);
  }
}

// Inputs: special lane values of every lane type, then seeded random bytes.
function* inputs() {
  const f32 = [0, -0, 1, -1, 0.5, -1.5, 2.5, 3.5, -2.5, 1e30, -1e-30, Infinity, -Infinity, NaN,
    2147483647, -2147483648, 4294967296, 4294967295.5, 1.4e-45, 3.4e38];
  const f64 = [0, -0, 1, -1, 0.5, -0.5, 2.5, -3.5, 1e300, -1e-300, Infinity, -Infinity, NaN,
    2147483648, -2147483649, 4294967296, 5e-324, 9007199254740993];
  const nanBits32 = [0x7fc00000, 0xffc00000, 0x7f800001, 0xffa00001, 0x7fc12345];
  const nanBits64 = [[0, 0x7ff80000], [0, 0xfff80000], [1, 0x7ff00000], [0x1234, 0xfff40000]];
  const ints8 = [0, 1, 0x7f, 0x80, 0xff, 0x40, 0xc0, 0xfe];
  const ints16 = [0, 1, 0x7fff, 0x8000, 0xffff, 0x4000, 0xc000, 0x00ff];
  const ints32 = [0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0x0000ffff, 0x12345678];
  let seed = 0x9e3779b9;
  const rnd = () => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return seed >>> 0; };
  const buf = () => Buffer.alloc(52);
  const pick = (a, i) => a[(i * 7 + 3) % a.length];
  for (let k = 0; k < 12; k++) {
    const b = buf();
    for (let i = 0; i < 13; i++) b.writeFloatLE(pick(f32, i + k * 5), i * 4);
    if (k % 3 === 0) for (let i = 0; i < 13; i += 2) b.writeUInt32LE(pick(nanBits32, i + k), i * 4);
    yield b;
  }
  for (let k = 0; k < 12; k++) {
    const b = buf();
    for (let i = 0; i < 6; i++) b.writeDoubleLE(pick(f64, i + k * 3), i * 8);
    if (k % 3 === 1) {
      for (let i = 0; i < 6; i += 2) {
        const [lo, hi] = pick(nanBits64, i + k);
        b.writeUInt32LE(lo, i * 8);
        b.writeUInt32LE(hi, i * 8 + 4);
      }
    }
    b.writeUInt32LE(pick([0, 1, 7, 8, 15, 16, 31, 33, 63, 64, 65, 0xffffffff], k), 48);
    yield b;
  }
  for (let k = 0; k < 8; k++) {
    const b = buf();
    for (let i = 0; i < 52; i++) b[i] = pick(ints8, i + k);
    yield b;
    const c = buf();
    for (let i = 0; i < 26; i++) c.writeUInt16LE(pick(ints16, i + k), i * 2);
    yield c;
    const d = buf();
    for (let i = 0; i < 13; i++) d.writeUInt32LE(pick(ints32, i + k), i * 4);
    yield d;
  }
  for (let k = 0; k < 24; k++) {
    const b = buf();
    for (let i = 0; i < 13; i++) b.writeUInt32LE(rnd(), i * 4);
    if (k % 2) b.writeUInt32LE(rnd() % 40, 48); // shift counts around the lane widths
    yield b;
  }
}

function isNaN32(b, o) { const v = b.readUInt32LE(o); return (v & 0x7f800000) === 0x7f800000 && (v & 0x7fffff) !== 0; }
function isNaN64(b, o) {
  const hi = b.readUInt32LE(o + 4), lo = b.readUInt32LE(o);
  return (hi & 0x7ff00000) === 0x7ff00000 && ((hi & 0xfffff) !== 0 || lo !== 0);
}

// equal bytes, or (arithmetic results) NaN wherever V8 has NaN and quiet
function sameResult(r, ours, v8) {
  if (ours.equals(v8)) return true;
  if (!ARITH.test(r.text)) return false;
  const w = r.text.startsWith('f32x4') ? 4 : 8;
  const nan = w === 4 ? isNaN32 : isNaN64;
  const quiet = w === 4 ? (b, o) => (b.readUInt32LE(o) & 0x00400000) !== 0 : (b, o) => (b.readUInt32LE(o + 4) & 0x00080000) !== 0;
  for (let o = 0; o < 16; o += w) {
    if (nan(v8, o)) { if (!nan(ours, o) || !quiet(ours, o)) return false; }
    else if (!ours.subarray(o, o + w).equals(v8.subarray(o, o + w))) return false;
  }
  return true;
}

t.test('every fixed-width SIMD instruction agrees with V8', async (t) => {
  t.equal(fixed.length, 236, 'the 236 fixed-width SIMD instructions of 2.0 are rows');
  const w = await wabt();
  const funcs = [];
  const text = [];
  for (const r of fixed) {
    for (const [sfx, body] of bodies(r)) {
      const name = `${r.text}${sfx}`;
      funcs.push({ r, name });
      text.push(`(func (export "${name}") ${body})`);
    }
  }
  const wat = `(module (memory (export "mem") 1) ${text.join('\n')})`;
  const bytes = Buffer.from(w.parseWat('simd-diff.wat', wat, { simd: true }).toBinary({}).buffer);
  const v8 = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports;
  const ours = new wasihost.Instance(new wasihost.Module(bytes), {}).exports;
  const mem = (ex) => Buffer.from(ex.mem.buffer);
  let checked = 0;
  const failures = [];
  for (const input of inputs()) {
    for (const { r, name } of funcs) {
      const res = [];
      for (const ex of [v8, ours]) {
        const m = mem(ex);
        m.fill(0, 0, 256);
        input.copy(m, 0);
        for (let i = 96; i < 128; i++) m[i] = (i * 37 + input[i % 52]) & 0xff; // load sources
        ex[name]();
        res.push(Buffer.from(m.subarray(64, 80)));
      }
      checked++;
      if (!sameResult(r, res[1], res[0]) && failures.length < 20) {
        failures.push(`${name} a=${input.subarray(0, 16).toString('hex')} b=${input.subarray(16, 32).toString('hex')}` +
          ` c=${input.subarray(32, 52).toString('hex')}: v8 ${res[0].toString('hex')} ours ${res[1].toString('hex')}`);
      }
    }
  }
  t.same(failures, [], `${checked} results compared`);
});

t.test('out-of-bounds SIMD accesses trap on both', async (t) => {
  const w = await wabt();
  const cases = {
    load: '(drop (v128.load (i32.const 65521)))',
    load_offset: '(drop (v128.load offset=0xffffffff (i32.const 1)))',
    load64_splat: '(drop (v128.load64_splat (i32.const 65529)))',
    load32_zero: '(drop (v128.load32_zero (i32.const 65533)))',
    load8x8_s: '(drop (v128.load8x8_s (i32.const 65529)))',
    load16_lane: '(drop (v128.load16_lane 1 (i32.const 65535) (v128.const i64x2 0 0)))',
    store: '(v128.store (i32.const 65521) (v128.const i64x2 0 0))',
    store64_lane: '(v128.store64_lane 1 (i32.const 65529) (v128.const i64x2 0 0))',
  };
  const text = Object.entries(cases).map(([n, b]) => `(func (export "${n}") ${b})`).join('\n');
  const ok = `(func (export "edge") (v128.store (i32.const 65520) (v128.load (i32.const 65520))))`;
  const bytes = Buffer.from(w.parseWat('oob.wat', `(module (memory 1) ${text} ${ok})`, { simd: true }).toBinary({}).buffer);
  const ours = new wasihost.Instance(new wasihost.Module(bytes), {}).exports;
  const v8 = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports;
  for (const n of Object.keys(cases)) {
    t.throws(() => v8[n](), WebAssembly.RuntimeError, `V8 traps: ${n}`);
    t.throws(() => ours[n](), { name: 'RuntimeError', message: /out of bounds memory access/ }, `traps: ${n}`);
  }
  t.doesNotThrow(() => ours.edge(), 'the last 16 bytes are in bounds');
});
