'use strict';
// Workers that end while their guest runs (worker.terminate(), process.exit),
// structured cloning of the API's objects, and huge sizes.
const t = require('tap');
const path = require('path');
const { spawnSync } = require('child_process');
const { Worker } = require('worker_threads');
const { W, wat, sleep, root } = require('./fixtures');

const lib = path.join(root, 'lib');

// The worker instantiates `bytes` and runs `how` on export "run":
// 'sync' (inst.exports.run()), 'async' (callAsync), 'import-spin' (a sync run
// whose JS import spins in JS), 'import-exit' (whose JS import calls
// process.exit(7)).
const WORKER = `
const { parentPort, workerData } = require('worker_threads');
const W = require(workerData.lib);
const imports = { h: { f() {
  parentPort.postMessage('in import');
  if (workerData.how === 'import-exit') process.exit(7);
  for (;;) {}
} } };
const inst = new W.Instance(new W.Module(workerData.bytes), imports);
parentPort.postMessage('started');
if (workerData.how === 'async') inst.callAsync('run').then(() => parentPort.postMessage('done'));
else {
  inst.exports.run();
  // A stopped sync run returns to a dying Worker (N-API can no longer
  // throw); V8 ends its JS at the next interrupt check, as this call.
  (function next() {})();
  parentPort.postMessage('done');
}
`;

async function startWorker(bytes, how) {
  const w = new Worker(WORKER, { eval: true, workerData: { bytes, how, lib } });
  const msgs = [];
  let exitCode = null;
  w.on('message', (m) => msgs.push(m));
  w.on('error', (e) => msgs.push('error ' + e.message));
  w.on('exit', (c) => { exitCode = c; });
  const t0 = Date.now();
  while (!msgs.includes('started') && exitCode === null && Date.now() - t0 < 20000) await sleep(5);
  await sleep(100); // the guest is deep in its loop by now
  return { w, msgs, exit: () => exitCode };
}

t.test('worker.terminate() stops a guest that never yields', async (t) => {
  const spin = await wat(`(module (import "h" "f" (func $f))
    (func (export "run") (loop br 0))
    (func (export "callsf") call $f))`);
  const viaImport = await wat(`(module (import "h" "f" (func $f)) (func (export "run") call $f (loop br 0)))`);
  for (const [how, bytes] of [['sync', spin], ['async', spin], ['import-spin', viaImport]]) {
    const { w, msgs } = await startWorker(bytes, how);
    t.ok(msgs.includes('started'), `${how}: the worker started its guest`);
    const t1 = Date.now();
    const code = await w.terminate();
    const ms = Date.now() - t1;
    t.ok(ms < 5000, `${how}: terminate() returned in ${ms} ms`);
    t.equal(code, 1, `${how}: the worker's exit code is 1 (terminated)`);
    t.notOk(msgs.includes('done'), `${how}: the run did not complete`);
  }
  const { w, exit } = await startWorker(viaImport, 'import-exit');
  const t0 = Date.now();
  while (exit() === null && Date.now() - t0 < 10000) await sleep(10);
  t.equal(exit(), 7, 'process.exit(7) in a JS import ends the worker with 7');
  await w.terminate();
  // After all that the main thread still runs guests.
  const inst = new W.Instance(new W.Module(await wat('(module (func (export "f") (result i32) i32.const 9))')), {});
  t.equal(inst.exports.f(), 9, 'the main thread still runs guests');
});

// In a fresh process: the main thread never loads wasihost (Node unloads
// the addon with the last Worker env that used it) and ends with
// process.exit() while the Worker's guest spins.
t.test('process.exit() never waits on a running guest', async (t) => {
  const bytes = Buffer.from(await wat('(module (func (export "run") (loop br 0)))')).toString('base64');
  for (const how of ['sync', 'async']) {
    const script = `
      const { Worker } = require('worker_threads');
      const code = ${JSON.stringify(WORKER)};
      const w = new Worker(code, { eval: true, workerData: {
        bytes: Buffer.from(${JSON.stringify(bytes)}, 'base64'), how: ${JSON.stringify(how)},
        lib: ${JSON.stringify(lib)} } });
      w.on('message', (m) => { if (m === 'started') setTimeout(() => process.exit(3), 100); });`;
    const t0 = Date.now();
    const r = spawnSync(process.execPath, ['-e', script], { timeout: 30000, encoding: 'utf8' });
    const ms = Date.now() - t0;
    t.equal(r.status, 3, `${how}: the process exited with its own code (signal ${r.signal}, stderr ${r.stderr.slice(0, 200)})`);
    t.ok(ms < 15000, `${how}: in ${ms} ms`);
    // The same with terminate() from a main thread that never loaded wasihost.
    const script2 = script.replace('setTimeout(() => process.exit(3), 100)',
      'setTimeout(() => w.terminate().then((c) => { console.log("code", c); }), 100)');
    const r2 = spawnSync(process.execPath, ['-e', script2], { timeout: 30000, encoding: 'utf8' });
    t.equal(r2.status, 0, `${how}: terminate() without wasihost on the main thread exits cleanly (signal ${r2.signal}, ${r2.stderr.slice(0, 200)})`);
    t.match(r2.stdout, /code 1/, `${how}: the worker ended terminated`);
  }
});

t.test('structured cloning', async (t) => {
  const bytes = await wat(`(module (memory (export "mem") 1) (table (export "tab") 1 funcref)
    (global (export "g") (mut i32) (i32.const 5)) (func (export "f") (result i32) i32.const 1)
    (data (i32.const 0) "hello"))`);
  const mod = new W.Module(bytes);
  const inst = new W.Instance(mod, {});
  // An exported function is a function: V8 refuses it too.
  for (const [name, NS] of [['wasihost', W], ['V8', WebAssembly]]) {
    const i = NS === W ? inst : new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
    t.throws(() => structuredClone(i.exports.f), { name: 'DataCloneError' }, `${name}: an exported function is not cloneable`);
    const copy = structuredClone(i.exports.mem.buffer);
    t.equal(Buffer.from(copy, 0, 5).toString(), 'hello', `${name}: a memory's buffer clones as a copy`);
  }
  // Our wrappers clone as plain objects (V8 clones a Module and refuses the
  // others): whatever comes out is refused by every API with a TypeError.
  for (const [name, obj] of [['Module', mod], ['Instance', inst], ['Memory', inst.exports.mem],
    ['Table', inst.exports.tab], ['Global', inst.exports.g]]) {
    let copy;
    try { copy = structuredClone(obj); } catch (e) { copy = e; }
    if (copy instanceof Error) {
      t.equal(copy.name, 'DataCloneError', `${name}: refused by structuredClone`);
      continue;
    }
    t.throws(() => new W.Instance(copy, {}), TypeError, `${name} clone: not a Module`);
    t.throws(() => W.Memory.prototype.grow.call(copy, 1), TypeError, `${name} clone: not a Memory`);
    t.throws(() => W.Table.prototype.get.call(copy, 0), TypeError, `${name} clone: not a Table`);
    t.throws(() => Object.getOwnPropertyDescriptor(W.Global.prototype, 'value').get.call(copy), TypeError, `${name} clone: not a Global`);
  }
  // Through a MessageChannel the same holds.
  const { port1, port2 } = new MessageChannel();
  const got = new Promise((r) => port2.once('message', r));
  port1.postMessage({ mem: inst.exports.mem.buffer });
  const msg = await got;
  t.equal(Buffer.from(msg.mem, 0, 5).toString(), 'hello', 'postMessage copies a memory buffer');
  port1.close();
});

t.test('huge sizes end in exceptions or V8 results', async (t) => {
  const cases = [
    ['Memory of 65536 pages (4 GiB)', (NS) => new NS.Memory({ initial: 65536 }).buffer.byteLength],
    ['Memory of 65537 pages', (NS) => new NS.Memory({ initial: 65537 })],
    ['Memory maximum 2**32', (NS) => new NS.Memory({ initial: 1, maximum: 2 ** 32 })],
    ['grow by 65536 pages', (NS) => new NS.Memory({ initial: 1 }).grow(65536)],
    ['Table of 1e7 + 1 entries', (NS) => new NS.Table({ element: 'anyfunc', initial: 1e7 + 1 })],
    ['Table grow by 2**32 - 1', (NS) => new NS.Table({ element: 'anyfunc', initial: 1 }).grow(2 ** 32 - 1)],
    ['Module of 64 MiB of zeros', (NS) => new NS.Module(new Uint8Array(64 << 20))],
    ['validate 64 MiB of zeros', (NS) => NS.validate(new Uint8Array(64 << 20))],
  ];
  const { outcome } = require('./fixtures');
  for (const [name, op] of cases) {
    const ours = outcome(() => op(W));
    const v8 = outcome(() => op(WebAssembly));
    if (JSON.stringify(ours) === JSON.stringify(v8)) t.pass(`${name}: ${JSON.stringify(ours)} as V8`);
    else t.ok(ours.threw && v8.threw, `${name}: both throw (wasihost ${ours.threw}, V8 ${v8.threw})`);
  }
  // A call with 100,000 arguments to a function of one parameter.
  const inst = new W.Instance(new W.Module(await wat('(module (func (export "f") (param i32) (result i32) local.get 0))')), {});
  t.equal(inst.exports.f(...new Array(100000).fill(3)), 3, 'extra arguments are ignored');
  // A function of 1000 i64 parameters called with none: all BigInt(undefined) -> TypeError.
  const params = Array.from({ length: 1000 }, () => 'i64').join(' ');
  const big = new W.Instance(new W.Module(await wat(`(module (func (export "f") (param ${params}) (result i64) local.get 999))`)), {});
  t.throws(() => big.exports.f(), TypeError, '1000 missing i64 arguments: TypeError');
  t.equal(big.exports.f(...new Array(1000).fill(7n)), 7n, '1000 i64 arguments');
});
