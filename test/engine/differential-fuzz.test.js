'use strict';
// Short, fixed-seed runs of the two differential fuzzers against V8 (see
// fuzz/README.md): wasm-tools smith modules (fuzz/diff-v8.js) and Csmith C
// programs built by clang (fuzz/csmith-v8.js).  Each is skipped when its
// generator is not installed; a difference fails with the path of the
// kept module.
const t = require('tap');
const path = require('path');
const { spawnSync } = require('child_process');

const ROOT = path.join(__dirname, '..', '..');
// (in the temp dir: every csmith run writes platform.info where it runs)
const has = (cmd, args) => spawnSync(cmd, args, { stdio: 'ignore', cwd: require('os').tmpdir() }).status === 0;

function counts(stdout) {
  const line = stdout.trim().split('\n').pop() || '';
  const m = /(\{.*\})\s*$/.exec(line);
  return m ? JSON.parse(m[1]) : null;
}

t.test('wasm-tools smith modules: wasihost and V8 agree', { skip: !has('wasm-tools', ['--version']) && 'wasm-tools not installed' }, async (t) => {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'fuzz', 'diff-v8.js'), '--modules', '1500', '--minutes', '5',
    '--seed', '20261205', '--out', path.join(ROOT, 'build', 'fuzz', 'diff-test')], { encoding: 'utf8' });
  const c = counts(r.stdout);
  t.ok(c, `a summary line: ${r.stdout.slice(-300)} ${r.stderr.slice(-300)}`);
  if (!c) return;
  t.equal(c.modules, 1500, 'every module generated');
  t.ok(c.instantiated > 1000 && c.calls > 300, `modules ran (${c.instantiated} instantiated, ${c.calls} calls)`);
  for (const k of ['validityMismatch', 'instantiateMismatch', 'callMismatch', 'stateMismatch']) t.equal(c[k], 0, k);
  t.equal(r.status, 0, r.stdout.split('\n').filter((l) => l.startsWith('difference')).join('\n'));
});

const csmith = has('csmith', ['--version']) && require('fs').existsSync('/usr/include/csmith/csmith.h') &&
  has('clang', ['--version']) && require('fs').existsSync('/usr/lib/wasm32-wasi/libc.a');
t.test('Csmith C programs built by clang: wasihost and V8 print the same checksums', { skip: !csmith && 'csmith, libcsmith-dev or clang with wasi-libc not installed' }, async (t) => {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'fuzz', 'csmith-v8.js'), '--seeds', '1-8', '--jobs', '2',
    '--out', path.join(ROOT, 'build', 'fuzz', 'csmith-test')], { encoding: 'utf8' });
  const c = counts(r.stdout);
  t.ok(c, `a summary line: ${r.stdout.slice(-300)} ${r.stderr.slice(-300)}`);
  if (!c) return;
  t.ok(c.builds >= 20, `programs ran (${c.builds} builds of ${c.seeds} seeds, ${c.skippedSlow} too slow on V8)`);
  t.equal(c.differ, 0, r.stdout.split('\n').filter((l) => l.startsWith('difference')).join('\n') || 'no difference');
  t.equal(r.status, 0);
});
