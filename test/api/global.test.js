'use strict';
// Global: value types, mutability, sharing across instances.
const t = require('tap');
const { W, instance, wat } = require('./fixtures/impl.js');

t.test('construction and value', async (t) => {
  const g = new W.Global({ value: 'i32', mutable: true }, 42);
  t.equal(g.value, 42);
  t.equal(g.valueOf(), 42);
  t.equal(g + 1, 43, 'valueOf in arithmetic');
  g.value = 2 ** 32 + 1;
  t.equal(g.value, 1, 'ToInt32 on set');
  const c = new W.Global({ value: 'i32' }, 5);
  t.throws(() => { c.value = 6; }, TypeError, 'immutable');
  t.equal(c.value, 5);
  t.equal(new W.Global({ value: 'i32' }).value, 0);
  t.equal(new W.Global({ value: 'i64' }).value, 0n);
  t.equal(new W.Global({ value: 'i64' }, undefined).value, 0n);
  t.equal(new W.Global({ value: 'i64' }, 2n ** 64n - 1n).value, -1n);
  t.throws(() => new W.Global({ value: 'i64' }, 1), TypeError);
  t.equal(new W.Global({ value: 'f32' }, 0.1).value, Math.fround(0.1));
  t.equal(new W.Global({ value: 'f64' }, 0.1).value, 0.1);
  t.ok(Object.is(new W.Global({ value: 'f64' }, -0).value, -0));
  t.throws(() => new W.Global({ value: 'v128' }), TypeError);
  t.throws(() => new W.Global({ value: 'x' }), TypeError);
  t.throws(() => new W.Global(), TypeError);
  const big = new W.Global({ value: 'i64', mutable: true });
  big.value = -(2n ** 63n);
  t.equal(big.value, -(2n ** 63n));
  t.throws(() => { big.value = 1; }, TypeError);
  t.equal(Object.prototype.toString.call(g), '[object WebAssembly.Global]');
  t.throws(() => Object.getOwnPropertyDescriptor(W.Global.prototype, 'value').get.call({}), TypeError);
});

t.test('reference globals', async (t) => {
  const obj = {};
  const e = new W.Global({ value: 'externref', mutable: true }, obj);
  t.equal(e.value, obj);
  e.value = null;
  t.equal(e.value, null);
  e.value = 'x';
  t.equal(e.value, 'x');
  const ex = await instance('(module (func (export "f")))');
  const f = new W.Global({ value: 'anyfunc', mutable: true }, ex.f);
  t.equal(f.value, ex.f);
  f.value = null;
  t.equal(f.value, null);
  t.throws(() => { f.value = () => 1; }, TypeError);
  t.equal(new W.Global({ value: 'anyfunc' }).value, null);
});

t.test('globals shared between instances', async (t) => {
  const a = await instance(`(module
    (global $g (export "g") (mut i32) (i32.const 10))
    (global $l (export "l") (mut i64) (i64.const 0))
    (global $c (export "c") f64 (f64.const 2.5))
    (func (export "get") (result i32) global.get $g)
    (func (export "getl") (result i64) global.get $l))`);
  t.ok(a.g instanceof W.Global);
  t.equal(a.g.value, 10);
  t.equal(a.c.value, 2.5);
  t.throws(() => { a.c.value = 1; }, TypeError);
  const m = new W.Module(await wat(`(module
    (import "a" "g" (global $g (mut i32)))
    (import "a" "l" (global $l (mut i64)))
    (export "g" (global $g))
    (func (export "set") (param i32) local.get 0 global.set $g)
    (func (export "setl") (param i64) local.get 0 global.set $l))`));
  const b = new W.Instance(m, { a: { g: a.g, l: a.l } }).exports;
  t.equal(b.g, a.g, 're-exported global keeps identity');
  b.set(77);
  t.equal(a.get(), 77, 'A sees the set by B');
  t.equal(a.g.value, 77);
  a.g.value = 5;
  t.equal(a.get(), 5);
  b.setl(-(2n ** 40n));
  t.equal(a.getl(), -(2n ** 40n));
  t.equal(a.l.value, -(2n ** 40n));
});

t.test('plain values as global imports', async (t) => {
  const src = `(module
    (import "e" "i" (global $i i32))
    (import "e" "l" (global $l i64))
    (import "e" "f" (global $f f32))
    (func (export "i") (result i32) global.get $i)
    (func (export "l") (result i64) global.get $l)
    (func (export "f") (result f32) global.get $f))`;
  const ex = await instance(src, { e: { i: 3, l: 4n, f: 0.1 } });
  t.equal(ex.i(), 3);
  t.equal(ex.l(), 4n);
  t.equal(ex.f(), Math.fround(0.1));
  const m = new W.Module(await wat(src));
  t.throws(() => new W.Instance(m, { e: { i: 3, l: 4, f: 0 } }), W.LinkError, 'Number for i64');
  t.throws(() => new W.Instance(m, { e: { i: 3n, l: 4n, f: 0 } }), W.LinkError, 'BigInt for i32');
  t.throws(() => new W.Instance(m, { e: { i: '3', l: 4n, f: 0 } }), W.LinkError, 'string for i32');
  const mut = new W.Module(await wat('(module (import "e" "g" (global (mut i32))))'));
  t.throws(() => new W.Instance(mut, { e: { g: 1 } }), W.LinkError, 'a mutable import needs a Global');
  t.ok(new W.Instance(mut, { e: { g: new W.Global({ value: 'i32', mutable: true }) } }));
});
