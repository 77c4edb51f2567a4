'use strict';
// v128 as a value (locals, globals, params, results, blocks, select,
// indirect calls), the JS boundary (TypeError as in V8), validation of lane
// immediates, and relaxed SIMD's fixed choices (README, simd_ops.h).
const t = require('tap');
const wabt = require('wabt');
const wasihost = require('../..');

let w;
const FEATURES = { simd: true, relaxed_simd: true };
async function build(wat) {
  w = w || await wabt();
  return Buffer.from(w.parseWat('t.wat', wat, FEATURES).toBinary({}).buffer);
}
async function instance(wat, imports = {}) {
  return new wasihost.Instance(new wasihost.Module(await build(wat)), imports).exports;
}

t.test('v128 values move through locals, globals, calls, blocks and select', async (t) => {
  const ex = await instance(`(module
    (memory (export "mem") 1)
    (type $vv (func (param v128) (result v128)))
    (table 2 funcref) (elem (i32.const 0) $twice $neg)
    (global $g (mut v128) (v128.const i32x4 1 2 3 4))
    (global $k v128 (v128.const i64x2 -1 0x0102030405060708))
    (func $twice (type $vv) (i32x4.add (local.get 0) (local.get 0)))
    (func $neg (type $vv) (i32x4.neg (local.get 0)))
    (func $pair (param v128 v128) (result v128 v128) (local.get 1) (local.get 0))
    (func (export "run") (param $which i32)
      (local $v v128) (local $zero v128)
      ;; a fresh local is all zero, all 16 bytes
      (v128.store (i32.const 0) (local.get $zero))
      (local.set $v (call_indirect (type $vv) (global.get $g) (local.get $which)))
      (global.set $g (local.get $v))
      (v128.store (i32.const 16) (global.get $g))
      (v128.store (i32.const 32)
        (block (result v128)
          (select (result v128) (local.get $v) (global.get $k) (local.get $which))))
      i32.const 48
      (call $pair (global.get $k) (local.get $v))
      (loop (param v128 v128) (result v128) (drop))
      v128.store
      (v128.store (i32.const 64) (select (v128.const i32x4 9 9 9 9) (local.get $v) (i32.const 0)))))`);
  const mem = () => Buffer.from(ex.mem.buffer);
  const i32s = (off) => [0, 1, 2, 3].map((i) => mem().readInt32LE(off + 4 * i));
  ex.run(0);
  t.same(i32s(0), [0, 0, 0, 0], 'v128 locals start at zero');
  t.same(i32s(16), [2, 4, 6, 8], 'call_indirect, global.set/get');
  t.same(mem().subarray(32, 48).toString('hex'), 'ffffffffffffffff0807060504030201', 'select picked the global');
  t.same(i32s(48), [2, 4, 6, 8], 'multi-value v128 results, loop params');
  t.same(i32s(64), [2, 4, 6, 8], 'untyped select of v128');
  ex.run(1);
  t.same(i32s(16), [-2, -4, -6, -8], 'the other table entry');
  t.same(i32s(32), [-2, -4, -6, -8], 'select picked the local');
});

t.test('v128 at the JS boundary is a TypeError, as in V8', async (t) => {
  const bytes = await build(`(module
    (import "m" "f" (func $f (param v128)))
    (import "m" "r" (func $r (result v128)))
    (global (export "g") (mut v128) (v128.const i64x2 0 0))
    (global $ran (export "ran") (mut i32) (i32.const 0))
    (func (export "id") (param v128) (result v128) (local.get 0))
    (func (export "make") (result v128)
      (global.set $ran (i32.add (global.get $ran) (i32.const 1))) (v128.const i64x2 1 2))
    (func (export "pair") (param i32) (result i32 v128)
      (global.set $ran (i32.add (global.get $ran) (i32.const 10))) (local.get 0) (v128.const i64x2 1 2))
    (func (export "callf") (call $f (v128.const i64x2 0 0)))
    (func (export "callr") (drop (call $r))))`);
  for (const api of [WebAssembly, wasihost]) {
    let called = 0;
    const imports = { m: { f: () => { called++; }, r: () => { called++; return 0; } } };
    const ex = new api.Instance(new api.Module(bytes), imports).exports;
    const who = api === WebAssembly ? 'V8' : 'wasihost';
    t.throws(() => ex.id(0n), TypeError, `${who}: v128 parameter`);
    t.throws(() => ex.make(), TypeError, `${who}: v128 result`);
    t.throws(() => ex.pair(1), TypeError, `${who}: a v128 among the results`);
    t.equal(ex.ran.value, 0, `${who}: a function with a v128 result is refused before it runs`);
    t.throws(() => ex.g.value, TypeError, `${who}: v128 global get`);
    t.throws(() => { ex.g.value = 1; }, TypeError, `${who}: v128 global set`);
    t.throws(() => ex.callf(), TypeError, `${who}: wasm calling a JS import with a v128 parameter`);
    t.throws(() => ex.callr(), TypeError, `${who}: wasm calling a JS import with a v128 result`);
    t.equal(called, 0, `${who}: the imports never ran`);
  }
  // an async call is refused the same way, before it runs
  const inst = new wasihost.Instance(new wasihost.Module(bytes), { m: { f() {}, r() { return 0; } } });
  await t.rejects(Promise.resolve().then(() => inst.callAsync('make')), TypeError, 'callAsync: v128 result');
  t.equal(inst.exports.ran.value, 0, 'wasihost: callAsync of a function with a v128 result does not run it');
  t.throws(() => new wasihost.Global({ value: 'v128' }, 0), TypeError);
});

t.test('SIMD validation', async (t) => {
  const invalid = {
    'invalid lane index': '(func (result i32) (i32x4.extract_lane 4 (v128.const i64x2 0 0)))',
    'type mismatch': '(func (result i32) (i32x4.add (v128.const i64x2 0 0) (i32.const 0)))',
    'alignment must not be larger than natural': '(memory 1) (func (result v128) (v128.load32_splat align=8 (i32.const 0)))',
    'unknown memory': '(func (result v128) (v128.load (i32.const 0)))',
  };
  for (const [msg, body] of Object.entries(invalid)) {
    const bytes = await build(`(module ${body})`); // wabt writes it unvalidated
    t.throws(() => new wasihost.Module(bytes), { name: 'CompileError', message: new RegExp(msg) }, msg);
  }
  // a shuffle lane index >= 32 (wabt refuses to write one: patch the byte)
  const ok = await build('(module (func (result v128) (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 31 (v128.const i64x2 0 0) (v128.const i64x2 0 0))))');
  const bad = Buffer.from(ok);
  const at = bad.indexOf(Buffer.from([0xfd, 0x0d, 0, 1, 2, 3]));
  t.ok(at > 0, 'found the shuffle');
  bad[at + 2 + 15] = 32;
  new wasihost.Module(ok);
  t.throws(() => new wasihost.Module(bad), { name: 'CompileError', message: /invalid lane index/ });
  t.ok(wasihost.validate(ok) && !wasihost.validate(bad));
});

t.test('relaxed SIMD gives its documented fixed choice', async (t) => {
  const ex = await instance(`(module (memory (export "mem") 1)
    (func (export "run")
      (v128.store (i32.const 0) (i8x16.relaxed_swizzle (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15)
        (v128.const i8x16 15 16 17 0x80 0xff 1 2 3 4 5 6 7 8 9 10 11)))
      (v128.store (i32.const 16) (i32x4.relaxed_trunc_f32x4_s (v128.const f32x4 nan 3e9 -3e9 -1.5)))
      (v128.store (i32.const 32) (i32x4.relaxed_trunc_f32x4_u (v128.const f32x4 nan 5e9 -1 2.5)))
      (v128.store (i32.const 48) (i32x4.relaxed_trunc_f64x2_s_zero (v128.const f64x2 nan -1e10)))
      ;; (1 + 2^-23)(1 - 2^-23) - 1 = -2^-46 fused; 0 with two roundings
      (v128.store (i32.const 64) (f32x4.relaxed_madd (v128.const f32x4 0x1.000002p+0 0 0 0)
        (v128.const f32x4 0x1.fffffcp-1 0 0 0) (v128.const f32x4 -1 0 0 0)))
      (v128.store (i32.const 80) (f64x2.relaxed_nmadd (v128.const f64x2 0x1.0000000000001p+0 0)
        (v128.const f64x2 0x1.ffffffffffffep-1 0) (v128.const f64x2 1 0)))
      (v128.store (i32.const 96) (i32x4.relaxed_laneselect (v128.const i32x4 -1 -1 -1 -1)
        (v128.const i32x4 0 0 0 0) (v128.const i32x4 0x0000ffff 0x80000000 0 -1)))
      (v128.store (i32.const 112) (f32x4.relaxed_min (v128.const f32x4 nan 0 -0 1) (v128.const f32x4 1 -0 0 nan)))
      (v128.store (i32.const 128) (i16x8.relaxed_q15mulr_s (v128.const i16x8 -32768 16384 0 0 0 0 0 0)
        (v128.const i16x8 -32768 16384 0 0 0 0 0 0)))
      (v128.store (i32.const 144) (i16x8.relaxed_dot_i8x16_i7x16_s (v128.const i8x16 -128 -128 2 3 0 0 0 0 0 0 0 0 0 0 0 0)
        (v128.const i8x16 -128 -128 0x80 5 0 0 0 0 0 0 0 0 0 0 0 0)))
      (v128.store (i32.const 160) (i32x4.relaxed_dot_i8x16_i7x16_add_s
        (v128.const i8x16 1 2 3 4 -1 -1 -1 -1 0 0 0 0 0 0 0 0)
        (v128.const i8x16 1 1 1 0x80 127 127 127 127 0 0 0 0 0 0 0 0)
        (v128.const i32x4 10 20 30 40)))))`);
  ex.run();
  const m = Buffer.from(ex.mem.buffer);
  const i32 = (o) => [0, 1, 2, 3].map((i) => m.readInt32LE(o + 4 * i));
  t.same([...m.subarray(0, 16)], [15, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 'relaxed_swizzle: index >= 16 gives 0');
  t.same(i32(16), [0, 2147483647, -2147483648, -1], 'relaxed_trunc_s saturates, NaN -> 0');
  t.same(i32(32).map((x) => x >>> 0), [0, 4294967295, 0, 2], 'relaxed_trunc_u saturates, NaN -> 0');
  t.same(i32(48), [0, -2147483648, 0, 0], 'relaxed_trunc_f64x2_s_zero');
  t.equal(m.readFloatLE(64), -(2 ** -46), 'relaxed_madd is fused (one rounding)');
  t.equal(m.readDoubleLE(80), 2 ** -104, 'relaxed_nmadd is fused');
  t.same(i32(96).map((x) => x >>> 0), [0x0000ffff, 0x80000000, 0, 0xffffffff], 'relaxed_laneselect selects bit by bit');
  t.ok(Number.isNaN(m.readFloatLE(112)), 'relaxed_min: NaN in, NaN out');
  t.ok(Object.is(m.readFloatLE(116), -0) && Object.is(m.readFloatLE(120), -0), 'relaxed_min: -0 < +0');
  t.ok(Number.isNaN(m.readFloatLE(124)), 'relaxed_min: NaN second operand');
  t.same([m.readInt16LE(128), m.readInt16LE(130)], [32767, 8192], 'relaxed_q15mulr_s saturates');
  t.same([m.readInt16LE(144), m.readInt16LE(146)], [-32768, -256 + 15], 'relaxed_dot: b signed, the i16 sum wraps');
  t.same(i32(160), [10 + 1 + 2 + 3 - 512, 20 - 508, 30, 40], 'relaxed_dot_add: b signed');
});
