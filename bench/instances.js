'use strict';
// How many live instances of a small plugin one process holds (issue 17),
// wasihost against V8's WebAssembly in the same run.
//   node bench/instances.js [--idle] [N ...]   default: 10000 100000 1000000
//   node bench/instances.js --child RUNTIME N [--idle]  (one measurement; JSON line)
// --idle skips the call into each instance (whose pages it touches: ~8 KB
// more per instance), for an N whose touched pages would not fit.
// The plugin (bench/instances-plugin.c: 2 exports, a 4 KiB buffer, ~15 KB of
// wasm) is built with clang --target=wasm32-wasi into build/bench/.  Each
// (runtime, N) runs in a child process of its own so RSS and virtual size
// start from the same empty Node.  A child creates N instances, keeps them
// all alive, calls each one's `process` on a line of text (so its buffer is
// touched, as a live tenant's would be) and reports the time per instance,
// the RSS and virtual size before and after, and the index of the first
// instance that failed (null when all N were made).
const fs = require('fs');
const path = require('path');
const { execFileSync, spawnSync } = require('child_process');

const ROOT = path.join(__dirname, '..');
const SRC = path.join(__dirname, 'instances-plugin.c');
const OUT = path.join(ROOT, 'build', 'bench', 'instances-plugin.wasm');

function plugin() {
  if (!fs.existsSync(OUT) || fs.statSync(OUT).mtimeMs < fs.statSync(SRC).mtimeMs) {
    fs.mkdirSync(path.dirname(OUT), { recursive: true });
    execFileSync('clang', ['--target=wasm32-wasi', '--sysroot=/usr', '-O2', '-nostartfiles',
      '-Wl,--no-entry', '-o', OUT, SRC], { stdio: 'inherit' });
  }
  return OUT;
}

function status() {
  const s = fs.readFileSync('/proc/self/status', 'utf8');
  const kb = (k) => Number((s.match(new RegExp(`^${k}:\\s+(\\d+)`, 'm')) || [0, 0])[1]);
  const maps = fs.readFileSync('/proc/self/maps', 'utf8').split('\n').length - 1;
  return { rss: kb('VmRSS') * 1024, vsz: kb('VmSize') * 1024, maps };
}

function child(runtime, n, idleOnly) {
  const { Module, Instance } = runtime === 'v8' ? WebAssembly : require(ROOT);
  const mod = new Module(fs.readFileSync(plugin()));
  const text = Buffer.from('let x = compute(a, b) + other_value * 42; // a line of a file\n');
  // Warm up the paths (and the JIT for V8) on one instance, then measure.
  new Instance(mod, {}).exports.process(0);
  global.gc && global.gc();
  const before = status();
  const cpu0 = process.cpuUsage();
  const live = new Array(n);
  let failed = null, error = null;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    try {
      live[i] = new Instance(mod, {});
    } catch (e) {
      failed = i;
      error = `${e.constructor.name}: ${e.message}`;
      break;
    }
  }
  const t1 = process.hrtime.bigint();
  const cpu1 = process.cpuUsage(cpu0);
  const made = failed === null ? n : failed;
  const idle = status();
  const heap = process.memoryUsage().heapUsed;
  let digest = 0;
  for (let i = 0; i < (idleOnly ? 0 : made); i++) {
    const ex = live[i].exports;
    new Uint8Array(ex.memory.buffer, ex.buffer(), text.length).set(text);
    digest ^= ex.process(text.length);
  }
  const t2 = process.hrtime.bigint();
  const cpu2 = process.cpuUsage(cpu0);
  const after = status();
  process.stdout.write(JSON.stringify({
    runtime, n, made, failed, error, digest,
    instantiateNs: Number(t1 - t0) / Math.max(made, 1),
    instantiateCpuNs: (cpu1.user + cpu1.system) * 1000 / Math.max(made, 1),
    callNs: Number(t2 - t1) / Math.max(made, 1),
    callCpuNs: (cpu2.user + cpu2.system - cpu1.user - cpu1.system) * 1000 / Math.max(made, 1),
    rssIdle: idle.rss - before.rss, vszIdle: idle.vsz - before.vsz, heapIdle: heap,
    rss: after.rss - before.rss, vsz: after.vsz - before.vsz, maps: after.maps,
  }) + '\n');
  live.length = 0;
}

function run(runtime, n, idleOnly) {
  const r = spawnSync(process.execPath,
    ['--expose-gc', '--max-old-space-size=8192', __filename, '--child', runtime, String(n),
      ...(idleOnly ? ['--idle'] : [])],
    { encoding: 'utf8', maxBuffer: 1 << 20 });
  const line = r.stdout.trim().split('\n').pop();
  try {
    return JSON.parse(line);
  } catch {
    const why = (r.stderr || '').trim().split('\n').filter(Boolean).slice(-2).join(' / ');
    return { runtime, n, made: null, failed: 'crashed', error: why || `exit ${r.status} ${r.signal || ''}` };
  }
}

const MB = (b) => `${(b / 1048576).toFixed(0)} MB`;
const GB = (b) => (b >= 1 << 30 ? `${(b / 2 ** 30).toFixed(1)} GB` : MB(b));

function main(args) {
  if (args[0] === '--child') return child(args[1], Number(args[2]), args[3] === '--idle');
  plugin();
  const idleOnly = args[0] === '--idle';
  if (idleOnly) args = args.slice(1);
  const ns = args.length ? args.map(Number) : [10000, 100000, 1000000];
  console.log('| runtime | N | made | new Instance, wall (CPU) | +RSS idle | +virtual | JS heap | first call, wall (CPU) | +RSS after a call each | kernel maps | first failure |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  const us = (ns) => `${(ns / 1000).toFixed(1)} µs`;
  for (const n of ns) {
    for (const runtime of ['wasihost', 'v8']) {
      const r = run(runtime, n, idleOnly);
      if (r.made === null) {
        console.log(`| ${runtime} | ${n} | — | | | | | | | | crashed: ${r.error} |`);
        continue;
      }
      const fail = r.failed === null ? '—' : `${r.failed}: ${r.error}`;
      const call = idleOnly ? '(--idle)' : `${us(r.callNs)} (${us(r.callCpuNs)})`;
      console.log(`| ${runtime} | ${n} | ${r.made} | ${us(r.instantiateNs)} (${us(r.instantiateCpuNs)}) | ` +
        `${MB(r.rssIdle)} | ${GB(r.vszIdle)} | ${MB(r.heapIdle)} | ${call} | ` +
        `${idleOnly ? '—' : MB(r.rss)} | ${r.maps} | ${fail} |`);
    }
  }
}

main(process.argv.slice(2));
