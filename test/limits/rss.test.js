'use strict';
// Memory stays flat over many create/run/dispose cycles: sync runs, async
// runs (guest threads are reused), and instances left to the GC.
const t = require('tap');
const { W, wat, collect, rssMiB, now, sleep } = require('./fixtures/util');

const SRC = `(module
  (import "e" "f" (func $f (param i32) (result i32)))
  (memory (export "mem") 1 16)
  (table 4 funcref)
  (global (export "g") (mut i32) (i32.const 0))
  (func $run (export "run") (param $n i32) (result i32)
    (drop (memory.grow (i32.const 1)))
    (i32.store (i32.const 65540) (local.get $n))
    (global.set 0 (call $f (i32.load (i32.const 65540))))
    (global.get 0))
  (elem (i32.const 0) $run))`;

async function cycles(t, label, n, once) {
  const t0 = now();
  await collect();
  let first;
  for (let i = 0; i < n; i++) {
    await once(i);
    if (i % 250 === 249) await new Promise((r) => setImmediate(r));
    if (i === 999) {
      await collect();
      first = rssMiB();
    }
  }
  await collect();
  const last = rssMiB();
  const ratio = last / first;
  t.comment(`${label}: RSS ${first.toFixed(1)} MiB after 1000, ${last.toFixed(1)} MiB after ${n} (x${ratio.toFixed(3)}), ${((now() - t0) / 1000).toFixed(1)} s`);
  t.ok(ratio < 1.5, `${label}: RSS after ${n} cycles / after 1000 = ${ratio.toFixed(3)} < 1.5`);
}

t.test('10,000 sync create/run/dispose cycles', async (t) => {
  const mod = new W.Module(await wat(SRC));
  await cycles(t, 'sync', 10000, (i) => {
    const inst = new W.Instance(mod, { e: { f: (x) => x + 1 } }, { fuel: 1e6 });
    if (inst.exports.run(i) !== i + 1) throw new Error(`bad result at ${i}`);
    if (i % 10 === 0 && inst.exports.mem.buffer.byteLength !== 2 * 65536) throw new Error('bad size');
    inst.dispose();
  });
});

t.test('3,000 async create/run/dispose cycles', async (t) => {
  const mod = new W.Module(await wat(SRC));
  const threadsBefore = W.guestThreads().threads;
  await cycles(t, 'async', 3000, async (i) => {
    const inst = new W.Instance(mod, { e: { f: (x) => x + 2 } });
    const r = await inst.callAsync('run', i);
    if (r !== i + 2) throw new Error(`bad result at ${i}`);
    inst.dispose();
  });
  const st = W.guestThreads();
  // 3,000 sequential runs: a handful of pool threads, not one per run (under
  // load a thread may still be handing back its task when the next arrives)
  t.ok(st.threads <= threadsBefore + 16, `threads are reused (${threadsBefore} -> ${st.threads} for 3000 runs)`);
});

t.test('5,000 cycles left to the garbage collector', async (t) => {
  const mod = new W.Module(await wat(SRC));
  await cycles(t, 'gc', 5000, (i) => {
    const inst = new W.Instance(mod, { e: { f: (x) => x + 3 } });
    if (inst.exports.run(i) !== i + 3) throw new Error(`bad result at ${i}`);
  });
});

t.test('modules compiled and disposed in a loop', async (t) => {
  const bytes = await wat(SRC);
  await cycles(t, 'modules', 2000, (i) => {
    const mod = new W.Module(bytes);
    const inst = new W.Instance(mod, { e: { f: (x) => x } });
    if (inst.exports.run(i) !== i) throw new Error('bad');
    inst.dispose();
    mod.dispose();
  });
});

// A deep guest touches tens of MiB of execution stack on its thread.  A
// Worker's thread that exits frees its stacks; a guest thread returns
// them when it goes idle.  Without either, each run below keeps ~25 MiB.
const DEEP = `(module
  (func $deep (export "deep") (param $n i32) (result i32) (local ${Array(64).fill('i64').join(' ')})
    (if (result i32) (i32.eqz (local.get $n)) (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $deep (i32.sub (local.get $n) (i32.const 1))))))))`;
const DEPTH = 50000; // about 26 MiB of value stack

t.test('deep guests: stacks of ended Workers and idle guest threads are given back', async (t) => {
  const { Worker } = require('worker_threads');
  const path = require('path');
  const bytes = await wat(DEEP);
  const lib = path.join(__dirname, '..', '..', 'lib');
  const src = `const { parentPort, workerData } = require('worker_threads');
    const W = require(workerData.lib);
    const inst = new W.Instance(new W.Module(workerData.bytes), {});
    parentPort.postMessage(inst.exports.deep(workerData.depth));`;
  const runWorker = () => new Promise((resolve, reject) => {
    const w = new Worker(src, { eval: true, workerData: { bytes, lib, depth: DEPTH } });
    let got;
    w.on('message', (m) => { got = m; });
    w.on('error', reject);
    w.on('exit', () => resolve(got));
  });
  t.equal(await runWorker(), DEPTH, 'a worker runs the deep guest');
  await collect();
  const before = rssMiB();
  for (let i = 0; i < 8; i++) await runWorker();
  await collect();
  const grew = rssMiB() - before;
  t.comment(`8 more workers with deep guests: RSS +${grew.toFixed(1)} MiB`);
  t.ok(grew < 80, `RSS grew ${grew.toFixed(1)} MiB < 80 (8 x 26 MiB if stacks leaked)`);

  const inst = new W.Instance(new W.Module(bytes), {});
  const old = W.guestThreads().max;
  W.guestThreads(2);
  t.teardown(() => W.guestThreads(old));
  t.equal(await inst.callAsync('deep', 10), 10, 'two guest threads exist');
  await Promise.all([inst.callAsync('deep', 10), new W.Instance(new W.Module(bytes), {}).callAsync('deep', 10)]);
  await sleep(200);
  const idle0 = rssMiB();
  t.equal(await inst.callAsync('deep', DEPTH), DEPTH, 'an async deep run');
  await sleep(200); // the thread trims as it goes idle
  const runs = [];
  for (let i = 0; i < 2; i++) runs.push(new W.Instance(new W.Module(bytes), {}).callAsync('deep', DEPTH));
  t.same(await Promise.all(runs), [DEPTH, DEPTH], 'two at once, on two threads');
  await sleep(200);
  const idle1 = rssMiB();
  t.comment(`guest threads idle after deep runs: RSS ${idle0.toFixed(1)} -> ${idle1.toFixed(1)} MiB`);
  t.ok(idle1 - idle0 < 20, `idle guest threads hold no deep stacks (+${(idle1 - idle0).toFixed(1)} MiB < 20; 52 if kept)`);
});
