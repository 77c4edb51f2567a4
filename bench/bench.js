#!/usr/bin/env node
'use strict';
// wasihost benchmark harness: the public suites (CoreMark, Sightglass), our
// own Go and C programs, startup, instantiate and host-call costs, side by
// side with node:wasi (V8), peer interpreters (wasmi, wazero -interpreter,
// wasm3, WAMR fast-interp) and native code.  Every measurement runs in a
// child process of its own, one at a time.
//
//   node bench/bench.js [options]          (npm run bench -- [options])
//     --runs N         runs per program (median; default 5)
//     --budget S       CPU seconds per program and runtime: a first run over S/N
//                      gets fewer runs, floor(S / its time), at least 1 (default 30)
//     --slow-runs N    runs on wazero's interpreter, ~10x slower (default 1)
//     --slow-max S     wazero skips programs taking wasihost over S s (default 10)
//     --quick          one run each, small inputs, no wazero (sanity check only)
//     --json           also write build/bench/results.json (or --out FILE)
//     --out FILE       where --json writes
//     --only a,b       programs/sections whose id contains one of these
//                      (public, own, coremark, sightglass, shootout/, go-json,
//                      c-, startup, instantiate, hostcall)
//     --runtimes a,b   only these runtimes (wasihost,nodewasi,wasmi,wazero,wasm3,wamr,native)
//     --peer-src DIR   where wasm3 and WAMR were built (bench/README.md)
//     --addon NAME=PATH  also measure another build of the addon, as wasihost@NAME
//     --baseline FILE  compare wasihost with a saved results.json (the own-set target)
//     --tolerance P    percent slower than the baseline that still counts as met (default 5)
//     --suites DIR     the public suites (default ../shared/bench-suites)
//     --size ID=ARGS   override a workload's guest args (ARGS comma-separated)
//     --timeout S      per-child timeout in seconds (default 600)
//     --install-peers  install wazero and wasmi_cli, then exit
//     --list           list the workloads and exit
//     --from FILE      print the tables of a results.json again and exit
//                      (with --json: rewrite FILE with the summaries recomputed)
// Environment: WASIHOST_BENCH_DIR (cache dir, default build/bench),
// WASIHOST_BENCH_TOOLS (extra peer dir), WASIHOST_BENCH_PEER_SRC (as
// --peer-src), WASIHOST_BENCH_SUITES (as --suites), WASIHOST_BINDING (addon to test).
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');

const { Builder, toolVersion } = require('./lib/build');
const { discover, installPeers, toolDirs } = require('./lib/runtimes');
const { runChild, median, geomean } = require('./lib/measure');
const report = require('./lib/report');
const { WORKLOADS } = require('./workloads');
const suites = require('./suites');
const pub = require('./lib/public');
const pubReport = require('./lib/public-report');

const REPO = path.join(__dirname, '..');
const LIB = path.join(__dirname, 'lib');

function parseArgs(argv) {
  const o = {
    runs: null, slowRuns: null, budget: 30, slowMax: 10, quick: false, json: false, out: null, only: null, runtimes: null, sizes: {}, timeout: 600, install: false, list: false, from: null,
    peerSrc: null, addons: [], baseline: null, tolerance: 5, suites: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--runs') o.runs = Math.max(1, parseInt(next(), 10));
    else if (a === '--budget') o.budget = Number(next());
    else if (a === '--slow-max') o.slowMax = Number(next());
    else if (a === '--slow-runs') o.slowRuns = Math.max(1, parseInt(next(), 10));
    else if (a === '--quick') o.quick = true;
    else if (a === '--out') o.out = next();
    else if (a === '--peer-src') o.peerSrc = next();
    else if (a === '--addon') {
      const v = next();
      const at = v.indexOf('=');
      if (at <= 0) throw new Error('--addon wants NAME=PATH');
      o.addons.push({ name: v.slice(0, at), file: path.resolve(v.slice(at + 1)) });
    } else if (a === '--baseline') o.baseline = next();
    else if (a === '--tolerance') o.tolerance = Number(next());
    else if (a === '--suites') o.suites = next();
    else if (a === '--json') o.json = true;
    else if (a === '--only') o.only = next().split(',').filter(Boolean);
    else if (a === '--runtimes') o.runtimes = next().split(',').filter(Boolean);
    else if (a === '--size') {
      const [id, args] = next().split('=');
      o.sizes[id] = args.split(',');
    } else if (a === '--timeout') o.timeout = Number(next());
    else if (a === '--install-peers') o.install = true;
    else if (a === '--list') o.list = true;
    else if (a === '--from') o.from = next();
    else if (a === '-h' || a === '--help') {
      process.stdout.write(fs.readFileSync(__filename, 'utf8').split('\n').slice(2).filter((l, i, a) => a.slice(0, i + 1).every((x) => x.startsWith('//'))).map((l) => l.replace(/^\/\/ ?/, '')).join('\n') + '\n');
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  if (o.runs === null) o.runs = o.quick ? 1 : 5;
  if (o.slowRuns === null) o.slowRuns = 1;
  return o;
}

// group: 'own' (bench/'s programs and sections) or 'public' (the suites).
function selected(opts, id, group = 'own') {
  return !opts.only || opts.only.some((s) => s === group || id.includes(s));
}

function loadavg() {
  return os.loadavg().map((x) => x.toFixed(2)).join(' ');
}

function gitHead() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

// A private copy of the addon for this run: `npm run build` elsewhere
// (node-gyp rebuild) deletes build/ while we measure.
function snapshotBinding(runDir) {
  const src = process.env.WASIHOST_BINDING
    ? path.resolve(process.env.WASIHOST_BINDING)
    : path.join(REPO, 'build', 'Release', 'wasihost.node');
  if (!fs.existsSync(src)) throw new Error(`no wasihost addon at ${src}: run npm run build first`);
  const dst = path.join(runDir, 'wasihost.node');
  fs.copyFileSync(src, dst);
  return { src, dst, mtime: fs.statSync(src).mtime.toISOString() };
}

// Copies a built file into the run dir (the cache may be wiped mid-run too).
function stage(runDir, file) {
  const dst = path.join(runDir, path.basename(file));
  if (!fs.existsSync(dst)) fs.copyFileSync(file, dst);
  fs.chmodSync(dst, 0o755);
  return dst;
}

// A runtime's child options: another build of the addon (--addon) brings
// its own WASIHOST_BINDING, and runs in the in-process sections (startup,
// instantiate, host calls) under the name wasihost, not wasihost@X, which
// instantiate.js and hostcall.js would take for V8.
const inNodeName = (r) => (r.addon ? 'wasihost' : r.name);
const optsFor = (r, childOpts, extra = {}) => ({ ...childOpts, ...extra, env: { ...childOpts.env, ...(r.env || {}) } });

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const cacheDir = process.env.WASIHOST_BENCH_DIR || path.join(REPO, 'build', 'bench');
  const log = (s) => process.stderr.write(`${s}\n`);
  if (opts.list) {
    for (const w of WORKLOADS) process.stdout.write(`${w.id.padEnd(16)} ${w.desc}  args: ${w.full.join(' ')}  (quick: ${w.quick.join(' ')})\n`);
    process.stdout.write('startup          Go hello world and the large Go binary: spawn to first stdout byte\ninstantiate      large Go binary: new Module / new Instance\nhostcall         fd_write and JS import call cost\n');
    return;
  }
  if (opts.from) {
    const saved = JSON.parse(fs.readFileSync(opts.from, 'utf8'));
    printSaved(saved);
    if (opts.json) fs.writeFileSync(opts.from, JSON.stringify(saved, null, 2) + '\n');
    return;
  }
  if (opts.install) {
    const dir = process.env.WASIHOST_BENCH_TOOLS || toolDirs(cacheDir)[0];
    const r = installPeers(dir, log);
    log(JSON.stringify(r));
    return;
  }

  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasihost-bench-'));
  const binding = snapshotBinding(runDir);
  // Other builds of the addon, copied like the main one.
  const addons = opts.addons.map((a) => {
    if (!fs.existsSync(a.file)) throw new Error(`--addon ${a.name}: no file ${a.file}`);
    const dst = path.join(runDir, `wasihost-${a.name.replace(/[^\w.-]/g, '_')}.node`);
    fs.copyFileSync(a.file, dst);
    return { name: a.name, file: dst, src: a.file };
  });
  const { runtimes: allRuntimes, missing } = discover(cacheDir, { peerSrc: opts.peerSrc, addons });
  const runtimes = allRuntimes.filter((r) => !opts.runtimes || opts.runtimes.includes(r.name) || (r.addon && opts.runtimes.includes('wasihost')));
  const baseline = opts.baseline ? JSON.parse(fs.readFileSync(opts.baseline, 'utf8')) : null;
  const childEnv = { ...process.env, WASIHOST_BINDING: binding.dst };
  const results = {
    meta: {
      date: new Date().toISOString(),
      quick: opts.quick,
      runs: opts.runs,
      git: gitHead(),
      binding: { file: binding.src, mtime: binding.mtime },
      addons: addons.map((a) => ({ name: a.name, file: a.src })),
      baseline: opts.baseline,
      slowRuns: opts.slowRuns,
      budget: opts.budget,
      slowMax: opts.slowMax,
      node: process.version,
      go: toolVersion('go', ['version']),
      clang: toolVersion('clang', ['--version']),
      gcc: toolVersion('gcc', ['--version']),
      cpu: (os.cpus()[0] || {}).model,
      cores: os.cpus().length,
      loadavgStart: os.loadavg(),
      runtimes: runtimes.map((r) => ({ name: r.name, label: r.label, version: r.version })),
      missing,
    },
    workloads: [],
  };

  const out = (s = '') => process.stdout.write(`${s}\n`);
  const writeJson = (r) => {
    const file = opts.out ? path.resolve(opts.out) : path.join(cacheDir, 'results.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(r, null, 2) + '\n');
    return file;
  };
  out(`wasihost benchmark  ${results.meta.date}  git ${results.meta.git}  ${opts.quick ? 'QUICK (small inputs, not for publication)' : `median of ${opts.runs}`}`);
  out(`machine: ${results.meta.cpu}, ${results.meta.cores} cores; load average at start: ${loadavg()}`);
  out(`addon: ${binding.src} (${binding.mtime})`);
  for (const r of runtimes) out(`  ${r.label.padEnd(20)} ${r.version || ''}`);
  for (const m of missing) out(`  ${m.name.padEnd(20)} MISSING: ${m.why}`);
  out();

  // Build everything first, so no build runs while we measure.
  log('building benchmark programs (cached under ' + cacheDir + ')');
  const builder = new Builder(cacheDir, log);
  const work = WORKLOADS.filter((w) => selected(opts, w.id));
  for (const w of work) {
    try {
      if (w.lang === 'go') w.files = { wasm: stage(runDir, builder.go(w.src)) };
      else {
        const f = builder.c(w.src);
        w.files = { wasm: stage(runDir, f.wasm), native: f.native && stage(runDir, f.native) };
      }
    } catch (e) {
      w.buildError = e.message;
    }
  }
  const wantStartup = selected(opts, 'startup');
  const wantInst = selected(opts, 'instantiate');
  const wantHost = selected(opts, 'hostcall');
  let hello = null;
  let big = null;
  let hostcall = null;
  let hostcallCmd = null;
  try {
    if (wantStartup) hello = stage(runDir, builder.go('hello'));
    if (wantStartup || wantInst) big = stage(runDir, builder.go('big'));
    if (wantHost) {
      const calls = opts.quick ? 100000 : 1000000;
      // Whole-process timing for CLI peers: enough calls to drown the
      // noise of process start-up.
      const cliCalls = calls * 3;
      hostcall = stage(runDir, await builder.wat('hostcall'));
      hostcallCmd = {
        calls,
        cliCalls,
        write: stage(runDir, await builder.wat('hostcall-cmd', {
          N: String(cliCalls), CALL: '(local.set $err (i32.or (local.get $err) (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))',
        }, `hostcall-cmd-write-${cliCalls}`)),
        empty: stage(runDir, await builder.wat('hostcall-cmd', {
          N: String(cliCalls), CALL: '(local.set $err (i32.or (local.get $err) (i32.const 0)))',
        }, `hostcall-cmd-empty-${cliCalls}`)),
      };
    }
  } catch (e) {
    log(`build failed: ${e.message}`);
    throw e;
  }

  const childOpts = { timeoutMs: opts.timeout * 1000, env: childEnv, workDir: runDir };

  // Throughput workloads: runs interleaved across runtimes so that a change
  // in machine load hits every runtime alike.
  for (const w of work) {
    const args = opts.sizes[w.id] || (opts.quick ? w.quick : w.full);
    const entry = { id: w.id, lang: w.lang, desc: w.desc, args, loadavg: os.loadavg(), runtimes: {} };
    results.workloads.push(entry);
    if (w.buildError) {
      entry.error = `build failed: ${w.buildError}`;
      out(report.workloadHeader(entry));
      out(`  ${entry.error}\n`);
      continue;
    }
    const rts = runtimes.filter((r) => r.kind === 'wasm' || (r.kind === 'native' && w.files.native));
    for (const r of rts) entry.runtimes[r.name] = { label: r.label, runs: [] };
    log(`${w.id} ${args.join(' ')}`);
    for (let i = 0; i < opts.runs; i++) {
      for (const r of rts) {
        const e = entry.runtimes[r.name];
        if (e.failed) continue;
        const file = r.kind === 'native' ? w.files.native : w.files.wasm;
        const res = await runChild(r.argv(file, args), optsFor(r, childOpts));
        e.runs.push({ wallMs: res.wallMs, cpuMs: res.cpuMs, rssKB: res.rssKB, report: res.report });
        if (!res.ok) {
          e.failed = res.error;
          continue;
        }
        const line = res.stdout.trim().split('\n').pop();
        if (e.output === undefined) e.output = line;
        else if (e.output !== line) e.unstable = true;
        log(`  ${r.name.padEnd(9)} ${(res.wallMs / 1000).toFixed(3)} s  ${res.rssKB ? `${(res.rssKB / 1024).toFixed(0)} MB` : ''}`);
      }
    }
    report.summarizeWorkload(entry);
    out(report.workloadTable(entry));
  }

  if (results.workloads.length) {
    results.geomean = report.geomeans(results.workloads);
    out(report.summaryTable(results.workloads, results.geomean, runtimes));
  }

  // The public suites.
  const found = suites.findPrograms(suites.suitesDir(opts.suites));
  const wanted = found.programs.filter((p) => selected(opts, p.id, 'public'));
  if (wanted.length || (opts.only && opts.only.includes('public'))) {
    const staged = pub.stagePrograms(wanted, runDir, binding.dst);
    results.publicSkipped = [...found.skipped.filter((x) => selected(opts, x.id, 'public')), ...staged.skipped];
    // wazero's interpreter takes ~10x the others' time: left out of --quick
    // unless named.
    const pubRuntimes = runtimes.filter((r) => r.kind === 'wasm' && !(opts.quick && r.slow && !(opts.runtimes || []).includes(r.name)));
    results.meta.publicRuntimes = pubRuntimes.map((r) => r.name);
    results.public = await pub.runPrograms(staged.ready, pubRuntimes, opts, childEnv, runDir, log, (entries) => {
      if (!opts.json) return;
      results.public = entries;
      results.partial = true;
      writeJson(results);
    });
    delete results.partial;
    for (const e of results.public) if (Object.keys(e.runtimes).length) out(pubReport.programDetail(e));
    printPublic(results, pubRuntimes, baseline, opts.tolerance / 100, out);
  }

  if (wantStartup && hello) {
    results.startup = await startup(hello, 'hello, world', runtimes, opts, childOpts, log);
    out(report.startupTable(results.startup, 'Go hello world'));
    results.startupBig = await startup(big, 'big ok', runtimes, opts, childOpts, log);
    out(report.startupTable(results.startupBig, 'large Go binary (bench/go/big)'));
  }
  if (wantInst && big) {
    results.instantiate = await instantiate(big, runtimes, opts, childOpts, log);
    out(report.instantiateTable(results.instantiate));
  }
  if (wantHost && hostcall) {
    results.hostcall = await hostCalls(hostcall, hostcallCmd, runtimes, opts, childOpts, log);
    out(report.hostcallTable(results.hostcall));
  }

  if (!results.public && baseline && results.workloads.length) {
    out(pubReport.baselineTable([], results.workloads, baseline));
    results.targets = [pubReport.ownTarget(results.workloads, baseline, opts.tolerance / 100)];
    out(pubReport.targetsTable(results.targets));
  }
  results.meta.loadavgEnd = os.loadavg();
  out(`load average at end: ${loadavg()}`);
  if (opts.json) out(`wrote ${path.relative(process.cwd(), writeJson(results))}`);
  fs.rmSync(runDir, { recursive: true, force: true });
}

// The public suites' matrix, targets, baseline comparison and skipped list.
function printPublic(results, runtimes, baseline, tolerance, out) {
  out(pubReport.matrix(results.public, runtimes));
  results.targets = pubReport.targets(results.public, runtimes, results.workloads, baseline, tolerance);
  out(pubReport.targetsTable(results.targets));
  if (baseline) out(pubReport.baselineTable(results.public, results.workloads, baseline));
  const sk = pubReport.skippedTable(results.publicSkipped || [], results.public);
  if (sk) out(sk);
}

// Prints the tables of a saved results.json (summaries recomputed, so
// an older file gets the current columns).
function printSaved(results) {
  const out = (s = '') => process.stdout.write(`${s}\n`);
  const m = results.meta;
  out(`wasihost benchmark  ${m.date}  git ${m.git}  ${m.quick ? 'QUICK' : `median of ${m.runs}`}`);
  out(`machine: ${m.cpu}, ${m.cores} cores; load average at start: ${m.loadavgStart.map((x) => x.toFixed(2)).join(' ')}`);
  for (const r of m.runtimes) out(`  ${r.label.padEnd(20)} ${r.version || ''}`);
  for (const x of m.missing || []) out(`  ${x.name.padEnd(20)} MISSING: ${x.why}`);
  out();
  for (const w of results.workloads) {
    if (w.error) continue;
    report.summarizeWorkload(w);
    out(report.workloadTable(w));
  }
  if (results.workloads.length) {
    const runtimes = m.runtimes.filter((r) => results.workloads.some((w) => w.runtimes[r.name]));
    results.geomean = report.geomeans(results.workloads);
    out(report.summaryTable(results.workloads, results.geomean, runtimes));
  }
  if (results.public) {
    for (const e of results.public) {
      pub.summarize(e);
      if (Object.keys(e.runtimes).length) out(pubReport.programDetail(e));
    }
    const names = m.publicRuntimes || m.runtimes.map((r) => r.name);
    printPublic(results, m.runtimes.filter((r) => names.includes(r.name)), m.baseline && fs.existsSync(m.baseline) ? JSON.parse(fs.readFileSync(m.baseline, 'utf8')) : null, 0.05, out);
  }
  if (results.startup) out(report.startupTable(results.startup, 'Go hello world'));
  if (results.startupBig) out(report.startupTable(results.startupBig, 'large Go binary (bench/go/big)'));
  if (results.instantiate) out(report.instantiateTable(results.instantiate));
  if (results.hostcall) out(report.hostcallTable(results.hostcall));
  if (m.loadavgEnd) out(`load average at end: ${m.loadavgEnd.map((x) => x.toFixed(2)).join(' ')}`);
}

// Time to first output of a Go program: a fresh process per run, from
// spawn to the first stdout byte (node's own startup included for the
// in-node runtimes; the baseline row is node printing one byte).
async function startup(prog, expect, runtimes, opts, childOpts, log) {
  const n = opts.quick ? 2 : Math.max(5, opts.runs);
  const rows = [];
  const cases = [{ name: 'node-baseline', label: 'node (prints 1 byte)', argv: [process.execPath, '-e', "process.stdout.write('x')"] }];
  for (const r of runtimes) if (r.kind === 'wasm') cases.push({ name: r.name, label: r.label, argv: r.argv(prog, []), r });
  log(`startup ${path.basename(prog)} x${n}`);
  for (const c of cases) c.runs = [];
  for (let i = 0; i < n; i++) {
    for (const c of cases) {
      if (c.error) continue;
      const res = await runChild(c.argv, c.r ? optsFor(c.r, childOpts) : childOpts);
      if (!res.ok) {
        c.error = res.error;
        continue;
      }
      if (c.name !== 'node-baseline' && !res.stdout.startsWith(expect)) c.error = `unexpected output ${JSON.stringify(res.stdout.slice(0, 40))}`;
      c.runs.push({ firstByteMs: res.firstByteMs, wallMs: res.wallMs, rssKB: res.rssKB, report: res.report });
    }
  }
  for (const c of cases) {
    rows.push({
      name: c.name,
      label: c.label,
      error: c.error,
      firstByteMs: median(c.runs.map((x) => x.firstByteMs)),
      wallMs: median(c.runs.map((x) => x.wallMs)),
      rssKB: median(c.runs.map((x) => x.rssKB)),
      compileMs: median(c.runs.map((x) => x.report && x.report.compile)),
      instantiateMs: median(c.runs.map((x) => x.report && x.report.instantiate)),
      runMs: median(c.runs.map((x) => x.report && x.report.run)),
      runs: c.runs,
    });
  }
  return { program: path.basename(prog), runs: n, bytes: fs.statSync(prog).size, rows };
}

// new Module / new Instance of a large Go binary, in process (one child
// per runtime doing REPS rounds).  V8 caches compiled modules by their
// bytes, so its first round is reported apart from the median of the rest.
async function instantiate(big, runtimes, opts, childOpts, log) {
  const reps = opts.quick ? 2 : Math.max(5, opts.runs);
  const rows = [];
  for (const r of runtimes.filter((x) => x.inNode)) {
    log(`instantiate ${r.name} x${reps}`);
    const res = await runChild([process.execPath, '--no-warnings', path.join(LIB, 'instantiate.js'), inNodeName(r), big, String(reps)], optsFor(r, childOpts));
    if (!res.ok) {
      rows.push({ name: r.name, label: r.label, error: res.error });
      continue;
    }
    const d = JSON.parse(res.stdout.trim().split('\n').pop());
    rows.push({
      name: r.name,
      label: r.label,
      compileFirstMs: d.compile[0],
      compileMs: median(d.compile.length > 1 ? d.compile.slice(1) : d.compile),
      instantiateFirstMs: d.instantiate[0],
      instantiateMs: median(d.instantiate.length > 1 ? d.instantiate.slice(1) : d.instantiate),
      rssKB: res.rssKB,
      raw: d,
    });
  }
  return { reps, bytes: fs.statSync(big).size, rows };
}

// Host-call cost.  In process for wasihost and node:wasi (loop with the
// call minus the same loop without it).  For every runtime, also as whole
// processes: a command doing N fd_write calls minus one doing none, over N,
// stdout on /dev/null (the only way to time the CLI peers).
async function hostCalls(hostcall, cmd, runtimes, opts, childOpts, log) {
  const reps = opts.quick ? 2 : Math.max(5, opts.runs);
  const rows = [];
  for (const r of runtimes.filter((x) => x.kind === 'wasm')) {
    log(`hostcall ${r.name}`);
    const row = { name: r.name, label: r.label };
    rows.push(row);
    if (r.inNode) {
      const res = await runChild([process.execPath, '--no-warnings', path.join(LIB, 'hostcall.js'), inNodeName(r), hostcall, String(cmd.calls), String(reps)], optsFor(r, childOpts));
      if (!res.ok) row.error = res.error;
      else Object.assign(row, JSON.parse(res.stdout.trim().split('\n').pop()));
    }
    const w = [];
    const e = [];
    for (let i = 0; i < reps && !row.cliError; i++) {
      const a = await runChild(r.argv(cmd.write, []), optsFor(r, childOpts, { stdout: 'devnull' }));
      const b = await runChild(r.argv(cmd.empty, []), optsFor(r, childOpts, { stdout: 'devnull' }));
      if (!a.ok || !b.ok) row.cliError = a.error || b.error;
      w.push(a.wallMs);
      e.push(b.wallMs);
    }
    if (!row.cliError) row.fdWriteCli = (median(w) - median(e)) * 1e6 / cmd.cliCalls;
  }
  // The floor: write(2) itself, from C, in the same run.
  try {
    const exe = path.join(opts.cacheDir || os.tmpdir(), `write_devnull-${process.pid}`);
    execFileSync('gcc', ['-O2', path.join(__dirname, 'native', 'write_devnull.c'), '-o', exe], { stdio: 'ignore' });
    const res = await runChild([exe, String(cmd.calls), String(reps)], childOpts);
    fs.rmSync(exe, { force: true });
    rows.push({ name: 'native', label: 'native write(2) (C)', ...(res.ok ? JSON.parse(res.stdout.trim()) : { error: res.error }) });
  } catch (e) {
    rows.push({ name: 'native', label: 'native write(2) (C)', error: `gcc: ${e.message}` });
  }
  return { calls: cmd.calls, cliCalls: cmd.cliCalls, reps, rows };
}

main().catch((e) => {
  process.stderr.write(`${e.stack || e}\n`);
  process.exit(1);
});
