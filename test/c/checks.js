'use strict';
// The C test programs in this directory print "CHECK name got want" lines
// (and "#" comments); a JS test runs one and turns its output into tap
// assertions: a clean exit, no sanitizer report, at least `min` checks.
function assertChecks(t, r, min) {
  const comments = r.stdout.split('\n').filter((l) => l.startsWith('#'));
  if (comments.length) t.comment(comments.join('\n'));
  t.equal(r.status, 0, 'exit code 0');
  t.equal(r.stderr, '', 'no sanitizer report');
  const lines = r.stdout.split('\n').filter((l) => l.startsWith('CHECK '));
  t.ok(lines.length >= min, `checks ran (${lines.length})`);
  for (const l of lines) {
    const [, name, got, want] = l.split(' ');
    t.equal(got, want, name);
  }
}

// Builds test/c/<name>.c with src/engine (no Node, no libuv) under
// ASan+UBSan into exe.
function buildEngineProgram(name, exe) {
  const fs = require('fs');
  const path = require('path');
  const { execFileSync } = require('child_process');
  const root = path.join(__dirname, '..', '..');
  const engine = path.join(root, 'src', 'engine');
  const sources = fs.readdirSync(engine).filter((f) => f.endsWith('.c')).map((f) => path.join(engine, f));
  execFileSync('gcc', [...require('../../scripts/cflags').common, '-O1', '-g',
    '-fsanitize=address,undefined', '-fno-sanitize-recover=undefined',
    '-I', path.join(root, 'include'), '-I', path.join(root, 'src'),
    path.join(__dirname, `${name}.c`), ...sources, '-lpthread', '-lm',
    '-o', exe], { stdio: ['ignore', 'inherit', 'inherit'] });
}

// Runs a program built by buildEngineProgram, with leak checks on.
function runProgram(exe, args) {
  const { spawnSync } = require('child_process');
  return spawnSync(exe, args, {
    encoding: 'utf8', timeout: 120000,
    env: { ...process.env, LD_PRELOAD: '', ASAN_OPTIONS: 'detect_leaks=1' },
  });
}

const hasGcc = (() => {
  try { require('child_process').execFileSync('gcc', ['--version'], { stdio: 'ignore' }); return true; } catch (_) { return false; }
})();

// One tap test for test/c/<name>.c with the engine: its modules ([file
// name, wat text] pairs) are assembled into a temporary directory and
// passed as arguments; at least `min` checks must run.  Skipped without gcc.
function engineProgramTest(t, title, name, modules, min) {
  if (!hasGcc) return t.skip('gcc not installed');
  const fs = require('fs');
  const os = require('os');
  const path = require('path');
  const wabt = require('wabt');
  return t.test(title, async (t) => {
    const w = await wabt();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `wh-${name}-`));
    t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
    const files = modules.map(([file, text]) => {
      const m = w.parseWat(file, text);
      const out = path.join(dir, file);
      fs.writeFileSync(out, Buffer.from(m.toBinary({}).buffer));
      m.destroy();
      return out;
    });
    const exe = path.join(dir, name);
    buildEngineProgram(name, exe);
    assertChecks(t, runProgram(exe, files), min);
  });
}

module.exports = { assertChecks, buildEngineProgram, runProgram, engineProgramTest, hasGcc };
