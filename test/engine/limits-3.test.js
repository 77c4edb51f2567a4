'use strict';
// Fuel and timeouts stop runaway SIMD loops and tail-call loops (which
// push no frame: the check sits in the tail call itself).
const t = require('tap');
const wabt = require('wabt');
const W = require('../..');

const wat = `(module (memory 1)
  (func $spin (export "tail_spin") (param i32) (result i32)
    (return_call $spin (i32.add (local.get 0) (i32.const 1))))
  (func $a (param i32) (result i32) (return_call $b (local.get 0)))
  (func $b (param i32) (result i32) (return_call $a (local.get 0)))
  (func (export "tail_pair") (result i32) (return_call $a (i32.const 0)))
  (func (export "simd_spin") (local v128)
    (loop $l
      (local.set 0 (i32x4.add (local.get 0) (v128.load (i32.const 0))))
      (v128.store (i32.const 16) (local.get 0))
      (br $l))))`;

t.test('fuel and timeouts stop SIMD and tail-call loops', async (t) => {
  const w = await wabt();
  const mod = new W.Module(Buffer.from(w.parseWat('l.wat', wat, { simd: true, tail_call: true }).toBinary({}).buffer));
  for (const f of ['tail_spin', 'tail_pair', 'simd_spin']) {
    const fueled = new W.Instance(mod, {}, { fuel: 1000000 });
    t.throws(() => fueled.exports[f](0), { name: 'RuntimeError', message: /fuel exhausted/ }, `${f}: fuel`);
    t.equal(fueled.fuel, 0, `${f}: all fuel spent`);
    const timed = new W.Instance(mod, {}, { timeout: 100 });
    const t0 = Date.now();
    t.throws(() => timed.exports[f](0), { name: 'RuntimeError', message: /interrupted/ }, `${f}: timeout`);
    t.ok(Date.now() - t0 < 5000, `${f}: stopped in ${Date.now() - t0} ms`);
  }
});
