'use strict';
// Async runs: instance.callAsync on a guest thread, JS imports called on
// the JS thread while the guest waits, the event loop staying free,
// interrupts (timeout, AbortSignal, interrupt()), and one run per instance.
const t = require('tap');
const { W, native, wat, now, sleep, rejectsWith, isTrap } = require('./fixtures/util');

const SRC = `(module
  (import "e" "f" (func $f (param i32) (result i32)))
  (import "e" "tick" (func $tick))
  (memory (export "mem") 1)
  (global $g (export "g") (mut i32) (i32.const 0))
  (func (export "spin") (loop br 0))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "add64") (param i64 i64) (result i64) (i64.add (local.get 0) (local.get 1)))
  (func (export "pair") (param i32) (result i32 f64)
    (local.get 0) (f64.convert_i32_s (i32.mul (local.get 0) (i32.const 2))))
  (func (export "callf") (param i32) (result i32) (call $f (local.get 0)))
  ;; calls f n times, summing the results
  (func (export "sumf") (param $n i32) (result i32) (local $s i32)
    (block $done (loop $l
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $s (i32.add (local.get $s) (call $f (local.get $n))))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $l)))
    (local.get $s))
  ;; busy work for about n million iterations, storing progress to memory
  (func (export "work") (param $n i32) (result i32) (local $i i32)
    (local.set $n (i32.mul (local.get $n) (i32.const 1000000)))
    (loop $l
      (i32.store (i32.const 0) (local.get $i))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $i))
  (func (export "tickThenSpin") (call $tick) (loop br 0))
  (func (export "setg") (param i32) (global.set $g (local.get 0)))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1))))`;

let mod;
t.before(async () => { mod = new W.Module(await wat(SRC)); });
const imports = (extra = {}) => ({ e: { f: (x) => x * 10, tick() {}, ...extra } });

t.test('callAsync returns results like a sync call', async (t) => {
  const inst = new W.Instance(mod, imports());
  t.equal(await inst.callAsync('add', 2, 3), 5);
  t.equal(await inst.callAsync('add64', 2n ** 40n, 1n), 2n ** 40n + 1n, 'i64 as BigInt');
  t.same(await inst.callAsync('pair', 21), [21, 42], 'multi-value');
  t.equal(await inst.callAsync('add', '7', 1), 8, 'arguments converted on the JS thread');
  const trap = await rejectsWith(t, inst.callAsync('div', 1, 0), isTrap('integer divide by zero'), 'a trap rejects');
  t.ok(trap && Array.isArray(trap.wasmBacktrace) && trap.wasmBacktrace.length >= 1,
    'with its wasm backtrace, as a sync trap');
  await rejectsWith(t, inst.callAsync('nope'), (e) => e instanceof TypeError, 'unknown export');
  await rejectsWith(t, inst.callAsync('add64', 1, 2), (e) => e instanceof TypeError,
    'a bad argument rejects (Number for i64)');
  t.equal(await inst.callAsync('add', 1, 1), 2, 'usable after failures');
});

t.test('JS imports are called on the JS thread while the guest waits', async (t) => {
  const seen = [];
  const inst = new W.Instance(mod, imports({ f: (x) => { seen.push(x); return x + 1; } }));
  t.equal(await inst.callAsync('sumf', 100), 5050 + 100, 'a hundred host calls');
  t.equal(seen.length, 100);
  t.same(seen.slice(0, 3), [100, 99, 98], 'in order');
  // The import can use the instance: its memory and a re-entrant call.
  let inner;
  const re = new W.Instance(mod, imports({
    f: (x) => {
      new Uint32Array(re.exports.mem.buffer)[4] = x;
      inner = re.exports.add(x, 1);
      return inner;
    },
  }));
  t.equal(await re.callAsync('callf', 41), 42);
  t.equal(inner, 42, 're-entrant sync call from the import');
  t.equal(new Uint32Array(re.exports.mem.buffer)[4], 41, 'memory written by the import');
});

t.test('an exception from a JS import rejects with the same object', async (t) => {
  const boom = new Error('boom from JS');
  const inst = new W.Instance(mod, imports({ f: () => { throw boom; } }));
  const err = await rejectsWith(t, inst.callAsync('callf', 1), (e) => e === boom, 'the very object');
  t.equal(err, boom);
  const bad = new W.Instance(mod, imports({ f: () => 1n }));
  await rejectsWith(t, bad.callAsync('callf', 1), (e) => e instanceof TypeError, 'a bad return value');
  t.equal(await new W.Instance(mod, imports()).callAsync('callf', 3), 30);
});

t.test('the event loop keeps running during a long guest run', async (t) => {
  // The guest spins for 400 ms (then its timeout stops it): time-bound, so
  // the check means the same on a fast machine and under a sanitizer.
  const inst = new W.Instance(mod, imports(), { timeout: 400 });
  let ticks = 0;
  const iv = setInterval(() => { ticks++; }, 10);
  const t0 = now();
  const p = inst.callAsync('spin');
  const first = await Promise.race([p.then(() => 'guest', () => 'guest'), sleep(100).then(() => 'timer')]);
  await rejectsWith(t, p, isTrap('interrupted'), 'the spin ended by its timeout');
  const ms = now() - t0;
  clearInterval(iv);
  t.equal(first, 'timer', 'a 100 ms timer fired while the guest ran');
  t.comment(`guest ran ${ms.toFixed(0)} ms, setInterval(10) ticked ${ticks} times`);
  t.ok(ticks >= 10, `${ticks} ticks in ${ms.toFixed(0)} ms`);
  // A computation that finishes by itself resolves with its result.
  t.equal(await new W.Instance(mod, imports()).callAsync('work', 2), 2e6, 'a finite run');
});

t.test('timeout and AbortSignal interrupt an async runaway loop', async (t) => {
  const T = 30;
  const inst = new W.Instance(mod, imports(), { timeout: T });
  await inst.callAsync('add', 0, 0);
  const overs = [];
  for (let i = 0; i < 3; i++) {
    const t0 = now();
    await rejectsWith(t, inst.callAsync('spin'), isTrap('interrupted'), `timeout ${i}`);
    overs.push(now() - t0 - T);
  }
  t.comment(`async timeout overshoot (ms, includes the promise round trip): ${overs.map((o) => o.toFixed(2)).join(', ')}`);
  t.ok(Math.min(...overs) < 50, 'within a generous bound');
  t.equal(await inst.callAsync('add', 1, 2), 3, 'next run is clean');

  const ac = new AbortController();
  const sig = new W.Instance(mod, imports(), { signal: ac.signal });
  const p = sig.callAsync('spin');
  await sleep(20);
  const t0 = now();
  ac.abort(new Error('user abort'));
  const err = await rejectsWith(t, p, isTrap('interrupted'), 'instance signal');
  t.ok(now() - t0 < 1000, 'stopped promptly');
  t.equal(err.cause && err.cause.message, 'user abort', 'cause: the signal\'s reason');
  await rejectsWith(t, sig.callAsync('add', 1, 1), isTrap('interrupted'), 'aborted instance: later runs fail');
});

t.test('interrupt() and an AbortSignal while the guest waits for a JS import', async (t) => {
  let inst;
  inst = new W.Instance(mod, imports({ tick() { setTimeout(() => W.interrupt(inst), 20); } }));
  await rejectsWith(t, inst.callAsync('tickThenSpin'), isTrap('interrupted'), 'interrupt() from a timer');
  t.equal(await inst.callAsync('add', 2, 2), 4);
});

t.test('one run per instance: "instance is busy"', async (t) => {
  const inst = new W.Instance(mod, imports());
  const p = inst.callAsync('spin');
  const busy = (e) => e.code === 'ERR_WASIHOST_BUSY' && /^instance is busy/.test(e.message);
  t.throws(() => inst.exports.add(1, 2), { code: 'ERR_WASIHOST_BUSY' }, 'a sync call');
  await rejectsWith(t, inst.callAsync('add', 1, 2), busy, 'a second async run');
  t.throws(() => inst.exports.mem.buffer, { code: 'ERR_WASIHOST_BUSY' }, 'its memory');
  t.throws(() => inst.exports.g.value, { code: 'ERR_WASIHOST_BUSY' }, 'its global');
  t.throws(() => inst.dispose(), { code: 'ERR_WASIHOST_BUSY' }, 'dispose');
  const other = new W.Instance(mod, imports());
  t.equal(other.exports.add(1, 2), 3, 'another instance of the module runs meanwhile');
  t.equal(W.interrupt(inst.exports.spin), true, 'interrupt through an export');
  await rejectsWith(t, p, isTrap('interrupted'), 'the run ends');
  t.equal(inst.exports.add(1, 2), 3, 'free again');
  t.ok(inst.exports.mem.buffer.byteLength === 65536);
  // A sync run in progress blocks an async start of the same instance.
  let nested;
  const s = new W.Instance(mod, imports({ f: (x) => { nested = s.callAsync('add', 1, 1); return x; } }));
  t.equal(s.exports.callf(5), 5);
  await rejectsWith(t, nested, busy, 'callAsync from inside a sync run');
});

t.test('fuel applies to async runs', async (t) => {
  const inst = new W.Instance(mod, imports(), { fuel: 100000 });
  await rejectsWith(t, inst.callAsync('spin'), isTrap('fuel exhausted'), 'fuel exhausted');
  t.equal(inst.fuel, 0);
  inst.fuel = 1e9;
  t.equal(await inst.callAsync('work', 1), 1e6);
  t.ok(inst.fuel < 1e9, 'spent on the guest thread, visible after');
});

t.test('funcref and externref results come back on the JS thread', async (t) => {
  const m = new W.Module(await wat(`(module
    (func $a (export "a") (result i32) (i32.const 7))
    (func (export "get") (result funcref) (ref.func $a))
    (func (export "ext") (param externref) (result externref) (local.get 0)))`));
  const inst = new W.Instance(m, {});
  const f = await inst.callAsync('get');
  t.equal(f, inst.exports.a, 'the same exported function object');
  const o = { hello: 1 };
  t.equal(await inst.callAsync('ext', o), o, 'externref identity');
});

t.test('a function reached through a table (not exported)', async (t) => {
  const m = new W.Module(await wat(`(module
    (table (export "t") 1 funcref)
    (func $hidden (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
    (elem (i32.const 0) $hidden)
    (func (export "spin") (loop br 0)))`));
  const inst = new W.Instance(m, {});
  const hidden = inst.exports.t.get(0);
  t.equal(hidden(5), 15, 'a sync call');
  if (native.features.funcInstance) {
    const p = inst.callAsync('spin');
    t.throws(() => hidden(1), { code: 'ERR_WASIHOST_BUSY' }, 'knows its instance is busy');
    W.interrupt(inst);
    await p.catch(() => {});
  } else {
    t.pass('engine without wh_func_instance: only exported functions know their instance');
  }
});

t.test('what an async run imported is pinned for the run', async (t) => {
  const mem = new W.Memory({ initial: 1 });
  const m = new W.Module(await wat(`(module
    (import "e" "m" (memory 1))
    (import "e" "peek" (func $peek))
    (func (export "spin") (loop br 0))
    (func (export "peekThenSpin") (call $peek) (loop br 0))
    (func (export "poke") (param i32) (i32.store (i32.const 0) (local.get 0))))`));
  let peeked;
  const a = new W.Instance(m, { e: { m: mem, peek: () => { peeked = new Uint32Array(mem.buffer)[0]; } } });
  const b = new W.Instance(m, { e: { m: mem, peek() {} } });
  b.exports.poke(77);
  const p = a.callAsync('spin');
  t.throws(() => mem.buffer, { code: 'ERR_WASIHOST_BUSY' }, 'the imported Memory');
  t.throws(() => b.exports.poke(1), { code: 'ERR_WASIHOST_BUSY' }, 'another instance sharing that memory');
  t.throws(() => mem.dispose(), { code: 'ERR_WASIHOST_BUSY' }, 'dispose of a pinned Memory');
  W.interrupt(a);
  await rejectsWith(t, p, isTrap('interrupted'), 'run ends');
  t.equal(new Uint32Array(mem.buffer)[0], 77, 'usable again after the run');
  // While the guest waits for a JS import, the import may use the memory.
  const q = a.callAsync('peekThenSpin');
  await sleep(30);
  t.equal(peeked, 77, 'the import read the pinned memory');
  W.interrupt(a);
  await q.catch(() => {});

  // Functions of another instance imported: that instance is pinned too.
  const lib = new W.Instance(new W.Module(await wat(`(module
    (func (export "id") (param i32) (result i32) (local.get 0)))`)), {});
  const user = new W.Instance(new W.Module(await wat(`(module
    (import "l" "id" (func $id (param i32) (result i32)))
    (func (export "spin") (loop (drop (call $id (i32.const 1))) (br 0))))`)), { l: lib.exports });
  const r = user.callAsync('spin');
  t.throws(() => lib.exports.id(1), { code: 'ERR_WASIHOST_BUSY' }, 'the instance whose function it imported');
  t.throws(() => lib.dispose(), { code: 'ERR_WASIHOST_BUSY' }, 'nor can it be disposed');
  W.interrupt(user);
  await r.catch(() => {});
  t.equal(lib.exports.id(5), 5, 'free after the run');
});

t.test('an async run\'s JS import calling into another instance: its timeout reaches it', async (t) => {
  const spinner = new W.Instance(mod, imports());
  const inst = new W.Instance(mod, imports({ f: (x) => { spinner.exports.spin(); return x; } }), { timeout: 50 });
  const t0 = now();
  await rejectsWith(t, inst.callAsync('callf', 1), isTrap('interrupted'), 'the nested loop on the JS thread was stopped');
  t.ok(now() - t0 < 50 + 1000, `within the deadline (${(now() - t0).toFixed(1)} ms)`);
  const ac = new AbortController();
  const inst2 = new W.Instance(mod, imports({ f: (x) => { setTimeout(() => ac.abort(), 0); spinner.exports.add(1, 1); return x; } }),
    { signal: ac.signal });
  t.equal(await inst2.callAsync('callf', 4), 4, 'a nested call that ends is fine');
  await sleep(10); // the abort fires
  await rejectsWith(t, inst2.callAsync('callf', 4), isTrap('interrupted'), 'aborted afterwards');
});
