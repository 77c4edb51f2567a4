'use strict';
// SIMD loads and stores on a memory other than memory 0 (3.0 multiple
// memories): one generic path (src/engine/tr_mem.c) runs the SIMD
// instruction with the interpreter's cached memory switched to that
// memory; memory 0 is untouched and bounds are the other memory's.
const t = require('tap');
const wabt = require('wabt');
const wasihost = require('../..');

const wat = `(module
  (memory $a (export "a") 1)
  (memory $b (export "b") 2)
  (func (export "ld") (param i32) (result i32) (i32x4.extract_lane 1 (v128.load $b (local.get 0))))
  (func (export "st") (param i32 i32) (v128.store $b offset=4 (local.get 0) (i32x4.splat (local.get 1))))
  (func (export "ld0") (param i32) (result i32) (i32x4.extract_lane 1 (v128.load (local.get 0))))
  (func (export "lane") (param i32) (result i32)
    (i32x4.extract_lane 2 (v128.load32_lane $b 2 (local.get 0) (v128.const i32x4 0 0 0 0))))
  (func (export "splat") (param i32) (result i32) (i8x16.extract_lane_u 15 (v128.load8_splat $b (local.get 0))))
  ;; memory 0 accesses around one on memory 1 still see memory 0
  (func (export "mixed") (param i32) (result i32)
    (i32.add (i32.load $a (i32.const 0))
      (i32.add (i32x4.extract_lane 0 (v128.load $b (local.get 0))) (i32.load $a (i32.const 4))))))`;

t.test('SIMD on a second memory', async (t) => {
  const w = await wabt();
  const bytes = Buffer.from(w.parseWat('m.wat', wat, { multi_memory: true, simd: true }).toBinary({}).buffer);
  const e = new wasihost.Instance(new wasihost.Module(bytes)).exports;
  const a = new Uint32Array(e.a.buffer), b = new Uint32Array(e.b.buffer);
  b[101] = 0xdeadbeef;
  t.equal(e.ld(400) >>> 0, 0xdeadbeef, 'v128.load from memory 1');
  t.equal(e.ld0(400), 0, 'memory 0 unchanged');
  e.st(1000, 7);
  t.same([b[251], b[252], b[253], b[254]], [7, 7, 7, 7], 'v128.store with an offset');
  t.equal(a[251], 0, 'nothing written to memory 0');
  b[300] = 99;
  t.equal(e.lane(1200), 99, 'load lane');
  new Uint8Array(e.b.buffer)[5000] = 0x7f;
  t.equal(e.splat(5000), 0x7f, 'load splat');
  a[0] = 1; a[1] = 2; b[10] = 40;
  t.equal(e.mixed(40), 43, 'memory 0 before and after');
  const oob = { name: 'RuntimeError', message: /out of bounds memory access/ };
  t.equal(e.ld(2 * 65536 - 16), 0, 'the last 16 bytes of memory 1 (beyond memory 0)');
  t.throws(() => e.ld(2 * 65536 - 15), oob, "memory 1's bounds");
  t.throws(() => e.st(2 * 65536 - 16, 1), oob, 'a store past the end through its offset');
  t.equal(e.mixed(0), 1 + 2 + b[0], 'memory 0 is restored after a trap');
});
