'use strict';
// wasihost-only: require('wasihost').internals (raw bit patterns for the
// spec-test runner) and the execution limits of `new Instance(m, i, limits)`.
const t = require('tap');
const { W, wat, instance, onlyWasihost } = require('./fixtures/impl.js');

t.test('internals.callRaw keeps NaN payloads', { skip: onlyWasihost }, async (t) => {
  const { callRaw, funcType } = W.internals;
  const ex = await instance(`(module
    (func (export "f32") (param f32) (result f32) local.get 0)
    (func (export "f64") (param f64) (result f64) local.get 0)
    (func (export "i32") (param i32) (result i32) local.get 0)
    (func (export "i64") (param i64) (result i64) local.get 0)
    (func (export "neg") (param f32) (result f32) local.get 0 f32.neg)
    (func (export "multi") (result i32 f64 externref) i32.const -2 f64.const -0 ref.null extern)
    (func (export "none"))
    (func (export "ref") (param funcref externref) (result externref funcref) local.get 1 local.get 0))`);
  t.same(callRaw(ex.f32, [0x7fa00001n]), [0x7fa00001n], 'f32 sNaN survives');
  t.same(callRaw(ex.f32, [0xffc00000]), [0xffc00000n], 'Number pattern for f32');
  t.same(callRaw(ex.neg, [0x7fa00001n]), [0xffa00001n], 'f32.neg flips only the sign');
  t.same(callRaw(ex.f64, [0x7ff4000000000001n]), [0x7ff4000000000001n], 'f64 sNaN survives');
  t.same(callRaw(ex.f64, [0xfff8000000000000n]), [0xfff8000000000000n]);
  t.same(callRaw(ex.i32, [-1]), [0xffffffffn], 'i32 results are unsigned');
  t.same(callRaw(ex.i32, [0xffffffffn]), [0xffffffffn]);
  t.same(callRaw(ex.i64, [-1n]), [0xffffffffffffffffn], 'i64 results are unsigned');
  t.same(callRaw(ex.i64, [0x8000000000000000n]), [0x8000000000000000n]);
  t.same(callRaw(ex.multi, []), [0xfffffffen, 0x8000000000000000n, null]);
  t.same(callRaw(ex.none, []), []);
  const obj = {};
  const r = callRaw(ex.ref, [ex.none, obj]);
  t.equal(r[0], obj);
  t.equal(r[1], ex.none);
  t.throws(() => callRaw(() => 1, []), TypeError);
  t.same(funcType(ex.ref), { params: ['funcref', 'externref'], results: ['externref', 'funcref'] });
  t.same(funcType(ex.multi), { params: [], results: ['i32', 'f64', 'externref'] });
  const trap = await instance('(module (func (export "t") (param i32) (result i32) unreachable))');
  t.throws(() => callRaw(trap.t, [1]), W.RuntimeError);
});

t.test('internals.globalRaw', { skip: onlyWasihost }, async (t) => {
  const { globalRaw } = W.internals;
  const ex = await instance(`(module
    (global (export "f") f32 (f32.const nan:0x200001))
    (global (export "d") f64 (f64.const -nan:0x4000000000001))
    (global (export "i") i32 (i32.const -5))
    (global (export "l") i64 (i64.const -5)))`);
  t.equal(globalRaw(ex.f), 0x7fa00001n);
  t.equal(globalRaw(ex.d), 0xfff4000000000001n);
  t.equal(globalRaw(ex.i), 0xfffffffbn);
  t.equal(globalRaw(ex.l), 0xfffffffffffffffbn);
});

t.test('fuel limit', { skip: onlyWasihost }, async (t) => {
  const m = new W.Module(await wat(`(module
    (func (export "spin") (loop $l br $l))
    (func (export "count") (param i32) (result i32)
      (local i32)
      (block $done (loop $l
        local.get 1 local.get 0 i32.ge_u br_if $done
        local.get 1 i32.const 1 i32.add local.set 1
        br $l))
      local.get 1))`));
  const inst = new W.Instance(m, undefined, { fuel: 100000 });
  t.type(inst.fuel, 'number');
  t.ok(inst.fuel > 0);
  let e;
  try { inst.exports.spin(); } catch (err) { e = err; }
  t.ok(e instanceof W.RuntimeError, 'runaway loop stops');
  t.match(e && e.message, /fuel/);
  inst.fuel = 1000000;
  t.equal(inst.exports.count(10), 10, 'refilled fuel runs again');
  const left = inst.fuel;
  t.ok(left < 1000000 && left > 0, `fuel consumed (${left} left)`);
  const plain = new W.Instance(m);
  t.equal(plain.fuel, undefined, 'no fuel limit, no fuel');
  t.throws(() => { plain.fuel = 5; }, TypeError);
  t.throws(() => new W.Instance(m, undefined, { fuel: -1 }), TypeError);
});

t.test('call depth limit', { skip: onlyWasihost }, async (t) => {
  const src = `(module
    (func $down (export "down") (param i32) (result i32)
      local.get 0 i32.eqz if (result i32) i32.const 0 else
      local.get 0 i32.const 1 i32.sub call $down i32.const 1 i32.add end))`;
  const m = new W.Module(await wat(src));
  const ex = new W.Instance(m, undefined, { maxCallDepth: 100 }).exports;
  t.equal(ex.down(50), 50);
  t.throws(() => ex.down(500), { name: 'RuntimeError', message: /call stack exhausted/ });
  t.equal(ex.down(20), 20, 'usable after exhaustion');
  t.equal(new W.Instance(m).exports.down(5000), 5000, 'the default allows more');
});

t.test('memory limit', { skip: onlyWasihost }, async (t) => {
  const m = new W.Module(await wat(`(module
    (memory (export "mem") 1)
    (func (export "grow") (param i32) (result i32) local.get 0 memory.grow))`));
  const ex = new W.Instance(m, undefined, { maxMemory: 3 * 65536 }).exports;
  t.equal(ex.grow(2), 1);
  t.equal(ex.grow(1), -1, 'capped at 3 pages');
  t.equal(ex.mem.buffer.byteLength, 3 * 65536);
  const big = new W.Module(await wat('(module (memory 4))'));
  t.throws(() => new W.Instance(big, undefined, { maxMemory: 65536 }), RangeError,
    'a module needing more than the cap does not instantiate');
});

t.test('error classes', { skip: onlyWasihost }, async (t) => {
  for (const name of ['CompileError', 'LinkError', 'RuntimeError', 'WASIExit']) {
    const C = W[name];
    const e = new C('x');
    t.ok(e instanceof Error, `${name} extends Error`);
    t.equal(e.name, name);
  }
  const exit = new W.WASIExit(3);
  t.equal(exit.code, 3);
});

t.test('proc_exit surfaces as WASIExit with the code', { skip: onlyWasihost }, async (t) => {
  if (!W.WASI) return t.skip('lib/wasi.js not present');
  const wasi = new W.WASI({ version: 'preview1', returnOnExit: true });
  const ex = await instance(`(module
    (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
    (memory (export "memory") 1)
    (func (export "quit") (param i32) local.get 0 call $exit unreachable))`,
  wasi.getImportObject());
  let e;
  try { ex.quit(7); } catch (err) { e = err; }
  t.ok(e instanceof W.WASIExit, 'WASIExit');
  t.equal(e && e.code, 7);
  t.notOk(e instanceof W.RuntimeError, 'not a trap');
});
