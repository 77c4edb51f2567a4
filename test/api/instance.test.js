'use strict';
// Instance: the exports object, exported functions, value conversion, JS
// imports, linking errors, start functions, cross-instance functions.
const t = require('tap');
const { W, wat, instance, isV8 } = require('./fixtures/impl.js');

t.test('exports object is frozen with a null prototype', async (t) => {
  const m = new W.Module(await wat(`(module
    (func $a (export "a") (result i32) i32.const 1)
    (func $b (export "b") (param i32 i64 f32) (result i32) i32.const 2)
    (export "a2" (func $a)))`));
  const inst = new W.Instance(m);
  const ex = inst.exports;
  t.equal(Object.getPrototypeOf(ex), null);
  t.ok(Object.isFrozen(ex));
  t.same(Object.keys(ex), ['a', 'b', 'a2']);
  t.equal(inst.exports, ex, 'the same object every time');
  t.equal(ex.a, ex.a2, 'one function object per wasm function');
  t.equal(typeof ex.a, 'function');
  t.equal(ex.a.length, 0);
  t.equal(ex.b.length, 3);
  t.equal(ex.a.name, '0');
  t.equal(ex.b.name, '1');
  t.notOk(Object.prototype.hasOwnProperty.call(ex.b, 'prototype'), 'no prototype: not a constructor (as in V8)');
  t.same(Object.getOwnPropertyDescriptor(ex.b, 'length'),
    { value: 3, writable: false, enumerable: false, configurable: true });
  t.same(Object.getOwnPropertyDescriptor(ex.b, 'name'),
    { value: '1', writable: false, enumerable: false, configurable: true });
  t.equal(ex.b(1, 2n, 3, 'ignored'), 2, 'extra arguments are ignored');
  t.equal(Object.getPrototypeOf(ex.b), Function.prototype);
  t.throws(() => { 'use strict'; ex.a = 1; }, TypeError);
  t.equal(Object.prototype.toString.call(inst), '[object WebAssembly.Instance]');
  t.throws(() => new W.Instance({}), TypeError, 'not a module');
  t.throws(() => new W.Instance(m, 5), TypeError, 'imports not an object');
});

t.test('an export with more parameters than the native entry reads at once', async (t) => {
  const ps = ' i32'.repeat(12);
  const ex = await instance(`(module
    (func (export "last") (param${ps}) (result i32) local.get 11)
    (func (export "sum") (param${ps}) (result i32) local.get 0 local.get 11 i32.add))`);
  t.equal(ex.last.length, 12);
  t.equal(ex.last(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14), 12, 'the twelfth; extra ones dropped');
  t.equal(ex.last(1), 0, 'missing ones are undefined -> 0');
  t.equal(ex.sum(5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7), 12);
});

t.test('argument and result conversion', async (t) => {
  const ex = await instance(`(module
    (func (export "i32") (param i32) (result i32) local.get 0)
    (func (export "i64") (param i64) (result i64) local.get 0)
    (func (export "f32") (param f32) (result f32) local.get 0)
    (func (export "f64") (param f64) (result f64) local.get 0)
    (func (export "add64") (param i64 i64) (result i64) local.get 0 local.get 1 i64.add)
    (func (export "none")))`);
  t.equal(ex.i32(5), 5);
  t.equal(ex.i32(2 ** 32 + 5), 5, 'ToInt32 wraps');
  t.equal(ex.i32(2 ** 31), -(2 ** 31));
  t.equal(ex.i32(-1.9), -1, 'truncates');
  t.equal(ex.i32('12'), 12, 'ToNumber on strings');
  t.equal(ex.i32(NaN), 0);
  t.equal(ex.i32(), 0, 'a missing argument is undefined -> 0');
  t.equal(ex.i32({ valueOf: () => 9 }), 9, 'valueOf');
  t.throws(() => ex.i32(1n), TypeError, 'a BigInt for i32');
  t.throws(() => ex.i32(Symbol('s')), TypeError);
  const err = new Error('from valueOf');
  t.throws(() => ex.i32({ valueOf() { throw err; } }), err, 'valueOf exceptions propagate');

  t.equal(ex.i64(5n), 5n);
  t.equal(ex.i64(2n ** 63n - 1n), 2n ** 63n - 1n);
  t.equal(ex.i64(-(2n ** 63n)), -(2n ** 63n));
  t.equal(ex.i64(-1n), -1n);
  t.equal(ex.i64(2n ** 64n + 3n), 3n, 'ToBigInt64 wraps');
  t.equal(ex.i64(2n ** 63n), -(2n ** 63n));
  t.equal(ex.i64(true), 1n, 'ToBigInt(true)');
  t.equal(ex.i64('77'), 77n, 'ToBigInt(string)');
  t.throws(() => ex.i64(5), TypeError, 'a Number for i64');
  t.throws(() => ex.i64(), TypeError, 'undefined for i64');
  t.equal(ex.add64(2n ** 63n - 1n, 1n), -(2n ** 63n), 'i64 arithmetic wraps');

  t.equal(ex.f32(0.1), Math.fround(0.1), 'f32 rounds');
  t.equal(ex.f32(1e40), Infinity);
  t.ok(Number.isNaN(ex.f32(NaN)));
  t.ok(Object.is(ex.f32(-0), -0));
  t.equal(ex.f64(0.1), 0.1);
  t.ok(Object.is(ex.f64(-0), -0));
  t.equal(ex.f64('2.5'), 2.5);
  t.ok(Number.isNaN(ex.f64(undefined)));
  t.equal(ex.none(1, 2, 3), undefined);
});

t.test('multi-value results are Arrays', async (t) => {
  const ex = await instance(`(module
    (func (export "three") (result i32 i64 f64) i32.const -1 i64.const 9 f64.const 1.5)
    (func (export "swap") (param i32 i32) (result i32 i32) local.get 1 local.get 0))`);
  const r = ex.three();
  t.ok(Array.isArray(r));
  t.same(r, [-1, 9n, 1.5]);
  t.same(ex.swap(1, 2), [2, 1]);
});

t.test('JS imports', async (t) => {
  const seen = [];
  const ex = await instance(`(module
    (import "env" "log" (func $log (param i32 i64 f32 f64)))
    (import "env" "get" (func $get (result i32)))
    (import "env" "pair" (func $pair (result i64 i32)))
    (func (export "run") (result i32)
      i32.const 7 i64.const -3 f32.const 0.5 f64.const 0.25 call $log
      call $get)
    (func (export "pair") (result i64 i32) call $pair))`, {
    env: {
      log: (...args) => { seen.push(args); return 'ignored'; },
      get: () => '41', // converted with ToInt32(ToNumber)
      pair: function* () { yield 5n; yield 6; }, // any iterable
    },
  });
  t.equal(ex.run(), 41);
  t.same(seen, [[7, -3n, 0.5, 0.25]]);
  t.same(ex.pair(), [5n, 6]);
});

t.test('JS import results are checked', async (t) => {
  const m = new W.Module(await wat(`(module
    (import "env" "pair" (func $pair (result i32 i32)))
    (import "env" "big" (func $big (result i64)))
    (func (export "pair") (result i32 i32) call $pair)
    (func (export "big") (result i64) call $big))`));
  const mk = (pair, big) => new W.Instance(m, { env: { pair, big } }).exports;
  t.throws(() => mk(() => [1], () => 0n).pair(), TypeError, 'wrong count');
  t.throws(() => mk(() => 5, () => 0n).pair(), TypeError, 'not iterable');
  t.throws(() => mk(() => [1, 2], () => 5).big(), TypeError, 'Number for i64');
  t.same(mk(() => [1, 2], () => 5n).pair(), [1, 2]);
});

t.test('an exception from an import propagates unchanged', async (t) => {
  const err = new Error('boom');
  const thrown = [err, 'a string', { custom: true }, 42, undefined];
  let which = 0;
  const ex = await instance(`(module
    (import "env" "f" (func $f))
    (func (export "run") (result i32) call $f i32.const 1))`, {
    env: { f: () => { throw thrown[which]; } },
  });
  for (which = 0; which < thrown.length; which++) {
    let caught = 'nothing';
    try {
      ex.run();
    } catch (e) {
      caught = e;
    }
    t.equal(caught, thrown[which], `thrown ${String(thrown[which])}`);
  }
});

t.test('re-entrancy: an import calls back into the instance', async (t) => {
  // fib(n) = n < 2 ? n : jsfib(n-1) + jsfib(n-2), where jsfib calls fib.
  let ex;
  ex = await instance(`(module
    (import "env" "jsfib" (func $jsfib (param i32) (result i32)))
    (func (export "fib") (param i32) (result i32)
      local.get 0 i32.const 2 i32.lt_s
      if (result i32)
        local.get 0
      else
        local.get 0 i32.const 1 i32.sub call $jsfib
        local.get 0 i32.const 2 i32.sub call $jsfib
        i32.add
      end))`, { env: { jsfib: (n) => ex.fib(n) } });
  t.equal(ex.fib(15), 610);
  // an exception deep inside still unwinds cleanly
  const err = new RangeError('deep');
  let depth = 0;
  const ex2 = await instance(`(module
    (import "env" "down" (func $down (param i32)))
    (func (export "go") (param i32) local.get 0 call $down))`, {
    env: { down: (n) => { depth = Math.max(depth, n); if (n === 20) throw err; ex2.go(n + 1); } },
  });
  t.throws(() => ex2.go(0), err);
  t.equal(depth, 20);
  t.equal(ex.fib(10), 55, 'still works after');
});

t.test('link errors', async (t) => {
  const m = new W.Module(await wat(`(module
    (import "env" "f" (func (param i32) (result i32)))
    (import "env" "g" (global i32))
    (import "env" "mem" (memory 1 2))
    (import "env" "tab" (table 2 funcref)))`));
  const ok = () => ({
    f: (x) => x,
    g: 1,
    mem: new W.Memory({ initial: 1, maximum: 2 }),
    tab: new W.Table({ element: 'anyfunc', initial: 2 }),
  });
  t.ok(new W.Instance(m, { env: ok() }), 'all good');
  t.throws(() => new W.Instance(m), TypeError, 'no import object');
  t.throws(() => new W.Instance(m, {}), TypeError, 'module namespace missing');
  const cases = [
    ['f', undefined, /unknown import: env::f/],
    ['f', 3, /incompatible import type for env::f/],
    ['g', undefined, /unknown import: env::g/],
    ['g', 1n, /incompatible import type for env::g/],
    ['g', new W.Global({ value: 'i32', mutable: true }, 1), /incompatible import type for env::g/],
    ['g', new W.Global({ value: 'i64' }, 1n), /incompatible import type for env::g/],
    ['mem', new W.Memory({ initial: 1 }), /incompatible import type for env::mem/],
    ['mem', new W.Memory({ initial: 1, maximum: 3 }), /incompatible/],
    ['mem', {}, /incompatible/],
    ['tab', new W.Table({ element: 'externref', initial: 2 }), /incompatible/],
    ['tab', new W.Table({ element: 'anyfunc', initial: 1 }), /incompatible/],
    ['tab', new W.Memory({ initial: 1 }), /incompatible/],
  ];
  for (const [name, value, re] of cases) {
    const env = ok();
    env[name] = value;
    let caught;
    try {
      new W.Instance(m, { env });
    } catch (e) {
      caught = e;
    }
    t.ok(caught instanceof W.LinkError, `${name} = ${String(value)}: LinkError`);
    if (!isV8) t.match(caught && caught.message, re);
  }
  // bigger memory/table than required is fine (min is a lower bound)
  const env = ok();
  env.mem = new W.Memory({ initial: 2, maximum: 2 });
  env.tab = new W.Table({ element: 'anyfunc', initial: 5 });
  t.ok(new W.Instance(m, { env }));
  // the getter of an import may throw: that exception comes out
  const err = new Error('getter');
  t.throws(() => new W.Instance(m, { env: { get f() { throw err; } } }), err);
});

t.test('a wasm function import must match exactly', async (t) => {
  const a = await instance(`(module
    (func (export "i") (param i32) (result i32) local.get 0)
    (func (export "l") (param i64) (result i32) i32.const 0))`);
  const m = new W.Module(await wat(`(module
    (import "a" "f" (func $f (param i32) (result i32)))
    (export "f" (func $f))
    (func (export "call") (param i32) (result i32) local.get 0 call $f))`));
  const b = new W.Instance(m, { a: { f: a.i } }).exports;
  t.equal(b.f, a.i, 're-exported wasm function keeps its identity');
  t.equal(b.call(8), 8);
  let caught;
  try { new W.Instance(m, { a: { f: a.l } }); } catch (e) { caught = e; }
  t.ok(caught instanceof W.LinkError);
  if (!isV8) t.match(caught.message, /incompatible import type for a::f: expected func \[i32\] -> \[i32\], got func \[i64\] -> \[i32\]/);
});

t.test('a re-exported JS function is a new exported function', async (t) => {
  const js = (x) => x + 1;
  const ex = await instance(`(module
    (import "m" "f" (func $f (param i32) (result i32)))
    (export "f" (func $f)))`, { m: { f: js } });
  t.not(ex.f, js);
  t.equal(ex.f(1), 2);
  t.equal(ex.f.name, '0');
  t.equal(ex.f.length, 1);
});

t.test('start function', async (t) => {
  const calls = [];
  const src = `(module
    (import "env" "hi" (func $hi (param i32)))
    (global $g (mut i32) (i32.const 0))
    (func $start i32.const 5 global.set $g global.get $g call $hi)
    (start $start)
    (func (export "g") (result i32) global.get $g))`;
  const ex = await instance(src, { env: { hi: (x) => calls.push(x) } });
  t.same(calls, [5]);
  t.equal(ex.g(), 5);
  const err = new TypeError('from start');
  const m = new W.Module(await wat(src));
  t.throws(() => new W.Instance(m, { env: { hi: () => { throw err; } } }), err);
  const trap = new W.Module(await wat('(module (func $s unreachable) (start $s))'));
  t.throws(() => new W.Instance(trap), W.RuntimeError);
});
