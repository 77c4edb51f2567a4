'use strict';
// Guests of a worker_threads Worker that ends mid-run: the binding's
// cleanup hook interrupts the guest (or fails the JS host call it waits
// for) and waits for its thread before Node frees the environment.  The
// pool threads come back idle; nothing crashes or hangs.
const t = require('tap');
const path = require('path');
const { Worker } = require('worker_threads');
const { W, wat, sleep } = require('./fixtures/util');

const WORKER = `
const { parentPort, workerData } = require('worker_threads');
const W = require(workerData.lib);
const mod = new W.Module(workerData.bytes);
let n = 0;
const m = new W.Memory({ initial: 1 }); // pinned by the runs
const inst = new W.Instance(mod, { e: { m, f: (x) => { if (n++ === 0) parentPort.postMessage('host'); return x; } } });
// All instances first: a memory pinned by a run cannot be linked anew.
const insts = [inst];
for (let i = 1; i < workerData.runs; i++) insts.push(new W.Instance(mod, { e: { m, f: (x) => x } }));
for (const other of insts) {
  other.callAsync(workerData.fn, 1).then(
    (v) => parentPort.postMessage('done ' + v), (e) => parentPort.postMessage('err ' + e.message));
}
parentPort.postMessage('started');
`;

t.test('terminating a Worker while its guests run', async (t) => {
  const bytes = await wat(`(module (import "e" "f" (func $f (param i32) (result i32)))
    (import "e" "m" (memory 1))
    (func (export "spin") (param i32) (loop br 0))
    (func (export "hostspin") (param i32) (loop (drop (call $f (local.get 0))) (br 0))))`);
  const lib = path.join(__dirname, '..', '..', 'lib');
  const cases = [
    ['spin', 1, 'a guest spinning on its thread'],
    ['hostspin', 1, 'a guest calling a JS import over and over'],
    ['spin', 6, 'more runs than the thread cap: some still queued'],
  ];
  const old = W.guestThreads().max;
  t.teardown(() => W.guestThreads(old));
  for (const [fn, runs, what] of cases) {
    W.guestThreads(runs > 1 ? 3 : old);
    const w = new Worker(WORKER, { eval: true, workerData: { bytes, fn, runs, lib } });
    const msgs = [];
    w.on('message', (m) => msgs.push(m));
    const t0 = Date.now();
    while (!msgs.includes('started') || (fn === 'hostspin' && !msgs.includes('host'))) {
      if (Date.now() - t0 > 20000) break;
      await sleep(10);
    }
    await sleep(50);
    t.ok(msgs.includes('started'), `${what}: started`);
    const t1 = Date.now();
    await w.terminate();
    t.ok(Date.now() - t1 < 10000, `${what}: terminate() returned in ${Date.now() - t1} ms`);
    t.notOk(msgs.some((m) => m.startsWith('done')), `${what}: no run completed`);
  }
  // Every pool thread is free again, and runs here still work.
  W.guestThreads(old);
  let threads = W.guestThreads();
  for (let i = 0; i < 250 && (threads.running > 0 || threads.queued > 0); i++) {
    await sleep(20);
    threads = W.guestThreads();
  }
  t.equal(threads.running + threads.queued, 0, `no guest thread is left busy (${JSON.stringify(threads)})`);
  const inst = new W.Instance(new W.Module(await wat('(module (func (export "f") (result i32) (i32.const 5)))')), {});
  W.guestThreads(old);
  t.equal(await inst.callAsync('f'), 5, 'the pool still runs guests');
});
