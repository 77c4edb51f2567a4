#!/usr/bin/env node
'use strict';
// Runs WebAssembly/wasi-testsuite's prebuilt preview-1 tests on wasihost
// and on node:wasi in one run and prints a table and the totals:
//
//   node scripts/wasi-testsuite.js DIR [--engine wasihost|node|both] [-v] [filter...]
//
// DIR is a checkout of the suite (its `tests/` directory or any directory
// above `*/testsuite/wasm32-wasip1/`; the prebuilt .wasm files live on the
// suite's `prod/testsuite-base` branch).  The suite itself is never copied
// into this repository.
//
// Each test follows doc/specification.md: its .json (when present) gives
// args, env, root (a directory preopened as the guest's "/"), the expected
// exit code and stdout/stderr.  The root is copied to a fresh temporary
// directory for each run so the two engines and later tests never see each
// other's leftovers.  Every run is a child process (`wasihost run` through
// lib/cli.js), so a crash or a hang fails one test, not the runner.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const TIMEOUT_MS = 30000;

if (process.argv[2] === '--child') {
  // node wasi-testsuite.js --child ENGINE run-args...
  const { main } = require('../lib/cli.js');
  process.exitCode = main(process.argv.slice(4), { engine: process.argv[3] });
  return;
}

function findSuites(dir) {
  const out = [];
  (function walk(d, depth) {
    if (depth > 5) return;
    let ents;
    try { ents = fs.readdirSync(d, { withFileTypes: true }); } catch (_) { return; }
    for (const e of ents) {
      if (!e.isDirectory() || e.name.endsWith('.dir') || e.name === 'src' || e.name === '.git') continue;
      const p = path.join(d, e.name);
      if (e.name === 'wasm32-wasip1' && path.basename(d) === 'testsuite') out.push(p);
      else walk(p, depth + 1);
    }
  })(dir, 0);
  return out.sort();
}

// The legacy spec and the operation-based one, both reduced to
// { args, env, root, exit_code, stdout, stderr }.  stdout/stderr stay
// undefined (unchecked) unless the spec names them, as the suite's own
// runner does (test_case.py: a legacy key becomes a `read` operation only
// when present).
function loadSpec(jsonPath) {
  const spec = { args: [], env: {}, root: null, exit_code: 0, stdout: undefined, stderr: undefined };
  if (!fs.existsSync(jsonPath)) return spec;
  const j = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
  if (!Array.isArray(j.operations)) return { ...spec, ...j };
  for (const op of j.operations) {
    if (op.type === 'run') Object.assign(spec, { args: op.args || [], env: op.env || {}, root: op.root || null });
    else if (op.type === 'wait') spec.exit_code = op.exit_code || 0;
    else if (op.type === 'read') spec[op.id || 'stdout'] = (spec[op.id || 'stdout'] || '') + (op.payload || '');
    else spec.unsupported = op.type; // connect/send/recv: a socket proposal test
  }
  return spec;
}

function runOne(engine, wasm, spec) {
  let tmp;
  const words = ['run'];
  if (spec.root) {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wasi-ts-'));
    fs.cpSync(path.join(path.dirname(wasm), spec.root), tmp, { recursive: true, verbatimSymlinks: true });
    words.push(`--dir=${tmp}::/`);
  }
  for (const [k, v] of Object.entries(spec.env)) words.push(`--env=${k}=${v}`);
  words.push('--argv0', path.basename(wasm), '--', wasm, ...spec.args);
  const r = spawnSync(process.execPath, [__filename, '--child', engine, ...words], {
    timeout: TIMEOUT_MS, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 << 20,
  });
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  const why = [];
  if (r.error) why.push(r.error.code === 'ETIMEDOUT' ? `timed out after ${TIMEOUT_MS} ms` : r.error.message);
  else if (r.signal) why.push(`killed by ${r.signal}`);
  else if (r.status !== spec.exit_code) why.push(`exit ${r.status}, expected ${spec.exit_code}`);
  if (spec.stdout !== undefined && r.stdout !== spec.stdout) why.push(`stdout ${JSON.stringify(r.stdout.slice(0, 200))}, expected ${JSON.stringify(spec.stdout)}`);
  if (spec.stderr !== undefined && r.stderr !== spec.stderr) why.push(`stderr ${JSON.stringify(r.stderr.slice(0, 200))}, expected ${JSON.stringify(spec.stderr)}`);
  return { ok: why.length === 0, why: why.join('; '), stderr: r.stderr || '' };
}

function main(argv) {
  let engines = ['wasihost', 'node'];
  let verbose = false;
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--engine') {
      const e = argv[++i];
      engines = e === 'both' ? ['wasihost', 'node'] : [e];
    } else if (a === '-v') verbose = true;
    else rest.push(a);
  }
  const [dir, ...filters] = rest;
  if (!dir) {
    process.stderr.write('usage: node scripts/wasi-testsuite.js DIR [--engine wasihost|node|both] [-v] [name-filter...]\n');
    return 2;
  }
  const suites = findSuites(path.resolve(dir));
  if (!suites.length) {
    process.stderr.write(`no */testsuite/wasm32-wasip1 directories under ${dir} (the prebuilt tests are on the suite's prod/testsuite-base branch)\n`);
    return 2;
  }
  const totals = Object.fromEntries(engines.map((e) => [e, 0]));
  let count = 0;
  const names = { wasihost: 'wasihost', node: 'node:wasi' };
  process.stdout.write(`${'test'.padEnd(58)}${engines.map((e) => names[e].padEnd(11)).join('')}\n`);
  for (const suite of suites) {
    const lang = path.basename(path.dirname(path.dirname(suite)));
    const cases = fs.readdirSync(suite).filter((f) => f.endsWith('.wasm')).sort();
    for (const f of cases) {
      const name = `${lang}/${f.slice(0, -5)}`;
      if (filters.length && !filters.some((s) => name.includes(s))) continue;
      for (const c of fs.readdirSync(suite).filter((x) => x.endsWith('.cleanup'))) {
        fs.rmSync(path.join(suite, c), { recursive: true, force: true });
      }
      const wasm = path.join(suite, f);
      const spec = loadSpec(wasm.slice(0, -5) + '.json');
      count++;
      const cells = [];
      const notes = [];
      for (const e of engines) {
        const r = spec.unsupported ? { ok: false, why: `needs ${spec.unsupported}` } : runOne(e, wasm, spec);
        if (r.ok) totals[e]++;
        else notes.push(`  ${names[e]}: ${r.why}${verbose && r.stderr ? `\n    ${r.stderr.trim().split('\n').slice(0, 5).join('\n    ')}` : ''}`);
        cells.push((r.ok ? 'pass' : 'FAIL').padEnd(11));
      }
      process.stdout.write(`${name.padEnd(58)}${cells.join('')}\n${notes.length ? notes.join('\n') + '\n' : ''}`);
    }
  }
  process.stdout.write(`\ntotal ${count}: ${engines.map((e) => `${names[e]} ${totals[e]}/${count}`).join(', ')}\n`);
  return engines.every((e) => e !== 'wasihost' || totals[e] === count) ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
