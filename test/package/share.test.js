'use strict';
// Modules cross to Workers through module.share() / Module.fromShared()
// (the same compiled module, no recompilation); posting wasihost objects
// themselves throws a DataCloneError with a hint instead of delivering {}.
const t = require('tap');
const fs = require('fs');
const path = require('path');
const { Worker } = require('worker_threads');
const w = require('../..');

const root = path.join(__dirname, '..', '..');
const hello = fs.readFileSync(path.join(root, 'examples', 'hello.wasm'));

t.test('structured cloning a wasihost object throws DataCloneError with a hint', async (t) => {
  const module = new w.Module(hello);
  const wasi = new w.WASI({ version: 'preview1', stdout: 'pipe' });
  const instance = new w.Instance(module, wasi.getImportObject());
  const cases = {
    Module: [module, /module\.share\(\)/],
    Instance: [instance, /instantiate it in the Worker/],
    Memory: [instance.exports.memory, /memory\.copy/],
    Global: [new w.Global({ value: 'i32', mutable: true }, 7), /global\.value/],
    Table: [new w.Table({ element: 'anyfunc', initial: 1 }), /Worker/],
    WASI: [wasi, /in the Worker/],
  };
  for (const [what, [obj, hint]] of Object.entries(cases)) {
    t.throws(() => structuredClone(obj), { name: 'DataCloneError', message: hint }, `structuredClone(${what})`);
  }
  const { port1, port2 } = new (require('worker_threads').MessageChannel)();
  t.throws(() => port1.postMessage({ module }), { name: 'DataCloneError' }, 'postMessage of a Module inside an object');
  port1.close(); port2.close();
  t.equal(wasi.start(instance), 0, 'the objects still work afterwards');
});

// The worker receives a handle, turns it into a Module, runs the WASI
// example on it and reports what it printed plus the module's own share id
// (the same id means the same compiled module, as ids are per wh_module).
const workerSource = `
const { parentPort, workerData } = require('worker_threads');
const w = require(workerData.root);
const module = w.Module.fromShared(workerData.handle);
const wasi = new w.WASI({ version: 'preview1', args: ['hello', 'worker'], stdout: 'pipe' });
const code = wasi.start(new w.Instance(module, wasi.getImportObject()));
parentPort.postMessage({ code, out: wasi.stdout.toString(), id: module.share().id,
  exports: w.Module.exports(module).map((e) => e.name) });
let bad;
try { w.Module.fromShared({ type: 'wasihost.Module', id: '999999' }); } catch (e) { bad = e.message; }
parentPort.postMessage({ bad });
`;

t.test('module.share(): a Worker instantiates the same compiled Module', async (t) => {
  const module = new w.Module(hello);
  const handle = module.share();
  t.same(Object.keys(handle).sort(), ['id', 'type'], 'the handle is plain data');
  t.equal(module.share().id, handle.id, 'sharing again gives the same handle');
  const worker = new Worker(workerSource, { eval: true, workerData: { root, handle } });
  const msgs = [];
  await new Promise((resolve, reject) => {
    worker.on('message', (m) => { msgs.push(m); if (msgs.length === 2) resolve(); });
    worker.on('error', reject);
    worker.on('exit', (c) => (msgs.length < 2 ? reject(new Error(`worker exited ${c}`)) : null));
  });
  await worker.terminate();
  t.equal(msgs[0].code, 0, 'the guest ran to completion in the Worker');
  t.equal(msgs[0].out, 'Hello, worker, from WebAssembly on wasihost!\n', 'with its output');
  t.equal(msgs[0].id, handle.id, 'the Worker holds the same compiled module');
  t.same(msgs[0].exports, w.Module.exports(module).map((e) => e.name), 'same exports');
  t.match(msgs[1].bad, /no Module shares this handle/, 'an unknown handle is a clear TypeError');
});

t.test('a disposed Module ends its share', async (t) => {
  const module = new w.Module(hello);
  const handle = module.share();
  t.ok(w.Module.fromShared(handle), 'valid while the Module lives');
  module.dispose();
  t.throws(() => w.Module.fromShared(handle), /disposed or garbage-collected/);
  t.throws(() => w.Module.fromShared({}), /result of module\.share\(\)/);
});
