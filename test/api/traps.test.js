'use strict';
// Traps become RuntimeError with the spec's text; stack exhaustion is a
// clean error (never a crash) and the process keeps working afterwards.
const t = require('tap');
const { W, instance, isV8 } = require('./fixtures/impl.js');

const SRC = `(module
  (memory 1)
  (func $rec (export "rec") call $rec)
  (func $recv (export "recv") (param i64) (result i64)
    local.get 0 i64.const 1 i64.add call $recv)
  (func (export "div") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s)
  (func (export "unreachable") unreachable)
  (func (export "oob") (param i32) (result i32) local.get 0 i32.load)
  (func (export "trunc") (param f64) (result i32) local.get 0 i32.trunc_f64_s)
  (func (export "ok") (result i32) i32.const 1))`;

function trapOf(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return null;
}

t.test('traps are RuntimeErrors with the spec text', async (t) => {
  const ex = await instance(SRC);
  const cases = [
    [() => ex.div(1, 0), /integer divide by zero/],
    [() => ex.div(-(2 ** 31), -1), /integer overflow/],
    [() => ex.unreachable(), /unreachable/],
    [() => ex.oob(65535), /out of bounds memory access/],
    [() => ex.trunc(NaN), /invalid conversion to integer/],
    [() => ex.trunc(1e10), /integer overflow/],
  ];
  for (const [fn, re] of cases) {
    const e = trapOf(fn);
    t.ok(e instanceof W.RuntimeError, `${re}: RuntimeError`);
    t.ok(e instanceof Error);
    if (!isV8) t.match(e.message, re);
  }
  t.equal(ex.div(7, 2), 3);
  t.equal(ex.ok(), 1);
});

t.test('unbounded recursion stops cleanly', async (t) => {
  const ex = await instance(SRC);
  // V8 reports wasm stack overflow as RangeError; wasihost as the spec's trap.
  const Expected = isV8 ? RangeError : W.RuntimeError;
  for (let i = 0; i < 3; i++) {
    const e = trapOf(() => ex.rec());
    t.ok(e instanceof Expected, `rec: ${e && e.constructor.name}`);
    if (!isV8) t.match(e.message, /call stack exhausted/);
    const e2 = trapOf(() => ex.recv(0n));
    t.ok(e2 instanceof Expected, `recv: ${e2 && e2.constructor.name}`);
  }
  t.equal(ex.ok(), 1, 'the instance still works');
  const again = await instance('(module (func (export "f") (result i32) i32.const 2))');
  t.equal(again.f(), 2, 'new instances still work');
});

t.test('recursion through JS stops cleanly', async (t) => {
  let ex;
  ex = await instance(`(module
    (import "e" "js" (func $js (param i32)))
    (func (export "go") (param i32) local.get 0 i32.const 1 i32.add call $js))`,
  { e: { js: (n) => ex.go(n) } });
  const e = trapOf(() => ex.go(0));
  t.ok(e instanceof Error, `stopped with ${e && e.constructor.name}: ${e && e.message}`);
  t.ok(e instanceof RangeError || e instanceof W.RuntimeError);
  let ex2;
  ex2 = await instance(`(module
    (import "e" "js" (func $js (param i32) (result i32)))
    (func (export "go") (param i32) (result i32)
      local.get 0 i32.eqz if (result i32) i32.const 0 else
      local.get 0 i32.const 1 i32.sub call $js i32.const 1 i32.add end))`,
  { e: { js: (n) => ex2.go(n) } });
  // each JS<->wasm round trip costs ~3 KiB of native stack in N-API + engine
  // frames, so V8's ~1 MiB stack limit allows ~300 levels (~90 under ASan;
  // V8 alone: ~3700).
  t.equal(ex2.go(50), 50, 'moderate mutual recursion works');
});

t.test('a trap inside a nested call unwinds only to the JS frame', async (t) => {
  const log = [];
  let ex;
  ex = await instance(`(module
    (import "e" "js" (func $js (result i32)))
    (func (export "outer") (result i32) call $js i32.const 1 i32.add)
    (func (export "inner") (result i32) unreachable))`,
  {
    e: {
      js: () => {
        try {
          ex.inner();
        } catch (e) {
          log.push(e instanceof W.RuntimeError);
        }
        return 10;
      },
    },
  });
  t.equal(ex.outer(), 11, 'the outer call goes on after the inner trap was caught');
  t.same(log, [true]);
});
