#!/usr/bin/env node
'use strict';
// Start-up and memory of Go binaries (issue 10), against their targets, with
// V8 (node's WebAssembly + node:wasi) beside in the same run:
//   - `new Module` of the large Go binary (bench/go/big, ~25 MB of wasm)
//     takes <= 60 ms of wall time.  Every round is a fresh process, so V8's
//     figure is its first compile (it caches compiled modules by their bytes
//     within a process).  CPU time (user+sys of all the process's threads:
//     V8 compiles on background threads, wasihost validates on a few) is
//     printed beside: threads lower the wall time, not the CPU time.
//   - peak RSS of each Go workload <= 1.5x (guest memory + module size),
//     where peak RSS is counted above an idle process of the same runtime
//     (node with the addon loaded, or with node:wasi loaded): node itself
//     takes ~40 MB before any module exists, which no engine can give back.
//     Guest memory is the final `memory.buffer.byteLength`.
//
//   node bench/startup.js [--runs N] [--quick] [--json FILE] [--only a,b]
//     --runs N    fresh processes per figure (median; default 5)
//     --quick     2 runs, small workload inputs
//     --only      sections or workloads: compile, rss, go-json, ...
//     --addon NAME=PATH  also measure another build of the addon (`new
//                 Module(bytes)`), e.g. the one before a change, in the same run
// Environment: WASIHOST_BENCH_DIR (where the Go programs are built, default
// build/bench), WASIHOST_BINDING (the addon to measure).
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const REPO = path.join(__dirname, '..');
const COMPILE_TARGET_MS = 60;
const RSS_TARGET = 1.5;

// ---- child: one measurement in this process, one JSON line on fd 3 ----
function child(argv) {
  const [mode, runtime, file, ...guestArgs] = argv;
  const { performance } = require('perf_hooks');
  // anonymous (private) memory at exit: RSS less the pages of files (node's
  // and the addon's code), which the page cache shares with other processes
  const anonKB = () => {
    try { return Number(/^Anonymous:\s+(\d+)/m.exec(fs.readFileSync('/proc/self/smaps_rollup', 'utf8'))[1]); } catch (_) { return NaN; }
  };
  const out = (o) => fs.writeSync(3, JSON.stringify({ ...o, anonKB: anonKB() }) + '\n');
  let w = null;
  if (runtime.startsWith('wasihost')) w = require(REPO);
  else require('wasi');
  if (mode === 'idle') return out({ maxRSSKB: process.resourceUsage().maxRSS });
  const bytes = runtime === 'wasihost-file' ? null : fs.readFileSync(file);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const mod = runtime === 'v8' ? new WebAssembly.Module(bytes)
    : runtime === 'wasihost-file' ? w.Module.fromFile(file) : new w.Module(bytes);
  const t1 = performance.now();
  const c = process.cpuUsage(c0);
  const res = { compileMs: t1 - t0, compileCpuMs: (c.user + c.system) / 1000, bytes: fs.statSync(file).size };
  if (mode === 'run') {
    const args = [path.basename(file), ...guestArgs];
    let inst, code;
    if (runtime === 'v8') {
      const { WASI } = require('wasi');
      const wasi = new WASI({ version: 'preview1', args, env: {}, returnOnExit: true });
      inst = new WebAssembly.Instance(mod, wasi.getImportObject());
      code = wasi.start(inst);
    } else {
      const wasi = new w.WASI({ version: 'preview1', args, env: {} });
      inst = new w.Instance(mod, wasi.getImportObject());
      code = wasi.start(inst);
    }
    res.exitCode = code;
    res.memoryBytes = inst.exports.memory.buffer.byteLength;
  }
  res.maxRSSKB = process.resourceUsage().maxRSS;
  out(res);
}

// ---- parent ----
function runChild(args, env) {
  const r = spawnSync(process.execPath, ['--no-warnings', __filename, '--child', ...args], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'], env: { ...process.env, ...env }, timeout: 600000, encoding: 'utf8',
  });
  const line = (r.output[3] || '').trim().split('\n').pop();
  if (r.status !== 0 || !line) throw new Error(`${args.slice(0, 2).join(' ')}: exit ${r.status} ${r.signal || ''} ${(r.stderr || '').slice(0, 300)}`);
  return JSON.parse(line);
}

const median = (xs) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};
const MB = (b) => `${(b / 1048576).toFixed(1)} MB`;
function table(head, rows) {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r) => '  ' + r.map((c, i) => (i ? String(c).padStart(w[i]) : String(c).padEnd(w[i]))).join('  ');
  return [line(head), '  ' + w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line)].join('\n');
}
const verdict = (ok) => (ok ? 'met' : 'MISSED');

// The Go programs, built (and cached) as bench.js builds them.
function goPrograms(names, log) {
  const { Builder } = require('./lib/build');
  const b = new Builder(process.env.WASIHOST_BENCH_DIR || path.join(REPO, 'build', 'bench'), log);
  return Object.fromEntries(names.map((n) => [n, b.go(n)]));
}

function runtimes(addons) {
  return [
    { name: 'wasihost', label: 'wasihost new Module(bytes)' },
    { name: 'wasihost-file', label: 'wasihost Module.fromFile' },
    { name: 'wasihost', label: 'wasihost, 1 compile thread', env: { WASIHOST_COMPILE_THREADS: '1' }, compileOnly: true },
    ...addons.map(([name, file]) => ({ name: 'wasihost', label: `wasihost@${name} new Module(bytes)`, env: { WASIHOST_BINDING: file } })),
    { name: 'v8', label: 'V8 (first compile)' },
  ];
}

function compileSection(big, rts, runs, log) {
  const rows = [];
  const results = [];
  for (const r of rts) {
    log(`compile: ${r.label} x${runs}`);
    const xs = [];
    for (let i = 0; i < runs; i++) xs.push(runChild(['compile', r.name, big], r.env));
    const row = { label: r.label, wallMs: median(xs.map((x) => x.compileMs)), cpuMs: median(xs.map((x) => x.compileCpuMs)), bytes: xs[0].bytes, runs: xs };
    results.push(row);
  }
  const v8 = results.find((x) => x.label.startsWith('V8'));
  for (const x of results) {
    const target = x.label.startsWith('V8') ? '' : `${verdict(x.wallMs <= COMPILE_TARGET_MS)} (${(x.wallMs / COMPILE_TARGET_MS).toFixed(2)}x the target)`;
    rows.push([x.label, x.wallMs.toFixed(1), x.cpuMs.toFixed(1), (x.wallMs / v8.wallMs).toFixed(2), target]);
  }
  const text = `new Module of the large Go binary (${MB(results[0].bytes)}), fresh process each, median of ${runs}; target: <= ${COMPILE_TARGET_MS} ms wall\n` +
    table(['runtime', 'wall ms', 'CPU ms', 'wall vs V8', `target <= ${COMPILE_TARGET_MS} ms wall`], rows);
  return { results, text };
}

const GO_WORKLOADS = () => require('./workloads').WORKLOADS.filter((w) => w.lang === 'go');

// The idle process a runtime's peak RSS is counted above.
const idleKey = (r) => (r.name === 'v8' ? 'V8 + node:wasi' : r.label.split(' ')[0]);

function rssSection(programs, allRts, runs, quick, only, log) {
  const rts = allRts.filter((r) => !r.compileOnly);
  const idle = {};
  for (const r of rts) {
    const k = idleKey(r);
    if (idle[k] !== undefined) continue;
    const xs = Array.from({ length: runs }, () => runChild(['idle', r.name, '-'], r.env));
    idle[k] = median(xs.map((x) => x.maxRSSKB)) * 1024;
    idle[`${k} anon`] = median(xs.map((x) => x.anonKB)) * 1024;
  }
  const rows = [];
  const results = [];
  const worst = {};
  for (const wl of GO_WORKLOADS()) {
    if (only && !only.some((o) => wl.id.includes(o))) continue;
    const file = programs[wl.src];
    const args = quick ? wl.quick : wl.full;
    for (const r of rts) {
      log(`rss: ${wl.id} ${r.label} x${runs}`);
      const xs = [];
      for (let i = 0; i < runs; i++) {
        const x = runChild(['run', r.name, file, ...args], r.env);
        if (x.exitCode !== 0) throw new Error(`${wl.id} on ${r.label}: exit code ${x.exitCode}`);
        xs.push(x);
      }
      const base = idle[idleKey(r)];
      const peak = median(xs.map((x) => x.maxRSSKB)) * 1024;
      const mem = median(xs.map((x) => x.memoryBytes));
      const ratio = (peak - base) / (mem + xs[0].bytes);
      const anon = median(xs.map((x) => x.anonKB)) * 1024 - idle[`${idleKey(r)} anon`];
      const row = { id: wl.id, label: r.label, peak, base, memoryBytes: mem, moduleBytes: xs[0].bytes, ratio, anonAboveIdle: anon };
      results.push(row);
      if (r.name !== 'v8' && !(worst[r.label] && worst[r.label].ratio >= ratio)) worst[r.label] = { ratio, id: wl.id };
      rows.push([wl.id, r.label, MB(peak), MB(peak - base), MB(mem), MB(xs[0].bytes), ratio.toFixed(2),
        `${MB(anon)} ${(anon / (mem + xs[0].bytes)).toFixed(2)}x`,
        r.name === 'v8' ? '' : verdict(ratio <= RSS_TARGET)]);
    }
  }
  const text = `peak RSS of the Go workloads (${quick ? 'quick' : 'full'} sizes), fresh process each, median of ${runs}; ` +
    `"above idle": peak RSS minus an idle process of the same runtime (${Object.entries(idle).filter(([k]) => !k.endsWith(' anon')).map(([k, v]) => `${k} ${MB(v)}`).join(', ')}); ` +
    `target: above idle <= ${RSS_TARGET}x (guest memory + module size); "private": anonymous memory at exit above idle ` +
    '(the rest is code pages of node and the addon, shared through the page cache)\n' +
    table(['workload', 'runtime', 'peak RSS', 'above idle', 'guest mem', 'module', 'ratio', 'private, ratio', `target <= ${RSS_TARGET}x`], rows) +
    Object.entries(worst).map(([label, x]) => `\n  ${label}: worst ${x.id} at ${x.ratio.toFixed(2)}x: target ${verdict(x.ratio <= RSS_TARGET)}`).join('');
  return { results, idle, text };
}

function main(argv) {
  const opts = { runs: 5, quick: false, json: null, only: null, addons: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--runs') opts.runs = Number(argv[++i]);
    else if (argv[i] === '--quick') { opts.quick = true; opts.runs = 2; }
    else if (argv[i] === '--json') opts.json = argv[++i];
    else if (argv[i] === '--only') opts.only = argv[++i].split(',');
    else if (argv[i] === '--addon') {
      const [name, file] = argv[++i].split('=');
      if (!name || !file || !fs.existsSync(file)) throw new Error('--addon NAME=PATH (an existing .node file)');
      const copy = path.join(os.tmpdir(), `wasihost-startup-${name}-${process.pid}.node`);
      fs.copyFileSync(file, copy); // a rebuild during the run does not disturb it
      process.on('exit', () => fs.rmSync(copy, { force: true }));
      opts.addons.push([name, copy]);
    }
    else throw new Error(`unknown option ${argv[i]}`);
  }
  const log = (s) => process.stderr.write(s + '\n');
  const want = (s) => !opts.only || opts.only.some((o) => s.includes(o));
  const wantRss = !opts.only || opts.only.some((o) => o === 'rss' || o.startsWith('go-'));
  const programs = goPrograms(['big', ...new Set(GO_WORKLOADS().map((w) => w.src))], log);
  const out = { date: new Date().toISOString(), loadavgStart: os.loadavg(), node: process.version };
  console.log(`start-up and memory of Go binaries; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}, ${os.cpus().length} CPUs`);
  if (want('compile')) {
    const c = compileSection(programs.big, runtimes(opts.addons), opts.runs, log);
    out.compile = c.results;
    console.log('\n' + c.text);
  }
  if (wantRss) {
    const only = opts.only && opts.only.filter((o) => o.startsWith('go-'));
    const r = rssSection(programs, runtimes(opts.addons), opts.runs, opts.quick, only && only.length ? only : null, log);
    out.rss = r.results;
    out.idle = r.idle;
    console.log('\n' + r.text);
  }
  out.loadavgEnd = os.loadavg();
  console.log(`\nload average at end: ${out.loadavgEnd.map((x) => x.toFixed(2)).join(' ')}`);
  if (opts.json) fs.writeFileSync(opts.json, JSON.stringify(out, null, 1) + '\n');
}

if (process.argv[2] === '--child') child(process.argv.slice(3));
else main(process.argv.slice(2));
