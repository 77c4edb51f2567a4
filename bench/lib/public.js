'use strict';
// Runs the public suites (bench/suites.js) on every runtime: each program is
// rewritten once (wasm-rewrite.js) so its measured region is marked, then
// run `runs` times per runtime, runs interleaved across runtimes so a change
// of machine load hits them alike.  Long runs are steady and dear: a runtime
// whose first run of a program took T seconds of CPU gets
// min(runs, floor(budget / T)) runs, at least one.  Slow runtimes (wazero's
// interpreter is about 10x the others) get `slowRuns` runs, and skip a
// program when wasihost's first run of it took over `slowMax` seconds.
const fs = require('fs');
const path = require('path');
const { rewrite } = require('./wasm-rewrite');
const { runMarked } = require('./marked');
const { median } = require('./measure');
const { coremarkResult } = require('../suites');

// Whether this build of wasihost compiles the module: SIMD programs are
// measured on it as soon as it does.
function wasihostAccepts(binding, bytes) {
  const saved = process.env.WASIHOST_BINDING;
  process.env.WASIHOST_BINDING = binding;
  try {
    const { Module } = require(path.join(__dirname, '..', '..'));
    new Module(bytes); // eslint-disable-line no-new
    return null;
  } catch (e) {
    return e.message;
  } finally {
    if (saved === undefined) delete process.env.WASIHOST_BINDING;
    else process.env.WASIHOST_BINDING = saved;
  }
}

// Rewrites every program into runDir; returns { ready, skipped, simd }.
function stagePrograms(programs, runDir, binding) {
  const out = path.join(runDir, 'public');
  fs.mkdirSync(out, { recursive: true });
  const ready = [];
  const skipped = [];
  for (const p of programs) {
    let r;
    try {
      r = rewrite(fs.readFileSync(p.file), { markEntry: p.markEntry });
    } catch (e) {
      skipped.push({ id: p.id, why: `cannot be rewritten: ${e.message}` });
      continue;
    }
    if (!r.markers) {
      skipped.push({ id: p.id, why: 'no bench.start/bench.end imports' });
      continue;
    }
    const file = path.join(out, `${p.id.replace(/\//g, '__')}.wasm`);
    fs.writeFileSync(file, r.wasm);
    const entry = { ...p, staged: file, simd: r.simd };
    if (r.simd) {
      const why = wasihostAccepts(binding, r.wasm);
      if (why) entry.wasihostRejects = why;
    }
    ready.push(entry);
  }
  return { ready, skipped };
}

// Some .expected files were saved without the final newline the program
// prints (libsodium's default.stdout.expected is "0", its tests print
// "0\n"): a missing final newline in the file is not a difference.
function sameOutput(actual, expected) {
  return actual === expected || (!expected.endsWith('\n') && actual === `${expected}\n`);
}

function checkOutput(p, res) {
  if (p.id === 'coremark') return coremarkResult(res.stdout).check;
  if (p.stdout !== null && !sameOutput(res.stdout, p.stdout)) return `stdout differs from ${path.basename(p.file, '.wasm')}.stdout.expected`;
  if (p.stderr !== null && !sameOutput(res.stderr, p.stderr)) return 'stderr differs from the .stderr.expected file';
  return null;
}

// Runs the staged programs.  Returns the per-program entries.
// onProgram(entries) is called after each program (the harness saves its
// JSON then, so a run cut short keeps what it measured).
async function runPrograms(ready, runtimes, opts, env, workDir, log, onProgram = () => {}) {
  const entries = [];
  for (const p of ready) {
    const entry = { id: p.id, suite: p.suite, simd: p.simd, runtimes: {} };
    entries.push(entry);
    let rts = runtimes.filter((r) => r.dirArgv);
    if (p.simd) {
      // The scalar interpreters we compare with do not all run SIMD; V8 is the reference.
      rts = rts.filter((r) => r.name.startsWith('wasihost') || r.name === 'nodewasi');
      if (p.wasihostRejects) {
        entry.wasihostRejects = p.wasihostRejects;
        log(`${p.id}: SIMD, not accepted by wasihost (${p.wasihostRejects.slice(0, 80)}): skipped`);
        continue;
      }
    }
    for (const r of rts) entry.runtimes[r.name] = { label: r.label, runs: [] };
    log(`${p.id}`);
    const maxRuns = opts.runs;
    for (let i = 0; i < maxRuns; i++) {
      for (const r of rts) {
        const e = entry.runtimes[r.name];
        if (e.failed) continue;
        if (r.slow && i >= opts.slowRuns) continue;
        if (i > 0 && i >= Math.max(1, Math.floor((opts.budget * 1000) / e.runs[0].regionCpuMs))) continue;
        if (r.slow && !e.runs.length) {
          const w = entry.runtimes.wasihost;
          const first = w && w.runs[0] && w.runs[0].regionCpuMs;
          if (first > opts.slowMax * 1000) {
            e.failed = `skipped: wasihost took ${(first / 1000).toFixed(1)} s, this runtime ~10x that (--slow-max ${opts.slowMax})`;
            e.skipped = true;
            log(`  ${r.name.padEnd(16)} ${e.failed}`);
            continue;
          }
        }
        const res = await runMarked(r.dirArgv(p.staged), {
          cwd: p.dir, env: { ...env, ...(r.env || {}), ...(r.dirEnv || {}) }, timeoutMs: opts.timeout * 1000, workDir,
        });
        const run = { regionCpuMs: res.regionCpuMs, regionWallMs: res.regionWallMs, guestClockMs: res.guestClockMs, wallMs: res.wallMs, cpuMs: res.cpuMs, rssKB: res.rssKB };
        if (p.id === 'coremark' && res.ok) Object.assign(run, coremarkResult(res.stdout));
        e.runs.push(run);
        if (!res.ok) {
          e.failed = res.error;
          log(`  ${r.name.padEnd(16)} FAILED ${res.error}`);
          continue;
        }
        const bad = checkOutput(p, res);
        if (bad) e.mismatch = bad;
        log(`  ${r.name.padEnd(16)} region cpu ${(res.regionCpuMs / 1000).toFixed(3)} s  wall ${(res.regionWallMs / 1000).toFixed(3)} s${bad ? `  CHECK: ${bad}` : ''}`);
      }
    }
    summarize(entry);
    onProgram(entries);
  }
  return entries;
}

// Medians and ratios (time / wasihost's time) of one program.
function summarize(entry) {
  for (const r of Object.values(entry.runtimes)) {
    const ok = r.failed ? [] : r.runs;
    r.n = ok.length;
    r.regionCpuMs = median(ok.map((x) => x.regionCpuMs));
    r.regionWallMs = median(ok.map((x) => x.regionWallMs));
    r.wallMs = median(ok.map((x) => x.wallMs));
    r.cpuMs = median(ok.map((x) => x.cpuMs));
    r.peakRssKB = Math.max(0, ...r.runs.map((x) => x.rssKB || 0)) || null;
    if (entry.id === 'coremark') {
      r.score = median(ok.map((x) => x.score));
      r.iterations = ok.length ? ok[0].iterations : NaN;
      r.cpuScore = r.iterations / (r.regionCpuMs / 1000);
    }
    r.check = r.skipped ? 'skipped' : r.failed ? 'FAILED' : r.mismatch ? 'MISMATCH' : 'ok';
  }
  const base = entry.runtimes.wasihost;
  for (const r of Object.values(entry.runtimes)) {
    r.ratio = base && base.check === 'ok' && r.check === 'ok' ? r.regionCpuMs / base.regionCpuMs : NaN;
  }
}

module.exports = { stagePrograms, runPrograms, summarize };
