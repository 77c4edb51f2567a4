'use strict';
// Per-call cost of the plugin-host API:  node examples/plugin-host/bench.js [lib dir]
// (lib dir: another checkout's lib/ to compare; features it lacks are skipped).
//   - callAsync of a tiny export: old form, argument Array, with options
//   - a JS import that answers synchronously vs with a resolved Promise
//   - 4 concurrent callers on one instance: its run queue (limits.queue) vs
//     the promise-chain lock a host had to write before it
//   - callBytes of the C plugin
// Prints wall and CPU (user+sys) microseconds per call.
const path = require('path');
const fs = require('fs');

const lib = path.resolve(process.argv[2] || path.join(__dirname, '..', '..', 'lib'));
const W = require(lib);

// (module (import "e" "f" (func (param i32) (result i32)))
//   (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
//   (func (export "callf") (param i32) (result i32) local.get 0 call 0))
const BYTES = Buffer.from(
  '0061736d01000000010c0260017f017f60027f7f017f0207010165016600000303020100070f0203616464' +
  '00010563616c6c6600020a10020700200020016a0b0600200010000b', 'hex');

async function measure(name, calls, fn) {
  for (let i = 0; i < 200; i++) await fn(i); // warm up: threads, translation
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) await fn(i);
  const wall = Number(process.hrtime.bigint() - t0) / 1e3 / calls;
  const c = process.cpuUsage(c0);
  const cpu = (c.user + c.system) / calls;
  console.log(`${name.padEnd(52)} ${wall.toFixed(1).padStart(7)} µs wall ${cpu.toFixed(1).padStart(7)} µs CPU`);
  return { wall, cpu };
}

// n calls from each of `callers` concurrent callers, all awaited.
async function concurrent(name, callers, n, call) {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: callers }, async (_, k) => {
    for (let i = 0; i < n; i++) await call(k, i);
  }));
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  const total = callers * n;
  console.log(`${name.padEnd(52)} ${(total / secs).toFixed(0).padStart(7)} calls/s ` +
    `${(secs * 1e6 / total).toFixed(1).padStart(6)} µs wall ${((c.user + c.system) / total).toFixed(1).padStart(6)} µs CPU per call`);
}

async function main() {
  const N = Number(process.env.N || 5000);
  const mod = new W.Module(BYTES);
  const inst = new W.Instance(mod, { e: { f: (x) => x } });
  console.log(`lib: ${path.relative(process.cwd(), lib) || '.'}  (${N} calls each)`);
  await measure("callAsync('add', 1, 2)", N, (i) => inst.callAsync('add', i, 2));
  const hasNewForm = fs.existsSync(path.join(lib, 'api', 'queue.js'));
  if (hasNewForm) {
    await measure("callAsync('add', [1, 2])", N, (i) => inst.callAsync('add', [i, 2]));
    await measure("callAsync('add', [1, 2], { timeout: 1000 })", N, (i) => inst.callAsync('add', [i, 2], { timeout: 1000 }));
    await measure("callAsync('add', [1, 2], { fuel: 1e6 })", N, (i) => inst.callAsync('add', [i, 2], { fuel: 1e6 }));
  }
  await measure("callAsync('callf', 1), import returns a value", N, (i) => inst.callAsync('callf', i));
  if (hasNewForm) {
    const ai = new W.Instance(mod, { e: { f: (x) => Promise.resolve(x) } });
    await measure("callAsync('callf', [1]), import returns a Promise", N, (i) => ai.callAsync('callf', [i]));
    const aa = new W.Instance(mod, { e: { f: async (x) => x } });
    await measure("callAsync('callf', [1]), async function import", N, (i) => aa.callAsync('callf', [i]));
  }

  // 4 callers, one instance
  const n = Math.floor(N / 4);
  let lock = Promise.resolve();
  const chained = new W.Instance(mod, { e: { f: (x) => x } });
  const serial = (fn) => {
    const p = lock.then(fn);
    lock = p.catch(() => {});
    return p;
  };
  await concurrent('4 callers, one instance, promise-chain lock', 4, n, (k, i) => serial(() => chained.callAsync('add', k, i)));
  if (hasNewForm) {
    const queued = new W.Instance(mod, { e: { f: (x) => x } }, { queue: true });
    await concurrent('4 callers, one instance, limits.queue', 4, n, (k, i) => queued.callAsync('add', [k, i]));
    const aq = new W.Instance(mod, { e: { f: async (x) => x } }, { queue: true });
    await concurrent('4 callers, one instance, queue + async import', 4, n, (k, i) => aq.callAsync('callf', [i]));
  }
  const four = Array.from({ length: 4 }, () => new W.Instance(mod, { e: { f: (x) => x } }));
  await concurrent('4 callers, 4 instances (no queue needed)', 4, n, (k, i) => four[k].callAsync('add', k, i));

  if (hasNewForm) {
    const pm = new W.Module(fs.readFileSync(path.join(__dirname, 'plugin.wasm')));
    const plugin = new W.Instance(pm, { host: { lookup: () => -1 } }, { queue: true });
    plugin.exports._initialize();
    const input = 'x'.repeat(100);
    await measure("callBytes('upper', 100 bytes, { encoding: 'utf8' })", N, () =>
      plugin.callBytes('upper', input, { encoding: 'utf8' }));
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
