'use strict';
// The public suites (../shared/bench-suites, or $WASIHOST_BENCH_SUITES, or
// --suites DIR): CoreMark and the Sightglass candidates, found on disk.
// Each program: { id, suite, file, dir (its working directory, preopened at
// `.`), stdout/stderr (expected text or null), markEntry (functions whose
// entry marks the region, for programs without bench imports) }.
// Programs that cannot be run here come back in `skipped` with the reason.
const fs = require('fs');
const path = require('path');

const DEFAULT_DIR = path.join(__dirname, '..', '..', 'shared', 'bench-suites');

// Sightglass folders that hold something other than a core module we can
// run, with the reason (bench-suites/README.md).
const NOT_CORE = {
  'kotlin-richards': 'needs WebAssembly GC and exceptions (Kotlin/Wasm)',
  'cm-online-stats': 'a component, not a core module',
  splay: 'needs WebAssembly GC',
  spidermonkey: 'module absent from this copy (over 4 MiB upstream)',
  'tract-onnx-image-classification': 'module absent from this copy (over 4 MiB upstream)',
  'image-classification': 'needs wasi-nn',
  'rust-protobuf': 'input absent from this copy (over 4 MiB upstream)',
};

function readOr(file) {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null;
}

function suitesDir(opt) {
  return path.resolve(opt || process.env.WASIHOST_BENCH_SUITES || DEFAULT_DIR);
}

function findPrograms(dir) {
  const programs = [];
  const skipped = [];
  const cm = path.join(dir, 'coremark', 'coremark.wasm');
  if (fs.existsSync(cm)) {
    programs.push({
      id: 'coremark', suite: 'coremark', file: cm, dir: path.dirname(cm), stdout: null, stderr: null,
      // core_portme.c times the run between these two calls.
      markEntry: { start_time: 'start', stop_time: 'end' },
    });
  } else {
    skipped.push({ id: 'coremark', why: `absent (${cm})` });
  }
  const sg = path.join(dir, 'sightglass');
  if (!fs.existsSync(sg)) {
    skipped.push({ id: 'sightglass', why: `absent (${sg})` });
    return { programs, skipped };
  }
  for (const name of fs.readdirSync(sg).sort()) {
    const d = path.join(sg, name);
    if (!fs.statSync(d).isDirectory()) continue;
    if (NOT_CORE[name]) {
      skipped.push({ id: `sightglass/${name}`, why: NOT_CORE[name] });
      continue;
    }
    const files = fs.readdirSync(d).filter((f) => f.endsWith('.wasm'));
    if (files.includes('benchmark.wasm')) {
      programs.push({
        id: `sightglass/${name}`, suite: 'sightglass', file: path.join(d, 'benchmark.wasm'), dir: d,
        stdout: readOr(path.join(d, 'benchmark.stdout.expected')), stderr: readOr(path.join(d, 'benchmark.stderr.expected')),
      });
      continue;
    }
    const benches = files.filter((f) => !f.endsWith('.nobench.wasm')).sort();
    if (!benches.length) {
      skipped.push({ id: `sightglass/${name}`, why: files.length ? 'only a build without bench.start/bench.end here' : 'no module here' });
      continue;
    }
    for (const f of benches) {
      const base = f.replace(/\.wasm$/, '');
      const short = base.startsWith(`${name}-`) ? base.slice(name.length + 1) : base;
      const exp = (ext) => readOr(path.join(d, `${base}.${ext}.expected`)) ?? readOr(path.join(d, `default.${ext}.expected`));
      programs.push({ id: `${name}/${short}`, suite: 'sightglass', file: path.join(d, f), dir: d, stdout: exp('stdout'), stderr: exp('stderr') });
    }
  }
  return { programs, skipped };
}

// CoreMark's own report: its score, the iteration count and whether every
// CRC it prints is the one of a correct run (bench-suites/README.md).
const COREMARK_CRC = { seedcrc: '0xe9f5', '[0]crclist': '0xe714', '[0]crcmatrix': '0x1fd7', '[0]crcstate': '0x8e3a', '[0]crcfinal': '0xa14c' };

function coremarkResult(stdout) {
  const field = (k) => {
    const m = stdout.match(new RegExp(`^${k.replace(/[[\]/]/g, '\\$&')}\\s*:\\s*(\\S+)`, 'm'));
    return m ? m[1] : null;
  };
  const bad = Object.entries(COREMARK_CRC).filter(([k, v]) => field(k) !== v).map(([k, v]) => `${k} ${field(k)} (want ${v})`);
  return {
    score: Number(field('Iterations/Sec')),
    iterations: Number(field('Iterations')),
    check: bad.length ? `crc mismatch: ${bad.join(', ')}` : null,
  };
}

module.exports = { findPrograms, suitesDir, coremarkResult, DEFAULT_DIR };
