'use strict';
// WebAssembly 2.0 spec suite (wast2json output: ../shared/spec-2.0/json when
// present, else the copy vendored in test/spec-data, see scripts/spec-data.js)
// on wasihost, or on V8 with WASIHOST_SPEC_ENGINE=v8 (a check of the runner).
// One subtest per json file; commands the runner cannot run (SIMD files,
// text modules) are one skipped assertion per file carrying their count.
// wasihost runs one child process per file so a crash or hang costs only that
// file; WASIHOST_SPEC_ISOLATE=0/1 overrides, WASIHOST_SPEC_FILES="i32 f*"
// narrows the files, WASIHOST_SPEC_TIMEOUT is the per-file limit in seconds,
// WASIHOST_SPEC_BUDGET the whole run's (files not started by then fail).
const t = require('tap');
const fs = require('fs');
const path = require('path');
const runner = require('./spec/runner.js');
const { runSuite, totals } = require('./spec/suite.js');

const root = path.join(__dirname, '..');
const dir = require('../scripts/spec-data.js').specDir();
const engine = process.env.WASIHOST_SPEC_ENGINE || 'wasihost';
const isolate = process.env.WASIHOST_SPEC_ISOLATE ? process.env.WASIHOST_SPEC_ISOLATE === '1' : engine !== 'v8';
const timeoutMs = Number(process.env.WASIHOST_SPEC_TIMEOUT || 60) * 1000;
// tap kills a test file after 600 s (package.json); stop starting files
// well before that so the results so far are still reported.
const budgetMs = Number(process.env.WASIHOST_SPEC_BUDGET || 450) * 1000;
const DIAGNOSED = 20; // failures per file (or per kind) that carry details
// Assertions: by default one per (file, command kind), e.g. "assert_return:
// 450 passed" or "assert_trap: 3 of 38 failed" with the first failures listed,
// because one TAP line per command (~27k) triples the suite's time under tap.
// WASIHOST_SPEC_TAP=command gives one assertion per command instead.
const perCommand = process.env.WASIHOST_SPEC_TAP === 'command';

if (!fs.existsSync(dir)) {
  t.plan(0, `spec suite not found at ${dir}`);
} else {
  const globs = (process.env.WASIHOST_SPEC_FILES || '').split(/[\s,]+/).filter(Boolean);
  const files = runner.listFiles(dir, globs);
  t.test(`spec suite on ${engine}`, async (t) => {
    let summaries;
    try {
      summaries = await runSuite({ engine, root, dir, files, isolate, timeoutMs, budgetMs }, (s) => report(t, s));
    } catch (e) {
      t.fail(`engine ${engine} loads`, { error: e && e.stack || String(e) });
      return;
    }
    const tot = totals(summaries);
    t.comment(`spec ${engine}: ${tot.commands} commands, ${tot.passed} passed, ${tot.failed} failed, ${tot.skipped} skipped`);
  });
}

function report(parent, s) {
  return parent.test(s.file, async (t) => {
    if (perCommand) reportCommands(t, s);
    else reportKinds(t, s);
    for (const n of s.notes) t.comment(n);
    if (s.skipped) {
      const why = [...new Set(s.results.filter((r) => r.status === 'skip').map((r) => r.reason))].join(', ');
      t.pass(`${s.skipped} commands skipped (${why})`, { skip: why });
    }
  });
}

const NO_SOURCE = { stack: null, at: null };

function reportCommands(t, s) {
  let diagnosed = 0;
  for (const r of s.results) {
    if (r.status === 'pass') t.pass(runner.label(r));
    else if (r.status === 'fail') {
      t.fail(runner.label(r), diagnosed++ < DIAGNOSED
        ? { expected: r.expected, actual: r.actual, reason: r.reason, ...NO_SOURCE }
        : { diagnostic: false, ...NO_SOURCE });
    }
  }
}

function reportKinds(t, s) {
  const groups = new Map();
  for (const r of s.results) {
    if (r.status === 'skip') continue;
    if (!groups.has(r.type)) groups.set(r.type, []);
    groups.get(r.type).push(r);
  }
  for (const [kind, rs] of groups) {
    const fails = rs.filter((r) => r.status === 'fail');
    if (!fails.length) { t.pass(`${kind}: ${rs.length} passed`); continue; }
    t.fail(`${kind}: ${fails.length} of ${rs.length} failed`, {
      failures: fails.slice(0, DIAGNOSED).map((r) => `${runner.label(r)}: ${runner.failureText(r)}`),
      ...NO_SOURCE,
    });
  }
}
