'use strict';
// Table: funcref tables (identity of exported functions), externref tables
// (identity of JS values), growth, sharing across instances, call_indirect.
const t = require('tap');
const { W, wat, instance } = require('./fixtures/impl.js');

t.test('funcref table basics', async (t) => {
  const ex = await instance('(module (func (export "f") (result i32) i32.const 3))');
  const tab = new W.Table({ element: 'anyfunc', initial: 2, maximum: 4 });
  t.equal(tab.length, 2);
  t.equal(tab.get(0), null);
  tab.set(0, ex.f);
  t.equal(tab.get(0), ex.f, 'identity');
  t.equal(tab.get(0)(), 3);
  tab.set(0, null);
  t.equal(tab.get(0), null);
  tab.set(1, ex.f);
  tab.set(1);
  t.equal(tab.get(1), null, 'a missing value is null');
  t.throws(() => tab.set(0, () => 1), TypeError, 'a plain JS function is not a funcref');
  t.throws(() => tab.set(0, 'x'), TypeError);
  t.throws(() => tab.get(2), RangeError);
  t.throws(() => tab.set(2, null), RangeError);
  t.throws(() => tab.get(-1), TypeError);
  t.equal(tab.grow(1, ex.f), 2);
  t.equal(tab.length, 3);
  t.equal(tab.get(2), ex.f);
  t.equal(tab.grow(1), 3);
  t.equal(tab.get(3), null);
  t.throws(() => tab.grow(1), RangeError, 'past the maximum');
  t.equal(new W.Table({ element: 'anyfunc', initial: 1 }, ex.f).get(0), ex.f, 'initial value');
  t.throws(() => new W.Table({ element: 'i32', initial: 1 }), TypeError);
  t.throws(() => new W.Table({ element: 'anyfunc' }), TypeError);
  t.throws(() => new W.Table({ element: 'anyfunc', initial: 2, maximum: 1 }), RangeError);
  t.throws(() => new W.Table({ element: 'anyfunc', initial: 1 }, () => 1), TypeError);
  t.equal(Object.prototype.toString.call(tab), '[object WebAssembly.Table]');
  t.throws(() => W.Table.prototype.get.call({}, 0), TypeError);
});

t.test('externref table holds JS values by identity', async (t) => {
  const obj = { a: 1 };
  const tab = new W.Table({ element: 'externref', initial: 2 }, obj);
  t.equal(tab.get(0), obj);
  t.equal(tab.get(1), obj);
  const values = ['s', 12, 1n, Symbol('x'), () => 1, NaN, -0, true, obj, null];
  for (const v of values) {
    tab.set(0, v);
    t.ok(Object.is(tab.get(0), v), `round trip ${String(v)}`);
  }
  tab.set(1, undefined);
  t.equal(tab.get(1), undefined);
  t.equal(new W.Table({ element: 'externref', initial: 1 }).get(0), undefined,
    'the default externref is undefined');
  t.equal(tab.grow(2, obj), 2);
  t.equal(tab.get(3), obj);
});

t.test('elements initialised from exports keep identity', async (t) => {
  const ex = await instance(`(module
    (func $f (export "f") (result i32) i32.const 1)
    (func $g (export "g") (result i32) i32.const 2)
    (table (export "t") 3 funcref)
    (elem (i32.const 0) $f $g $f)
    (func (export "get") (param i32) (result funcref) local.get 0 table.get 0)
    (func (export "ref") (result funcref) ref.func $g)
    (func (export "grow") (param funcref i32) (result i32) local.get 0 local.get 1 table.grow 0)
    (func (export "call") (param i32) (result i32) local.get 0 call_indirect (result i32)))`);
  t.equal(ex.t.get(0), ex.f);
  t.equal(ex.t.get(1), ex.g);
  t.equal(ex.t.get(2), ex.f);
  t.equal(ex.get(1), ex.g, 'funcref result through wasm');
  t.equal(ex.ref(), ex.g, 'ref.func');
  t.equal(ex.call(1), 2);
  ex.t.set(0, ex.g);
  t.equal(ex.call(0), 2, 'a JS set is seen by call_indirect');
  t.equal(ex.grow(ex.f, 2), 3, 'table.grow from wasm');
  t.equal(ex.t.length, 5);
  t.equal(ex.t.get(4), ex.f);
  t.throws(() => ex.grow(() => 1, 1), TypeError, 'a plain function as a funcref argument');
});

t.test('a table shared between instances', async (t) => {
  const tab = new W.Table({ element: 'anyfunc', initial: 2 });
  const a = await instance(`(module
    (import "e" "t" (table 2 funcref))
    (func $seven (result i32) i32.const 7)
    (elem (i32.const 1) $seven)
    (export "seven" (func $seven))
    (export "t" (table 0)))`, { e: { t: tab } });
  t.equal(a.t, tab, 're-exported table keeps identity');
  t.equal(tab.get(1), a.seven);
  const b = await instance(`(module
    (import "e" "t" (table 2 funcref))
    (func (export "call") (param i32) (result i32) local.get 0 call_indirect (result i32)))`,
  { e: { t: tab } });
  t.equal(b.call(1), 7, 'B calls A\'s function through the shared table');
  t.throws(() => b.call(0), W.RuntimeError, 'null element traps');
  t.throws(() => b.call(5), W.RuntimeError, 'out of range traps');
});

t.test('externref through wasm functions', async (t) => {
  const ex = await instance(`(module
    (func (export "id") (param externref) (result externref) local.get 0)
    (func (export "isnull") (param externref) (result i32) local.get 0 ref.is_null)
    (global $g (mut externref) (ref.null extern))
    (func (export "put") (param externref) local.get 0 global.set $g)
    (func (export "take") (result externref) global.get $g))`);
  const obj = {};
  for (const v of [obj, 'str', 3.5, -0, NaN, 10n, undefined, Symbol.iterator, null]) {
    t.ok(Object.is(ex.id(v), v), `id(${String(v)})`);
  }
  t.equal(ex.isnull(null), 1);
  t.equal(ex.isnull(undefined), 0, 'undefined is not null');
  t.equal(ex.isnull(0), 0);
  t.equal(ex.id(), undefined, 'a missing externref argument is undefined');
  ex.put(obj);
  t.equal(ex.take(), obj);
});
