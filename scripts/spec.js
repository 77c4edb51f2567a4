#!/usr/bin/env node
'use strict';
// WebAssembly 2.0 spec suite (../shared/spec-2.0/json, else the vendored copy:
// scripts/spec-data.js) on wasihost or V8; --suite 3.0 runs ../shared/spec-3.0.
//
//   node scripts/spec.js [--engine v8|wasihost] [--suite 2.0|3.0] [--json]
//                        [--failures N] [--isolate|--no-isolate] [--timeout SEC]
//                        [--messages] [file-glob...]
//
// --engine     default $WASIHOST_SPEC_ENGINE, else wasihost
// --suite      2.0 (default) or 3.0 ($WASIHOST_SPEC_SUITE)
// --isolate    one child process per file, so a crash or hang costs one file
//              (default for wasihost; V8 runs in-process)
// --timeout    per-file limit in isolated mode (default 60 s)
// --failures   failures listed per file (default 5; 0 for none)
// --messages   also list passing assert_invalid/malformed/unlinkable/trap
//              commands whose engine message lacks the script's text
// --json       machine-readable summary on stdout instead of the table
// file-glob    matches json base names: i32, 'f*', table_copy.json
// Exit status 1 when any command failed.

const path = require('path');
const fs = require('fs');
const runner = require('../test/spec/runner.js');
const { runSuite, totals } = require('../test/spec/suite.js');

const root = path.join(__dirname, '..');

function parseArgs(argv) {
  const o = {
    engine: process.env.WASIHOST_SPEC_ENGINE || 'wasihost', suite: process.env.WASIHOST_SPEC_SUITE || '2.0',
    json: false, failures: 5,
    isolate: null, timeout: 60, messages: false, globs: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (a.includes('=')) return a.slice(a.indexOf('=') + 1);
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    const flag = a.split('=')[0];
    if (flag === '--engine') o.engine = val();
    else if (flag === '--suite') o.suite = val();
    else if (flag === '--json') o.json = true;
    else if (flag === '--failures') o.failures = Number(val());
    else if (flag === '--isolate') o.isolate = true;
    else if (flag === '--no-isolate') o.isolate = false;
    else if (flag === '--timeout') o.timeout = Number(val());
    else if (flag === '--messages') o.messages = true;
    else if (flag === '-h' || flag === '--help') o.help = true;
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else o.globs.push(a);
  }
  if (o.isolate === null) o.isolate = o.engine !== 'v8';
  return o;
}

function pad(s, n, right) {
  s = String(s);
  return right ? s.padStart(n) : s.padEnd(n);
}

function row(name, c, p, f, s, ms) {
  return `${pad(name, 34)}${pad(c, 9, 1)}${pad(p, 9, 1)}${pad(f, 8, 1)}${pad(s, 9, 1)}${pad(ms, 9, 1)}`;
}

function messageMismatches(s) {
  const kinds = new Set(['assert_invalid', 'assert_malformed', 'assert_unlinkable', 'assert_trap',
    'assert_exhaustion', 'assert_uninstantiable']);
  return s.results.filter((r) => r.status === 'pass' && kinds.has(r.type) && r.text !== undefined
    && !runner.trapTextMatches(r.message, r.text));
}

async function main() {
  let o;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`spec: ${e.message}\n`);
    process.exit(2);
  }
  if (o.help) {
    const src = fs.readFileSync(__filename, 'utf8').split('\n');
    process.stdout.write(`${src.slice(2, 20).map((l) => l.replace(/^\/\/ ?/, '')).join('\n')}\n`);
    return;
  }
  const dir = o.suite === '3.0' ? runner.specDir(root, '3.0') : require('./spec-data.js').specDir();
  if (!fs.existsSync(dir)) {
    process.stderr.write(`spec: no spec suite at ${dir}\n`);
    process.exit(2);
  }
  const files = runner.listFiles(dir, o.globs);
  if (!files.length) {
    process.stderr.write(`spec: no json file matches ${o.globs.join(' ')}\n`);
    process.exit(2);
  }
  const t0 = Date.now();
  let header = !o.json;
  let summaries;
  try {
    summaries = await runSuite({
      engine: o.engine, root, dir, files, isolate: o.isolate, timeoutMs: o.timeout * 1000,
    }, (s) => {
      if (header) { process.stdout.write(`${row('file', 'commands', 'passed', 'failed', 'skipped', 'ms')}\n`); header = false; }
      if (!o.json) {
        process.stdout.write(`${row(s.file, s.commands, s.passed, s.failed, s.skipped, Math.round(s.ms))}\n`);
      }
    });
  } catch (e) {
    process.stderr.write(`spec: cannot load engine ${o.engine}: ${e && e.stack || e}\n`);
    process.exit(2);
  }
  const t = totals(summaries);
  const wall = Date.now() - t0;
  if (o.json) {
    const out = {
      engine: o.engine, isolate: o.isolate, wallMs: wall, totals: { ...t, ms: Math.round(t.ms) },
      files: summaries.map((s) => ({
        file: s.file, commands: s.commands, passed: s.passed, failed: s.failed, skipped: s.skipped,
        ms: Math.round(s.ms), notes: s.notes,
        failures: s.results.filter((r) => r.status === 'fail').slice(0, o.failures)
          .map((r) => ({ line: r.line, kind: r.type, name: r.name, expected: r.expected, actual: r.actual, reason: r.reason })),
      })),
    };
    process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
  } else {
    process.stdout.write(`${row('total', t.commands, t.passed, t.failed, t.skipped, Math.round(t.ms))}\n`);
    process.stdout.write(`engine ${o.engine}${o.isolate ? ' (isolated)' : ''}, ${t.files} files, wall ${(wall / 1000).toFixed(1)} s\n`);
    for (const s of summaries) {
      const fails = s.results.filter((r) => r.status === 'fail');
      const odd = o.messages ? messageMismatches(s) : [];
      if (!s.notes.length && !(fails.length && o.failures > 0) && !odd.length) continue;
      process.stdout.write(`\n${s.file}: ${s.failed} failed\n`);
      for (const n of s.notes) process.stdout.write(`  note: ${n}\n`);
      for (const r of fails.slice(0, o.failures)) {
        process.stdout.write(`  ${runner.label(r)}: ${runner.failureText(r)}\n`);
      }
      if (fails.length > o.failures && o.failures > 0) process.stdout.write(`  ... ${fails.length - o.failures} more\n`);
      for (const r of odd) {
        process.stdout.write(`  message ${runner.label(r)}: want "${r.text}", engine said "${r.message}"\n`);
      }
    }
  }
  process.exitCode = t.failed ? 1 : 0;
}

main();
