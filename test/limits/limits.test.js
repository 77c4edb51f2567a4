'use strict';
// Execution limits on the JS thread: fuel, memory cap, call depth, value
// stack, timeout and AbortSignal, and their trap texts.
const t = require('tap');
const { W, wat, now, throwsWith, isTrap } = require('./fixtures/util');

const LOOPS = `(module
  (import "e" "cb" (func $cb))
  (memory (export "mem") 1)
  (func (export "spin") (loop br 0))
  (func (export "count") (param $n i32) (result i32) (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $i))
  (func $rec (export "rec") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $rec (i32.sub (local.get 0) (i32.const 1)))))))
  (func (export "callThenSpin") (call $cb) (loop br 0))
  (func (export "nop"))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`;

let mod;
t.before(async () => { mod = new W.Module(await wat(LOOPS)); });
const noop = { e: { cb() {} } };

t.test('fuel: exhaustion traps, the getter reads it, the setter refills it', async (t) => {
  const inst = new W.Instance(mod, noop, { fuel: 100000 });
  t.equal(inst.fuel, 100000, 'initial budget');
  t.equal(inst.exports.count(100), 100, 'a short loop runs');
  const left = inst.fuel;
  t.ok(left < 100000 && left > 99000, `fuel was spent (${left} left)`);
  throwsWith(t, () => inst.exports.spin(), isTrap('fuel exhausted'), 'a runaway loop: "fuel exhausted"');
  t.equal(inst.fuel, 0, 'nothing left');
  throwsWith(t, () => inst.exports.count(10), isTrap('fuel exhausted'), 'still empty');
  inst.fuel = 50000;
  t.equal(inst.fuel, 50000, 'refilled');
  t.equal(inst.exports.count(1000), 1000, 'runs again after a refill');
  throwsWith(t, () => inst.exports.count(1e9), isTrap('fuel exhausted'), 'a long loop runs out');
  inst.fuel = 10n ** 12n;
  t.equal(inst.exports.count(1e6), 1e6, 'BigInt refill');
  const plain = new W.Instance(mod, noop);
  t.equal(plain.fuel, undefined, 'no fuel limit: undefined');
  t.throws(() => { plain.fuel = 10; }, TypeError, 'cannot refill what was never limited');
  t.throws(() => new W.Instance(mod, noop, { fuel: -1 }), TypeError);
});

t.test('fuel approximates executed instructions', async (t) => {
  const inst = new W.Instance(mod, noop, { fuel: 1e9 });
  inst.exports.count(10000);
  const spent = 1e9 - inst.fuel;
  // count's loop body is 5 wasm instructions, translated into one fused
  // instruction (add/imm;br_if i32.lt_u): each of its 9999 back-edges is
  // charged the translated loop's length, one.
  t.ok(spent >= 9999 && spent < 10000 * 40, `10000 iterations cost ${spent}`);
});

// The interpreter reads the interrupt flags only every few thousand fuel
// units (its fuel counts down to the next full check): the budget a run
// may spend must stay exact across those refills.
t.test('fuel is exact across the interpreter\'s check points', async (t) => {
  const probe = new W.Instance(mod, noop, { fuel: 1e12 });
  probe.exports.count(400000);
  const need = 1e12 - probe.fuel;
  t.ok(need > 1 << 18, `the run spans many check points (${need} units)`);
  const exact = new W.Instance(mod, noop, { fuel: need });
  t.equal(exact.exports.count(400000), 400000, 'exactly the budget it needs: it runs');
  t.equal(exact.fuel, 0, 'and nothing is left');
  const short = new W.Instance(mod, noop, { fuel: need - 1 });
  throwsWith(t, () => short.exports.count(400000), isTrap('fuel exhausted'), 'one unit less: it traps');
  t.equal(short.fuel, 0, 'nothing left after the trap');
  // the same budget split over many runs spends the same
  const split = new W.Instance(mod, noop, { fuel: need * 4 });
  for (let i = 0; i < 4; i++) split.exports.count(400000);
  t.equal(split.fuel, 0, 'four runs spend four budgets');
  const rec = new W.Instance(mod, noop, { fuel: 1e12 });
  rec.exports.rec(5000);
  const recNeed = 1e12 - rec.fuel;
  const recShort = new W.Instance(mod, noop, { fuel: recNeed - 1 });
  throwsWith(t, () => recShort.exports.rec(5000), isTrap('fuel exhausted'), 'calls are charged exactly too');
});

t.test('maxMemory: instantiation over the cap fails, growth beyond it returns -1', async (t) => {
  throwsWith(t, () => new W.Instance(mod, noop, { maxMemory: 1000 }),
    (e) => e instanceof RangeError && /exceeds the limit of 1000 bytes/.test(e.message),
    'a 1-page memory does not fit 1000 bytes');
  const inst = new W.Instance(mod, noop, { maxMemory: 3 * 65536 });
  t.equal(inst.exports.grow(1), 1, 'grow to 2 pages');
  t.equal(inst.exports.grow(1), 2, 'grow to 3 pages');
  t.equal(inst.exports.grow(1), -1, 'a 4th page is over the cap: memory.grow returns -1');
  t.equal(inst.exports.mem.buffer.byteLength, 3 * 65536);
  t.throws(() => inst.exports.mem.grow(1), RangeError, 'Memory.grow() from JS: RangeError');
  t.equal(inst.exports.grow(0), 3, 'size unchanged');
});

t.test('maxCallDepth and maxStackSlots: "call stack exhausted"', async (t) => {
  const inst = new W.Instance(mod, noop, { maxCallDepth: 100 });
  t.equal(inst.exports.rec(50), 50, 'within the depth');
  throwsWith(t, () => inst.exports.rec(500), isTrap('call stack exhausted'), 'deeper than 100 frames');
  t.equal(inst.exports.rec(90), 90, 'usable after the trap');
  const deep = new W.Instance(mod, noop);
  t.equal(deep.exports.rec(5000), 5000, 'default depth allows 5000');
  const slots = new W.Instance(mod, noop, { maxStackSlots: 256 });
  throwsWith(t, () => slots.exports.rec(1000), isTrap('call stack exhausted'), 'value stack of 256 slots');
  t.equal(slots.exports.rec(10), 10);
  t.throws(() => new W.Instance(mod, noop, { maxCallDepth: 2 ** 33 }), RangeError);
});

t.test('timeout interrupts a sync runaway loop promptly', async (t) => {
  const T = 30;
  const inst = new W.Instance(mod, noop, { timeout: T });
  inst.exports.nop(); // translate and start the watchdog outside the timing
  const overs = [];
  for (let i = 0; i < 5; i++) {
    const t0 = now();
    throwsWith(t, () => inst.exports.spin(), isTrap('interrupted'), `run ${i}: "interrupted"`);
    overs.push(now() - t0 - T);
  }
  const best = Math.min(...overs);
  t.ok(overs.every((o) => o >= -0.5), 'never before the deadline');
  // Within 1 ms on a quiet machine; the bound is generous for loaded CI.
  t.ok(best < 50, `overshoot past ${T} ms: ${overs.map((o) => o.toFixed(2)).join(', ')} ms`);
  t.comment(`sync timeout overshoot (ms): min ${best.toFixed(3)} median ${overs.sort((a, b) => a - b)[2].toFixed(3)}`);
  t.equal(inst.exports.count(10), 10, 'the flag is cleared before the next run');
});

// Calls without a loop between them pass the same stop check as
// back-edges: an endless cycle of tail calls, or of calls that return
// and are made again from a loop, is stopped as promptly.
t.test('timeout stops endless tail calls and call-heavy loops promptly', async (t) => {
  const CALLS = `(module
    (func $a (export "tails") (return_call $b))
    (func $b (return_call $a))
    (func $leaf (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
    (func (export "calls") (local i32)
      (loop $l (local.set 0 (call $leaf (local.get 0))) (br $l))))`;
  const w = await require('wabt')();
  const parsed = w.parseWat('calls.wat', CALLS, { tail_call: true });
  const m = new W.Module(Buffer.from(parsed.toBinary({}).buffer));
  parsed.destroy();
  const T = 30;
  for (const f of ['tails', 'calls']) {
    const inst = new W.Instance(m, {}, { timeout: T });
    const t0 = now();
    throwsWith(t, () => inst.exports[f](), isTrap('interrupted'), `${f}: "interrupted"`);
    const over = now() - t0 - T;
    t.ok(over < 200, `${f}: overshoot ${over.toFixed(2)} ms`);
  }
});

t.test('timeout counts per run, nested calls share it', async (t) => {
  const inst = new W.Instance(mod, noop, { timeout: 200 });
  const t0 = now();
  for (let i = 0; i < 20; i++) inst.exports.count(1000);
  t.ok(now() - t0 < 5000, 'short runs never hit the timeout');
  // A host function calling back in runs inside the outer deadline.
  let inner;
  const outer = new W.Instance(mod, {
    e: { cb() { try { outer.exports.spin(); } catch (e) { inner = e; throw e; } } },
  }, { timeout: 40 });
  const t1 = now();
  throwsWith(t, () => outer.exports.callThenSpin(), isTrap('interrupted'), 'traps');
  t.ok(inner && inner.message === 'interrupted', 'the nested run was interrupted');
  t.ok(now() - t1 < 40 + 1000, 'within the one deadline');
});

t.test('AbortSignal interrupts a sync run (fired from a JS import)', async (t) => {
  const ac = new AbortController();
  const inst = new W.Instance(mod, { e: { cb() { ac.abort(new Error('stop!')); } } }, { signal: ac.signal });
  t.equal(inst.exports.count(5), 5, 'runs before the abort');
  throwsWith(t, () => inst.exports.callThenSpin(), isTrap('interrupted'), 'the loop after the abort stops');
  throwsWith(t, () => inst.exports.nop(), isTrap('interrupted'), 'after the abort every run fails at once');
  const pre = new W.Instance(mod, noop, { signal: AbortSignal.abort() });
  throwsWith(t, () => pre.exports.nop(), isTrap('interrupted'), 'an already aborted signal');
  t.throws(() => new W.Instance(mod, noop, { signal: {} }), TypeError);
  t.throws(() => new W.Instance(mod, noop, { timeout: -1 }), TypeError);
});

t.test('the start function is a run: timeout, AbortSignal and fuel stop it', async (t) => {
  const starter = new W.Module(await wat(`(module
    (import "e" "cb" (func $cb))
    (global $g (mut i32) (i32.const 0))
    (func $start (call $cb) (loop br 0))
    (func (export "nop"))
    (start $start))`));
  const t0 = now();
  throwsWith(t, () => new W.Instance(starter, noop, { timeout: 30 }), isTrap('interrupted'),
    'a start function that never ends: the constructor throws "interrupted"');
  t.ok(now() - t0 < 30 + 1000, `within the timeout (${(now() - t0).toFixed(1)} ms)`);
  const ac = new AbortController();
  throwsWith(t, () => new W.Instance(starter, { e: { cb() { ac.abort('enough'); } } }, { signal: ac.signal }),
    (e) => e instanceof W.RuntimeError && e.message === 'interrupted' && e.cause === 'enough',
    'a signal fired from a JS import during start stops it; the cause is the reason');
  let called = false;
  throwsWith(t, () => new W.Instance(starter, { e: { cb() { called = true; } } }, { signal: AbortSignal.abort() }),
    isTrap('interrupted'), 'an already aborted signal: start does not run');
  t.notOk(called, 'the start function never ran');
  throwsWith(t, () => new W.Instance(starter, noop, { fuel: 10000 }), isTrap('fuel exhausted'), 'fuel');
  // A start function that returns, under a timeout: the instance works.
  const quick = new W.Module(await wat(`(module
    (global $g (export "g") (mut i32) (i32.const 0))
    (func $start (global.set $g (i32.const 7)))
    (func (export "spin") (loop br 0))
    (start $start))`));
  const q = new W.Instance(quick, {}, { timeout: 30 });
  t.equal(q.exports.g.value, 7, 'the start function ran');
  throwsWith(t, () => q.exports.spin(), isTrap('interrupted'), 'later runs keep the timeout');
});

t.test('interrupt() stops the current run only', async (t) => {
  let inst;
  inst = new W.Instance(mod, { e: { cb() { t.equal(W.interrupt(inst), true, 'a run was in progress'); } } });
  throwsWith(t, () => inst.exports.callThenSpin(), isTrap('interrupted'), 'traps');
  t.equal(W.interrupt(inst), false, 'nothing runs now');
  t.equal(inst.exports.count(3), 3, 'the next run is not affected');
  t.throws(() => W.interrupt({}), TypeError);
});

t.test('WASI.start(instance, { timeout, signal })', async (t) => {
  const mod2 = new W.Module(await wat(`(module
    (import "e" "cb" (func $cb))
    (memory (export "memory") 1)
    (func (export "_start") (call $cb) (loop br 0)))`));
  const w1 = new W.WASI({});
  const i1 = new W.Instance(mod2, { ...w1.getImportObject(), e: { cb() {} } });
  throwsWith(t, () => w1.start(i1, { timeout: 20 }), isTrap('interrupted'), 'timeout');
  const ac = new AbortController();
  const w2 = new W.WASI({});
  const i2 = new W.Instance(mod2, { ...w2.getImportObject(), e: { cb() { ac.abort('why'); } } });
  throwsWith(t, () => w2.start(i2, { signal: ac.signal }),
    (e) => e instanceof W.RuntimeError && e.message === 'interrupted' && e.cause === 'why',
    'abort: the cause is the signal\'s reason');
  const w3 = new W.WASI({});
  t.throws(() => w3.start(new W.Instance(mod2, { ...w3.getImportObject(), e: { cb() {} } }), { timeout: 'x' }), TypeError);
});

t.test('a JS import calling into another instance: the outer deadline and interrupt reach it', async (t) => {
  const spinner = new W.Instance(mod, noop); // no limits of its own
  let inner;
  const outer = new W.Instance(mod, {
    e: { cb() { try { spinner.exports.spin(); } catch (e) { inner = e; throw e; } } },
  }, { timeout: 40 });
  const t0 = now();
  throwsWith(t, () => outer.exports.callThenSpin(), isTrap('interrupted'), 'the outer run fails');
  t.ok(inner && inner.message === 'interrupted', 'the other instance\'s loop was stopped by the outer timeout');
  t.ok(now() - t0 < 40 + 1000, `within the deadline (${(now() - t0).toFixed(1)} ms)`);
  t.equal(spinner.exports.count(3), 3, 'the other instance runs normally afterwards');

  // interrupt() of the outer instance from inside the nested run's import.
  const inner2 = new W.Instance(mod, { e: { cb() { W.interrupt(outer2); } } });
  let outer2 = null;
  outer2 = new W.Instance(mod, { e: { cb() { inner2.exports.callThenSpin(); } } });
  throwsWith(t, () => outer2.exports.callThenSpin(), isTrap('interrupted'), 'interrupt() reaches nested runs');
  // After the interrupt, a further nested run started from the same import fails at once.
  let second;
  const outer3 = new W.Instance(mod, {
    e: {
      cb() {
        W.interrupt(outer3);
        try { spinner.exports.count(1); } catch (e) { second = e; }
      },
    },
  });
  throwsWith(t, () => outer3.exports.callThenSpin(), isTrap('interrupted'), 'outer3 stops');
  t.ok(second && second.message === 'interrupted', 'a run nested in an interrupted one fails at once');
});
