'use strict';
// The plugin-host API: callAsync(name, [args], { timeout, signal, fuel }),
// the opt-in run queue, JS imports that return a Promise (awaited by async
// runs, a TypeError in sync runs) and callBytes.
const t = require('tap');
const path = require('path');
const fs = require('fs');
const {
  W, native, wat, now, sleep, throwsWith, rejectsWith, isTrap,
} = require('../limits/fixtures/util');

const SRC = `(module
  (import "e" "f" (func $f (param i32) (result i32)))
  (import "e" "g64" (func $g64 (param i64) (result i64)))
  (import "e" "two" (func $two (result i32 f64)))
  (import "e" "nothing" (func $nothing))
  (memory (export "memory") 1)
  (global $ran (mut i32) (i32.const 0))
  (func (export "spin") (loop br 0))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "ext") (param externref) (result externref) (local.get 0))
  (func (export "callf") (param i32) (result i32)
    (global.set $ran (i32.add (global.get $ran) (i32.const 1)))
    (call $f (local.get 0)))
  (func (export "ran") (result i32) (global.get $ran))
  (func (export "callg64") (param i64) (result i64) (call $g64 (local.get 0)))
  (func (export "calltwo") (result i32 f64) (call $two))
  (func (export "callnothing") (result i32) (call $nothing) (i32.const 7))
  ;; f(n) + f(n-1) + ... + f(1), one host call each
  (func (export "sumf") (param $n i32) (result i32) (local $s i32)
    (block $done (loop $l
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $s (i32.add (local.get $s) (call $f (local.get $n))))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $l)))
    (local.get $s))
  ;; calls f(addr), then reads the i32 the host wrote at addr
  (func (export "fillThenRead") (param $addr i32) (result i32)
    (drop (call $f (local.get $addr)))
    (i32.load (local.get $addr)))
  (func (export "work") (param $n i32) (result i32) (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $i)))`;

let mod;
t.before(async () => { mod = new W.Module(await wat(SRC)); });
const imports = (e = {}) => ({
  e: { f: (x) => x, g64: (x) => x, two: () => [1, 2.5], nothing() {}, ...e },
});
const isBusy = (e) => e && e.code === 'ERR_WASIHOST_BUSY';
const isDisposed = (e) => e && e.code === 'ERR_WASIHOST_DISPOSED';
const later = (ms, v) => new Promise((r) => setTimeout(() => r(v), ms));

t.test('callAsync(name, [args], options) beside the old callAsync(name, ...args)', async (t) => {
  const inst = new W.Instance(mod, imports());
  t.equal(await inst.callAsync('add', 2, 3), 5, 'old form');
  t.equal(await inst.callAsync('add', [2, 3]), 5, 'argument Array');
  t.equal(await inst.callAsync('add', [2, 3], { timeout: 1000 }), 5, 'with options');
  t.equal(await inst.callAsync('add', [2, 3], {}), 5, 'empty options are not an argument');
  const arr = [1, 2];
  t.equal(await inst.callAsync('ext', [arr]), arr, 'an Array argument goes inside the list');
  await rejectsWith(t, inst.callAsync('add', [1, 2], {}, 3), (e) => e instanceof TypeError,
    'nothing may follow the options');
  await rejectsWith(t, inst.callAsync('add', [1, 2], 5), (e) => e instanceof TypeError, 'options must be an object');
  await rejectsWith(t, inst.callAsync('add', [1, 2], { timeout: -1 }), (e) => e instanceof TypeError, 'bad timeout');
  await rejectsWith(t, inst.callAsync('add', [1, 2], { signal: {} }), (e) => e instanceof TypeError, 'bad signal');
  await rejectsWith(t, inst.callAsync('add', [1, 2], { fuel: 0 }), (e) => e instanceof TypeError, 'fuel 0');
  await rejectsWith(t, inst.callAsync('add', [1, 2], { fuel: -1n }), (e) => e instanceof TypeError, 'negative fuel');
  await rejectsWith(t, inst.callAsync('nope', []), (e) => e instanceof TypeError, 'unknown export');
  t.equal(await inst.callAsync('add', [4, 5]), 9, 'usable after the refusals');
});

t.test('per-call timeout, signal and fuel', async (t) => {
  const inst = new W.Instance(mod, imports());
  let t0 = now();
  await rejectsWith(t, inst.callAsync('spin', [], { timeout: 30 }), isTrap('interrupted'), 'timeout');
  const took = now() - t0;
  t.ok(took >= 29 && took < 1000, `stopped after ${took.toFixed(1)} ms`);

  const ac = new AbortController();
  setTimeout(() => ac.abort(new Error('enough')), 20);
  const e = await rejectsWith(t, inst.callAsync('spin', [], { signal: ac.signal }), isTrap('interrupted'), 'signal');
  t.equal(e.cause && e.cause.message, 'enough', 'cause is the reason');
  await rejectsWith(t, inst.callAsync('add', [1, 1], { signal: ac.signal }), isTrap('interrupted'),
    'an aborted signal fails the call at once');
  t.equal(await inst.callAsync('add', [1, 1]), 2, 'the signal was this call\'s, not the instance\'s');

  await rejectsWith(t, inst.callAsync('spin', [], { fuel: 1e5 }), isTrap('fuel exhausted'), 'fuel on an unmetered instance');
  t.equal(inst.fuel, undefined, 'the instance still has no fuel limit of its own');
  t.equal(await inst.callAsync('work', [1e6]), 1e6, 'later calls are unlimited');
  t.equal(await inst.callAsync('work', [1000], { fuel: 1e6 }), 1000, 'a call within its budget');

  const metered = new W.Instance(mod, imports(), { fuel: 1e6 });
  await rejectsWith(t, metered.callAsync('work', [1e6], { fuel: 1e4 }), isTrap('fuel exhausted'), 'budget below the instance\'s');
  const left = metered.fuel;
  t.ok(left > 1e6 - 2e4 && left <= 1e6 - 1e4, `what the call spent came out of the instance's fuel (${left} left)`);
  await rejectsWith(t, metered.callAsync('spin', [], { fuel: 1e9 }), isTrap('fuel exhausted'),
    'a budget above the instance\'s is capped by it');
  t.equal(metered.fuel, 0, 'and the instance is spent');
});

t.test('a Promise-returning import suspends an async run until it settles', async (t) => {
  const inst = new W.Instance(mod, imports({
    f: async (x) => { await later(5); return x * 2; },
    g64: (x) => later(1, x + 1n),
    two: () => later(1, [3, 4.5]),
    nothing: () => later(1),
  }));
  t.equal(await inst.callAsync('callf', [21]), 42, 'i32');
  t.equal(await inst.callAsync('callg64', [2n ** 40n]), 2n ** 40n + 1n, 'i64');
  t.same(await inst.callAsync('calltwo', []), [3, 4.5], 'multi-value');
  t.equal(await inst.callAsync('callnothing', []), 7, 'no results');
  const t0 = now();
  t.equal(await inst.callAsync('sumf', [20]), 2 * 210, 'twenty awaited host calls in one run');
  t.ok(now() - t0 >= 20 * 4, 'each waited for its timer');

  // the event loop is free while the guest waits
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  const slow = new W.Instance(mod, imports({ f: (x) => later(50, x) }));
  t.equal(await slow.callAsync('callf', [1]), 1);
  clearInterval(timer);
  t.ok(ticks >= 2, `timers ran meanwhile (${ticks})`);
});

t.test('the import\'s continuation may use the instance (memory, re-entrant calls)', async (t) => {
  let inst;
  inst = new W.Instance(mod, imports({
    async f(addr) {
      await later(2);
      new DataView(inst.exports.memory.buffer).setInt32(addr, inst.exports.add(40, 2), true);
      return 0;
    },
  }));
  t.equal(await inst.callAsync('fillThenRead', [64]), 42, 'written after the await, read by the guest');
});

t.test('a rejection is the import\'s exception', async (t) => {
  const boom = new Error('boom');
  const inst = new W.Instance(mod, imports({ f: () => later(1).then(() => { throw boom; }) }));
  await rejectsWith(t, inst.callAsync('callf', [1]), (e) => e === boom, 'the very object');
  const prim = new W.Instance(mod, imports({ f: () => Promise.reject(42) }));
  await rejectsWith(t, prim.callAsync('callf', [1]), (e) => e === 42, 'a primitive');
  const bad = new W.Instance(mod, imports({ f: async () => 1n }));
  await rejectsWith(t, bad.callAsync('callf', [1]), (e) => e instanceof TypeError, 'a value of the wrong type');
  t.equal(await inst.callAsync('add', [1, 2]), 3, 'usable afterwards');
});

t.test('in a synchronous run a Promise is a TypeError naming the import', async (t) => {
  const inst = new W.Instance(mod, imports({ f: async function fetchUser(x) { return x; } }));
  const e = throwsWith(t, () => inst.exports.callf(1), (e) => e instanceof TypeError &&
    e.code === 'ERR_WASIHOST_ASYNC_IMPORT', 'TypeError');
  t.match(e.message, /'fetchUser' returned a Promise during a synchronous call/, e.message);
  t.equal(await inst.callAsync('callf', [5]), 5, 'the same import works in an async run');
  // an async run whose import calls a sync export whose import returns a Promise
  const inner = new W.Instance(mod, imports({ f: async (x) => x }));
  const outer = new W.Instance(mod, imports({ f: (x) => inner.exports.callf(x) }));
  await rejectsWith(t, outer.callAsync('callf', [1]), (e) => e instanceof TypeError && e.code === 'ERR_WASIHOST_ASYNC_IMPORT',
    'a nested sync run cannot wait either');
});

t.test('timeout, abort and interrupt() end a run parked on a Promise', async (t) => {
  let settle;
  const inst = new W.Instance(mod, imports({ f: () => new Promise((r) => { settle = r; }) }));
  let t0 = now();
  await rejectsWith(t, inst.callAsync('callf', [1], { timeout: 40 }), isTrap('interrupted'), 'per-call timeout');
  let took = now() - t0;
  t.ok(took >= 39 && took < 1000, `the timeout counts wall time while parked (${took.toFixed(1)} ms)`);
  settle(5); // too late: nobody waits any more
  await sleep(5);
  t.equal(await inst.callAsync('add', [2, 2]), 4, 'a late settle changes nothing');

  const ac = new AbortController();
  setTimeout(() => ac.abort('stop'), 20);
  const e = await rejectsWith(t, inst.callAsync('callf', [1], { signal: ac.signal }), isTrap('interrupted'), 'signal');
  t.equal(e.cause, 'stop', 'cause');

  const p = inst.callAsync('callf', [1]);
  await sleep(10);
  t.equal(W.interrupt(inst), true, 'interrupt() sees the parked run');
  await rejectsWith(t, p, isTrap('interrupted'), 'interrupt()');

  const limited = new W.Instance(mod, imports({ f: () => new Promise(() => {}) }), { timeout: 30 });
  t0 = now();
  await rejectsWith(t, limited.callAsync('callf', [1]), isTrap('interrupted'), 'the instance\'s own timeout');
  took = now() - t0;
  t.ok(took >= 29 && took < 1000, `also wall time (${took.toFixed(1)} ms)`);

  // without a queue, dispose() during the parked run is refused, as for any run
  const q = inst.callAsync('callf', [1], { timeout: 50 });
  await sleep(5);
  throwsWith(t, () => inst.dispose(), isBusy, 'dispose() during a run without a queue');
  await rejectsWith(t, inst.callAsync('add', [1, 1]), isBusy, 'a second run is busy without a queue');
  await rejectsWith(t, q, isTrap('interrupted'), 'ended by its timeout');
  inst.dispose();
});

t.test('the run queue: in order, bounded, abort and timeout while waiting, dispose', async (t) => {
  throwsWith(t, () => new W.Instance(mod, imports(), { queue: 'yes' }), (e) => e instanceof TypeError, 'bad queue option');
  const log = [];
  const inst = new W.Instance(mod, imports({ f: async (x) => { log.push(`start ${x}`); await later(5); log.push(`end ${x}`); return x; } }),
    { queue: 3 });
  const calls = [1, 2, 3, 4].map((i) => inst.callAsync('callf', [i]));
  await rejectsWith(t, inst.callAsync('callf', [5]), (e) => e.code === 'ERR_WASIHOST_QUEUE_FULL', 'past the bound');
  t.same(await Promise.all(calls), [1, 2, 3, 4], 'all served');
  t.same(log, ['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3', 'start 4', 'end 4'], 'one at a time, in order');
  t.equal(await inst.callAsync('add', 1, 2), 3, 'old form through the queue');

  // waiting calls that are aborted or time out leave without running
  const before = inst.exports.ran();
  const ac = new AbortController();
  const first = inst.callAsync('callf', [1]);
  const aborted = inst.callAsync('callf', [2], { signal: ac.signal });
  const timed = inst.callAsync('callf', [3], { timeout: 1 });
  const last = inst.callAsync('callf', [4]);
  ac.abort('changed my mind');
  const e = await rejectsWith(t, aborted, isTrap('interrupted'), 'aborted while waiting');
  t.equal(e.cause, 'changed my mind', 'with the reason');
  await rejectsWith(t, timed, isTrap('interrupted'), 'timed out while waiting');
  t.same([await first, await last], [1, 4], 'the others ran');
  t.equal(inst.exports.ran() - before, 2, 'the two that left never ran');

  // dispose(): the waiting calls are refused, the running one stopped
  let settle;
  const d = new W.Instance(mod, imports({ f: () => new Promise((r) => { settle = r; }) }), { queue: true });
  const running = d.callAsync('callf', [1]);
  const waiting = d.callAsync('callf', [2]);
  await sleep(5);
  d.dispose();
  await rejectsWith(t, waiting, isDisposed, 'a waiting call is rejected as disposed');
  await rejectsWith(t, running, isTrap('interrupted'), 'the running call is interrupted');
  await sleep(1);
  t.equal(native.isDisposed(d), true, 'and the instance released once it stopped');
  settle(1);
  await rejectsWith(t, d.callAsync('callf', [3]), isDisposed, 'later calls');
  const idle = new W.Instance(mod, imports(), { queue: true });
  idle.dispose();
  t.equal(native.isDisposed(idle), true, 'an idle queued instance is released at once');
});

t.test('four concurrent callers on one queued instance', async (t) => {
  const inst = new W.Instance(mod, imports({ f: async (x) => { await later(2); return x; } }), { queue: true });
  const t0 = now();
  const rs = await Promise.all([1, 2, 3, 4].map((i) => inst.callAsync('sumf', [10 + i])));
  t.same(rs, [11, 12, 13, 14].map((n) => (n * (n + 1)) / 2), `all served (${(now() - t0).toFixed(0)} ms)`);
});

const PLUGIN = path.join(__dirname, '..', '..', 'examples', 'plugin-host', 'plugin.wasm');

t.test('callBytes with the example plugin (C, wasm32-wasi)', async (t) => {
  const m = new W.Module(fs.readFileSync(PLUGIN));
  let inst;
  const settings = { greeting: 'Hello' };
  inst = new W.Instance(m, {
    host: {
      async lookup(kp, kl, out, cap) {
        const v = settings[inst.exports.memory.readString(kp, kl)];
        await later(1);
        return v === undefined ? -1 : inst.exports.memory.write(out, v, cap);
      },
    },
  }, { maxMemory: 16 << 20, queue: true });
  inst.exports._initialize();
  t.equal(await inst.callBytes('upper', 'abc', { encoding: 'utf8' }), 'ABC', 'string in, string out');
  t.equal(await inst.callBytes('upper', '', { encoding: 'utf8' }), '', 'empty input');
  const out = await inst.callBytes('upper', new Uint8Array([0x61, 0xff, 0x00, 0x7a]));
  t.ok(out instanceof Uint8Array, 'bytes by default');
  t.same([...out], [0x41, 0xff, 0x00, 0x5a], 'bytes pass unchanged');
  t.equal(await inst.callBytes('greet', 'Ada', { encoding: 'utf8' }), 'Hello, Ada!', 'through an async import');
  const pages = inst.exports.memory.buffer.byteLength;
  for (let i = 0; i < 200; i++) await inst.callBytes('upper', 'x'.repeat(10000));
  t.equal(inst.exports.memory.buffer.byteLength, pages, 'input and output are freed (memory did not grow)');
  await rejectsWith(t, inst.callBytes('spin', 'x', { timeout: 30 }), isTrap('interrupted'), 'a looping plugin');
  await rejectsWith(t, inst.callBytes('crash', 'x'), isTrap('out of bounds memory access'), 'a trapping plugin');
  await rejectsWith(t, inst.callBytes('nope', 'x'), (e) => e instanceof TypeError && /no exported function 'nope'/.test(e.message), 'unknown export');
  await rejectsWith(t, inst.callBytes('upper', 'x', { alloc: 'alloc' }), (e) => e instanceof TypeError && /options.alloc/.test(e.message), 'no such allocator');
  await rejectsWith(t, inst.callBytes('upper', 42), (e) => e instanceof TypeError, 'bad input');
  await rejectsWith(t, inst.callBytes('upper', 'x', { encoding: 'latin1' }), (e) => e instanceof TypeError, 'bad encoding');
  const rs = await Promise.all(['a', 'b', 'c', 'd'].map((s) => inst.callBytes('greet', s, { encoding: 'utf8' })));
  t.same(rs, ['Hello, a!', 'Hello, b!', 'Hello, c!', 'Hello, d!'], 'concurrent callBytes through the queue');
  inst.dispose();
});

t.test('callBytes: two i32 results, no free', async (t) => {
  // a bump allocator, and a function returning [ptr, len] of its reversed input
  const m = new W.Module(await wat(`(module
    (memory (export "mem") 1)
    (global $top (mut i32) (i32.const 1024))
    (func (export "alloc") (param $n i32) (result i32) (local $p i32)
      (local.set $p (global.get $top))
      (global.set $top (i32.add (global.get $top) (local.get $n)))
      (local.get $p))
    (func (export "rev") (param $p i32) (param $n i32) (result i32 i32) (local $o i32) (local $i i32)
      (local.set $o (global.get $top))
      (global.set $top (i32.add (global.get $top) (local.get $n)))
      (block $d (loop $l
        (br_if $d (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store8 (i32.add (local.get $o) (local.get $i))
          (i32.load8_u (i32.sub (i32.add (local.get $p) (local.get $n)) (i32.add (local.get $i) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
      (local.get $o) (local.get $n)))`));
  const inst = new W.Instance(m, {});
  t.equal(await inst.callBytes('rev', 'stressed', { alloc: 'alloc', free: null, memory: 'mem', encoding: 'utf8' }),
    'desserts');
  await rejectsWith(t, inst.callBytes('rev', 'x', { alloc: 'alloc', memory: 'mem' }),
    (e) => e instanceof TypeError && /options.free/.test(e.message), 'a missing free must be said (null)');
});

t.test('the plugin-host example runs with one command', async (t) => {
  const { execFile } = require('child_process');
  const host = path.join(__dirname, '..', '..', 'examples', 'plugin-host', 'host.js');
  const out = await new Promise((resolve, reject) => {
    execFile(process.execPath, [host], { timeout: 30000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
  t.match(out, /upper\("hello, plugins"\) -> "HELLO, PLUGINS"/, 'a plain call');
  t.match(out, /greet\("Ada"\) -> "Bonjour, Ada!"/, 'an async import');
  t.match(out, /spin\("x"\) -> RuntimeError: interrupted/, 'a looping plugin is stopped');
  t.match(out, /crash\("x"\) -> RuntimeError: out of bounds memory access/, 'a trapping plugin');
  t.match(out, /hog\(""\) -> "1[0-5]"/, 'the memory cap holds a greedy plugin to 16 MiB');
  t.match(out, /upper\("still serving"\) -> "STILL SERVING"/, 'the host goes on');
  t.match(out, /served in order: Grace, Linus, Barbara, Ken .*event loop ticked meanwhile/, 'the queue');
});

t.test('wasi.startAsync awaits a Promise-returning import too', async (t) => {
  const m = new W.Module(await wat(`(module
    (import "e" "f" (func $f (param i32) (result i32)))
    (memory (export "memory") 1)
    (func (export "_start") (i32.store (i32.const 16) (call $f (i32.const 20)))))`));
  const wasi = new W.WASI({ version: 'preview1', returnOnExit: true });
  const inst = new W.Instance(m, { ...wasi.getImportObject(), e: { f: (x) => later(5, x + 1) } });
  t.equal(await wasi.startAsync(inst), 0, 'exit code');
  t.equal(new DataView(inst.exports.memory.buffer).getInt32(16, true), 21, 'the awaited value reached the guest');
});

t.test('dispose() of a queued instance from a sync run is refused and leaves the queue open', async (t) => {
  let inst;
  let err;
  inst = new W.Instance(mod, imports({ f: (x) => { try { inst.dispose(); } catch (e) { err = e; } return x; } }), { queue: true });
  t.equal(inst.exports.callf(3), 3, 'the sync run goes on');
  t.ok(isBusy(err), 'dispose() was refused as busy');
  t.equal(await inst.callAsync('add', [1, 1]), 2, 'the queue still serves calls');
  inst.dispose();
  await rejectsWith(t, inst.callAsync('add', [1, 1]), isDisposed, 'after a real dispose');
});
