'use strict';
// `go test` and `go run` with GOOS=wasip1 GOARCH=wasm find
// go_wasip1_wasm_exec on PATH; with our bin/ first on PATH they run on
// wasihost.  test/go/gomod is a small module with several packages (one
// internal), tests that read testdata/, use t.TempDir, goroutines, an
// Example, and one package that fails on purpose under -tags failing.
const t = require('tap');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const h = require('./harness.js');

const skip = h.skipReason();
if (skip) {
  t.plan(0, skip);
  process.exit(0);
}

const modDir = path.join(__dirname, 'gomod');

// A PATH whose go_wasip1_wasm_exec is ours (or, with GO_TEST_RUNTIME=node,
// scripts/node-wasi-exec.js under that name).
function wrapperPath() {
  if (h.runtime() !== 'node') return path.join(h.root, 'bin');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wh-nodewasi-'));
  fs.symlinkSync(path.join(h.root, 'scripts', 'node-wasi-exec.js'), path.join(dir, 'go_wasip1_wasm_exec'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}
const binDir = wrapperPath();

function go(args, opts = {}) {
  const env = h.goEnv({
    GOOS: 'wasip1', GOARCH: 'wasm',
    PATH: `${binDir}${path.delimiter}${process.env.PATH}`,
    GOWASIRUNTIMEARGS: '--env=WASIHOST_GO_WRAPPER=yes',
    ...opts.env,
  });
  const r = spawnSync('go', args, { cwd: opts.cwd || modDir, env, timeout: 15 * 60 * 1000, maxBuffer: 64 << 20 });
  return { code: r.status, out: r.stdout.toString() + r.stderr.toString() };
}

t.test('go test ./... passes through go_wasip1_wasm_exec', async (t) => {
  const r = go(['test', '-count=1', './...']);
  t.equal(r.code, 0, 'go test exit status', { output: r.out });
  for (const pkg of ['failing', 'fsx', 'internal/stack', 'mathx', 'textx']) {
    t.match(r.out, new RegExp(`^ok  \\twasihost\\.test/gomod/${pkg.replace('/', '\\/')}\\t`, 'm'), `${pkg} ok`);
  }
});

t.test('go test -v shows each test, the testdata readers included', async (t) => {
  const r = go(['test', '-count=1', '-v', '-run', 'Testdata|Example|WrapperArgs|WorkingDirectory', './textx', './fsx']);
  t.equal(r.code, 0, 'exit status', { output: r.out });
  for (const name of ['TestTopFromTestdata', 'TestTestdataListing', 'ExampleTop', 'TestWrapperArgs', 'TestWorkingDirectory']) {
    t.match(r.out, new RegExp(`--- PASS: ${name} `), name);
  }
});

t.test('a failing test fails the go test run', async (t) => {
  const r = go(['test', '-count=1', '-tags', 'failing', './failing']);
  t.equal(r.code, 1);
  t.match(r.out, /--- FAIL: TestAnswer/);
  t.match(r.out, /failing_test\.go:7: Answer\(\) = 41, want 42/);
  t.match(r.out, /^FAIL\twasihost\.test\/gomod\/failing\t/m);
});

t.test('go run forwards output and the exit code', async (t) => {
  const progs = path.join(__dirname, 'programs');
  const r = go(['run', './hello'], { cwd: progs });
  t.equal(r.out, 'hello, world\n');
  t.equal(r.code, 0);
  const a = go(['run', './argsenv', 'x y', '-z'], { cwd: progs });
  t.match(a.out, /^argc=3\narg\[1\]="x y"\narg\[2\]="-z"\n/);
  // The wrapper grants PWD and PATH (like Go's own wasmtime wrapper) and
  // what GOWASIRUNTIMEARGS adds; nothing else from the host environment.
  const names = [...a.out.matchAll(/^env "([^=]*)=/gm)].map((m) => m[1]);
  t.same(names, ['PATH', 'PWD', 'WASIHOST_GO_WRAPPER']);
  t.match(a.out, new RegExp(`^env "PWD=${progs.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"$`, 'm'));
  const p = go(['run', './panic'], { cwd: progs });
  t.match(p.out, /panic: boom from wasihost/);
  t.match(p.out, /exit status 2/);
  t.equal(p.code, 1, 'go run reports the failure');
});
