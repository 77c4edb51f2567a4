'use strict';
// Abuse of runs parked on a Promise-returning JS import (napi_async.c):
// user code that disposes, interrupts, re-enters, patches then(), settles
// twice or late, lets the Promise be collected, floods the queue, or ends
// the Worker while the guest waits.  Run under ASan+UBSan by
// `npm run test:asan` (the battery): the outcome must be a clean JS result
// or exception, never a crash.
const t = require('tap');
const path = require('path');
const { Worker } = require('worker_threads');
const { W, native, wat, sleep, root } = require('./fixtures');

const SRC = `(module
  (import "e" "f" (func $f (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "callf") (param i32) (result i32) (call $f (local.get 0)))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "twice") (param i32) (result i32)
    (i32.add (call $f (local.get 0)) (call $f (local.get 0)))))`;

let mod;
t.before(async () => { mod = new W.Module(await wat(SRC)); });
const later = (ms, v) => new Promise((r) => setTimeout(() => r(v), ms));
const gc = () => { if (global.gc) global.gc(); else require('vm').runInNewContext('gc')(); };

// Settles p and tells what happened, in words.
async function fate(p) {
  try {
    return `value ${String(await p)}`;
  } catch (e) {
    return e && typeof e === 'object' ? `${e.name}: ${e.message}` : `threw ${String(e)}`;
  }
}

t.test('user code at every point of a parked call', async (t) => {
  let inst;
  const cases = {
    'resolve with an object whose valueOf disposes': [/^value 3$/, () => later(1, { valueOf() { try { inst.dispose(); } catch (_) {} return 3; } })],
    'resolve with an object whose valueOf throws': [/^Error: valueOf$/, () => later(1, { valueOf() { throw new Error('valueOf'); } })],
    'resolve with a Promise of a Promise': [/^value 9$/, () => later(1, later(1, 9))],
    'reject with undefined': [/^threw undefined$/, () => later(1).then(() => { throw undefined; })],
    'interrupt() from the import': [/^RuntimeError: interrupted$/, () => { W.interrupt(inst); return later(1, 1); }],
    'dispose() from the continuation': [/^value 4$/, async () => { await later(1); try { inst.dispose(); } catch (_) {} return 4; }],
    'interrupt() from the continuation': [/^(value 5|RuntimeError: interrupted)$/, async () => { await later(1); W.interrupt(inst); return 5; }],
    're-entrant sync call from the continuation': [/^value 5$/, async () => { await later(1); return inst.exports.add(2, 3); }],
    'callAsync of the same instance from the continuation': [/^value 6$/, async () => {
      await later(1);
      return fate(inst.callAsync('add', [1, 1])).then((s) => (s.startsWith('Error: instance is busy') ? 6 : -1));
    }],
    'a then() that throws': [/^Error: then$/, () => { const p = later(1, 1); p.then = () => { throw new Error('then'); }; return p; }],
    'a then() that settles at once, twice': [/^value 7$/, () => {
      const p = later(1, 1);
      p.then = (ok, bad) => { ok(7); ok(8); bad(new Error('late')); };
      return p;
    }],
    'a then() that settles, then throws': [/^value 11$/, () => {
      const p = later(1, 1);
      p.then = (ok) => { ok(11); throw new Error('after'); };
      return p;
    }],
    'a then() that never calls back': [/^RuntimeError: interrupted$/, () => { const p = later(1, 1); p.then = () => {}; return p; }],
    'a Promise nobody holds, collected while parked': [/^RuntimeError: interrupted$/, () => { setTimeout(gc, 2); setTimeout(gc, 10); return new Promise(() => {}); }],
  };
  for (const [name, [want, f]] of Object.entries(cases)) {
    inst = new W.Instance(mod, { e: { f } });
    // a timeout generous for a loaded machine: it only ends the cases that never settle
    const got = await fate(inst.callAsync('callf', [1], { timeout: 400 }));
    t.match(got, want, `${name}: ${got}`);
    gc();
    await sleep(1);
    const again = native.isDisposed(inst) ? 'disposed' : await fate(inst.callAsync('add', [1, 2]));
    t.ok(again === 'value 3' || again === 'disposed' || /interrupted/.test(again), `then the instance: ${again}`);
  }
});

t.test('two parked calls in one run, the second interrupted', async (t) => {
  let n = 0;
  const inst = new W.Instance(mod, { e: { f: () => (++n === 1 ? later(1, 1) : new Promise(() => {})) } });
  const got = await fate(inst.callAsync('twice', [1], { timeout: 30 }));
  t.equal(got, 'RuntimeError: interrupted', got);
  t.equal(n, 2, 'the first settled, the second was abandoned');
});

t.test('many parked runs, then every one stopped', async (t) => {
  const insts = Array.from({ length: 16 }, () => new W.Instance(mod, { e: { f: () => new Promise(() => {}) } }, { queue: 4 }));
  const ps = [];
  const ac = new AbortController();
  for (const inst of insts) for (let i = 0; i < 4; i++) ps.push(fate(inst.callAsync('callf', [i], { signal: ac.signal })));
  await sleep(20);
  ac.abort();
  const got = await Promise.all(ps);
  t.ok(got.every((s) => s === 'RuntimeError: interrupted'), `all 64 interrupted (${new Set(got).size} outcome)`);
  for (const inst of insts) inst.dispose();
  t.ok(insts.every((i) => native.isDisposed(i)), 'all disposed');
});

t.test('dispose() of queued instances while parked, the Promise settling afterwards', async (t) => {
  const settles = [];
  const insts = Array.from({ length: 8 }, () => new W.Instance(mod, {
    e: { f: () => new Promise((r) => settles.push(r)) },
  }, { queue: true }));
  const ps = insts.flatMap((inst) => [fate(inst.callAsync('callf', [1])), fate(inst.callAsync('callf', [2]))]);
  await sleep(10);
  for (const inst of insts) inst.dispose();
  const got = await Promise.all(ps);
  t.equal(got.filter((s) => s === 'RuntimeError: interrupted').length, 8, 'the running calls interrupted');
  t.equal(got.filter((s) => /has been disposed/.test(s)).length, 8, 'the waiting ones refused');
  for (const r of settles) r(1);
  await sleep(5);
  gc();
  t.ok(insts.every((i) => native.isDisposed(i)), 'released');
});

t.test('a Worker that ends while its guest waits for a Promise', async (t) => {
  const src = `
const { parentPort, workerData } = require('worker_threads');
const W = require(workerData.lib);
const inst = new W.Instance(new W.Module(workerData.bytes), { e: { f: () => {
  parentPort.postMessage('parked');
  if (workerData.how === 'exit') setTimeout(() => process.exit(3), 20);
  return new Promise(() => {});
} } });
inst.callAsync('callf', [1]);
`;
  const bytes = await wat(SRC);
  for (const how of ['terminate', 'exit']) {
    const w = new Worker(src, { eval: true, workerData: { bytes, how, lib: path.join(root, 'lib') } });
    const parked = new Promise((r) => w.once('message', r));
    const exited = new Promise((r) => w.once('exit', r));
    t.equal(await parked, 'parked', `${how}: the guest parked`);
    if (how === 'terminate') await w.terminate();
    const code = await exited;
    t.ok(typeof code === 'number', `${how}: the Worker ended (code ${code})`);
  }
  const inst = new W.Instance(mod, { e: { f: (x) => later(1, x) } });
  t.equal(await inst.callAsync('callf', [8]), 8, 'the process goes on');
});

t.test('a random mix of awaited imports, timeouts, aborts and disposes settles every call', async (t) => {
  // a fixed-seed generator: the same mix on every run
  let seed = 12345;
  const rnd = (n) => { seed = (seed * 1103515245 + 12345) >>> 0; return (seed >>> 8) % n; };
  const insts = Array.from({ length: 6 }, (_, k) => new W.Instance(mod, {
    e: {
      f(x) {
        const r = rnd(10);
        if (r < 5) return later(rnd(3), x);
        if (r < 7) return later(rnd(3)).then(() => { throw new Error('nope'); });
        if (r < 8) return new Promise(() => {});
        if (r < 9) return x; // a plain value
        return Promise.resolve(x);
      },
    },
  }, { queue: k % 2 ? true : 5 }));
  const calls = [];
  for (let i = 0; i < 300; i++) {
    const inst = insts[rnd(insts.length)];
    // every call has a timeout: an import that never settles would keep
    // a call of an instance disposed only at the end waiting for ever
    const opts = { timeout: 1 + rnd(40) };
    if (rnd(4) === 0) {
      const ac = new AbortController();
      setTimeout(() => ac.abort(), rnd(15));
      opts.signal = ac.signal;
    }
    calls.push(fate(inst.callAsync(rnd(2) ? 'callf' : 'twice', [i], opts)));
    if (rnd(20) === 0) await sleep(rnd(3));
  }
  // half of them disposed while calls run or wait, the rest afterwards
  setTimeout(() => { for (const inst of insts.slice(0, 3)) inst.dispose(); }, 20);
  const got = await Promise.all(calls);
  for (const inst of insts) inst.dispose();
  const kinds = new Set(got.map((s) => s.replace(/^value \d+$/, 'value')));
  const allowed = new Set(['value', 'Error: nope', 'RuntimeError: interrupted',
    'Error: WebAssembly.Instance has been disposed',
    'Error: WebAssembly.Instance: run queue is full (5 calls waiting)']);
  t.same([...kinds].filter((k) => !allowed.has(k)), [], `every call settled as expected (${[...kinds].join(', ')})`);
  await sleep(5);
  t.ok(insts.every((i) => native.isDisposed(i)), 'all released');
});
