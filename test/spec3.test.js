'use strict';
// The WebAssembly 3.0 spec suite (../shared/spec-3.0/json, wasm-tools json)
// for the 3.0 features wasihost runs: SIMD (every simd_* file but
// simd_memory-multi, which needs multiple memories), relaxed SIMD and tail
// calls. The rest of the 3.0 suite: `node scripts/spec.js --suite 3.0`
// (README, "Not done yet", lists what fails and why).
const t = require('tap');
const fs = require('fs');
const path = require('path');
const runner = require('./spec/runner.js');
const { runSuite } = require('./spec/suite.js');

const root = path.join(__dirname, '..');
const dir = runner.specDir(root, '3.0');
const GLOBS = ['simd_*', 'relaxed_*', 'i*_relaxed_*', 'return_call', 'return_call_indirect'];
const NOT_YET = new Set(['simd_memory-multi.json']);

if (!fs.existsSync(dir)) {
  t.plan(0, `spec-3.0 suite not found at ${dir}`);
} else {
  const files = runner.listFiles(dir, GLOBS).filter((f) => !NOT_YET.has(f));
  t.test('spec 3.0 (SIMD, relaxed SIMD, tail calls) on wasihost', async (t) => {
    t.ok(files.length >= 65, `${files.length} files`);
    let passed = 0;
    await runSuite({ engine: 'wasihost', root, dir, files, isolate: true, timeoutMs: 60000, budgetMs: 450000 }, (s) => {
      passed += s.passed;
      const fails = s.results.filter((r) => r.status === 'fail');
      t.equal(fails.length, 0, `${s.file}: ${s.passed} passed, ${s.skipped} skipped`, {
        failures: fails.slice(0, 10).map((r) => `${runner.label(r)}: ${runner.failureText(r)}`),
      });
    });
    t.comment(`spec 3.0 subset: ${passed} commands passed`);
  });
}
