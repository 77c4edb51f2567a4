'use strict';
// Error fidelity: callAsync rejects with the very value a JS import threw,
// `new` on an exported function is a TypeError, and JS->wasm->JS recursion
// ends in a catchable error (never a crash) as deep as the JS stack allows.
const t = require('tap');
const { W, wat } = require('./fixtures');

t.test('callAsync and sync calls pass thrown values through unchanged', async (t) => {
  const bytes = await wat('(module (import "h" "f" (func $f)) (func (export "run") call $f))');
  const obj = { what: 'an object' };
  const err = new TypeError('a TypeError');
  for (const [label, v] of [['42', 42], ['undefined', undefined], ['null', null], ['a string', 'str'],
    ['an object', obj], ['an Error', err], ['a Symbol', Symbol.for('s')], ['0n', 0n], ['false', false]]) {
    const inst = new W.Instance(new W.Module(bytes), { h: { f() { throw v; } } });
    let got = 'nothing';
    try { await inst.callAsync('run'); } catch (e) { got = e; }
    t.ok(Object.is(got, v), `callAsync rejects with ${label}`);
    got = 'nothing';
    try { inst.exports.run(); } catch (e) { got = e; }
    t.ok(Object.is(got, v), `a sync call throws ${label}`);
  }
});

t.test('new on an exported function is a TypeError, as in V8', async (t) => {
  const bytes = await wat('(module (func (export "f") (result i32) i32.const 1))');
  for (const [name, NS] of [['wasihost', W], ['V8', WebAssembly]]) {
    const f = new NS.Instance(new NS.Module(bytes), {}).exports.f;
    t.throws(() => new f(), TypeError, `${name}: new f() throws a TypeError`);
    t.throws(() => Reflect.construct(f, []), TypeError, `${name}: Reflect.construct too`);
    t.equal(f(), 1, `${name}: f() still works`);
  }
});

t.test('JS -> wasm -> JS recursion ends in a catchable error', async (t) => {
  const bytes = await wat('(module (import "h" "f" (func $f)) (func (export "run") call $f))');
  let depth = 0;
  let max = 0;
  let inst;
  // The stack may run out at any call, Math.max included: count inside try.
  inst = new W.Instance(new W.Module(bytes), { h: { f() {
    try {
      depth++;
      max = Math.max(max, depth);
      inst.exports.run();
    } finally { depth--; }
  } } });
  let err;
  try { inst.exports.run(); } catch (e) { err = e; }
  t.ok(err instanceof RangeError || err instanceof W.RuntimeError,
    `ended in ${err && err.name}: ${err && err.message} at depth ${max}`);
  // Sanitizer builds ($WASIHOST_BINDING) have far larger frames: ASan
  // gives the interpreter's locals (SIMD's 16-byte temporaries among them)
  // red zones, about ten times a release build's stack per level.
  const min = process.env.WASIHOST_BINDING ? 25 : 250;
  t.ok(max >= min, `reached depth ${max} >= ${min} (V8's own JS->wasm->JS reaches ~4,000; the limit is V8's stack, see README)`);
  t.equal(depth, 0, 'every level unwound');
  // The same through callAsync: the first level runs on a guest thread.
  max = 0;
  err = undefined;
  try { await inst.callAsync('run'); } catch (e) { err = e; }
  t.ok(err instanceof RangeError || err instanceof W.RuntimeError, `async: ended in ${err && err.name} at depth ${max}`);
  inst.exports.run; // still usable
  let ok = false;
  const inst2 = new W.Instance(new W.Module(bytes), { h: { f() { ok = true; } } });
  inst2.exports.run();
  t.ok(ok, 'calls work again afterwards');
});
