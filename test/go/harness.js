'use strict';
// Shared by test/go/*.test.js: finds the Go toolchain (tests skip cleanly
// without it), builds the fixtures under test/go/programs for
// GOOS=wasip1 GOARCH=wasm into build/go-fixtures/ keyed by a hash of their
// sources and the Go version (so reruns do not rebuild), and runs modules
// through the CLI in a child process.
//
// GO_TEST_RUNTIME=node runs the same tests on node:wasi (V8 + uvwasi)
// through the same CLI code, to check the expectations themselves; checks
// node:wasi is known to fail are marked todo there.
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync, execFileSync } = require('child_process');

const root = path.join(__dirname, '..', '..');
const cacheDir = path.join(root, 'build', 'go-fixtures');
const programsDir = path.join(__dirname, 'programs');
const MIN_GO_MINOR = 24; // go:wasmexport and the go.mod files need Go 1.24

// The environment for every go command: never download a toolchain or a
// module, and keep to one CPU (the machine is shared).
function goEnv(extra = {}) {
  const env = { ...process.env, GOTOOLCHAIN: 'local', GOPROXY: 'off', GOWORK: 'off', CGO_ENABLED: '0', ...extra };
  env.GOFLAGS = [process.env.GOFLAGS, '-p=1'].filter(Boolean).join(' ');
  return env;
}

let goCache;
function goInfo() {
  if (goCache !== undefined) return goCache;
  goCache = null;
  try {
    const v = execFileSync('go', ['env', 'GOVERSION', 'GOROOT'], { env: goEnv(), timeout: 60000 })
      .toString().trim().split('\n');
    const m = /^go1\.(\d+)/.exec(v[0]);
    if (m) goCache = { version: v[0], minor: Number(m[1]), goroot: v[1] };
  } catch (_) { /* no go */ }
  return goCache;
}

function goSkipReason() {
  const g = goInfo();
  if (!g) return 'go not installed';
  if (g.minor < MIN_GO_MINOR) return `${g.version} is older than go1.${MIN_GO_MINOR}`;
  return null;
}

let whReason;
// Why the wasihost runtime cannot run here, or null.
function wasihostReason() {
  if (whReason !== undefined) return whReason;
  const r = spawnSync(process.execPath, ['-e',
    `require(${JSON.stringify(path.join(root, 'lib', 'index.js'))});` +
    `const {WASI}=require(${JSON.stringify(path.join(root, 'lib', 'wasi.js'))});` +
    'if(typeof WASI!=="function")throw new Error("lib/wasi.js exports no WASI class")'],
  { timeout: 20000 });
  whReason = r.status === 0 ? null
    : `wasihost does not load: ${(r.stderr || '').toString().split('\n').find((l) => /Error/.test(l)) || 'status ' + r.status}`;
  return whReason;
}

function runtime() {
  return process.env.GO_TEST_RUNTIME === 'node' ? 'node' : 'wasihost';
}

// Why a test that runs Go wasm cannot run here, or null.
function skipReason() {
  return goSkipReason() || (runtime() === 'wasihost' ? wasihostReason() : null);
}

// ---------------------------------------------------------------------
// Fixture builds

function hashTree(h, dir, rel = '') {
  for (const name of fs.readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    const st = fs.statSync(p);
    if (st.isDirectory()) hashTree(h, p, `${rel}${name}/`);
    else {
      h.update(`${rel}${name}\0${st.size}\0`);
      h.update(fs.readFileSync(p));
    }
  }
}

function fixtureKey(name, buildmode) {
  const h = crypto.createHash('sha256');
  h.update(`${goInfo().version}\0wasip1/wasm\0${buildmode}\0`);
  h.update(fs.readFileSync(path.join(programsDir, 'go.mod')));
  hashTree(h, path.join(programsDir, name));
  return h.digest('hex').slice(0, 16);
}

function sleepMs(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function alive(pid) {
  try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; }
}

// A directory lock so parallel test files do not build the same fixtures
// twice on a shared machine.  Stale locks (dead owner) are broken.
function withLock(fn) {
  fs.mkdirSync(cacheDir, { recursive: true });
  const lock = path.join(cacheDir, '.lock');
  const deadline = Date.now() + 15 * 60 * 1000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let pid = 0;
      try { pid = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8')); } catch (_) { /* being written */ }
      if (pid && !alive(pid)) fs.rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error('timed out waiting for the go-fixtures build lock');
      else sleepMs(200);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

// fixtures(['hello', ...], { buildmode: 'c-shared' }) -> { hello: '/abs/hello-<key>.wasm', ... }
// Missing ones are built in one `go build` (one link per program).
function fixtures(names, { buildmode = 'exe' } = {}) {
  const out = {};
  const want = () => names.filter((n) => {
    out[n] = path.join(cacheDir, `${n}${buildmode === 'exe' ? '' : `.${buildmode}`}-${fixtureKey(n, buildmode)}.wasm`);
    return !fs.existsSync(out[n]);
  });
  if (want().length === 0) return out;
  withLock(() => {
    const missing = want();
    if (!missing.length) return;
    const tmp = fs.mkdtempSync(path.join(cacheDir, 'tmp-'));
    try {
      const go = (args) => {
        try {
          execFileSync('go', args, { cwd: programsDir, env: goEnv({ GOOS: 'wasip1', GOARCH: 'wasm' }),
            stdio: ['ignore', 'ignore', 'pipe'] });
        } catch (e) {
          throw new Error(`go ${args.join(' ')} failed:\n${e.stderr || e.message}`);
        }
      };
      // One go build for all executables (shared compile work, one link
      // each); -buildmode other than exe takes one main package at a time.
      if (buildmode !== 'exe') {
        for (const n of missing) go(['build', `-buildmode=${buildmode}`, '-o', path.join(tmp, `${n}.wasm`), `./${n}`]);
      } else if (missing.length === 1) {
        go(['build', '-o', path.join(tmp, `${missing[0]}.wasm`), `./${missing[0]}`]);
      } else {
        go(['build', '-o', tmp + path.sep, ...missing.map((n) => `./${n}`)]);
      }
      for (const n of missing) {
        const built = [path.join(tmp, `${n}.wasm`), path.join(tmp, n)].find((p) => fs.existsSync(p));
        if (!built) throw new Error(`go build produced no output for ${n}`);
        fs.renameSync(built, out[n]);
      }
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
  return out;
}

// ---------------------------------------------------------------------
// Running

// The CLI on the chosen runtime in a child process:
//   runCli(['run', '--dir', ..., wasm, ...args], { input, env, timeout, cwd })
// -> { code, signal, stdout, stderr, ms }
function runCli(args, opts = {}) {
  const script = runtime() === 'node'
    ? ['-e', 'process.exitCode=require(process.argv[1]).main(process.argv.slice(2),{engine:"node"})',
      path.join(root, 'lib', 'cli.js')]
    : [path.join(root, 'bin', 'wasihost.js')];
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [...script, ...args], {
    input: opts.input === undefined ? '' : opts.input,
    env: { ...process.env, ...(opts.env || {}) },
    cwd: opts.cwd,
    timeout: opts.timeout || 120000,
    maxBuffer: 64 << 20,
  });
  if (r.error && r.error.code !== 'ETIMEDOUT') throw r.error;
  return {
    code: r.status, signal: r.signal, stdout: r.stdout.toString(), stderr: r.stderr.toString(),
    ms: Date.now() - t0,
  };
}

// A JS program (source text) in a child process with `wasm` set to the
// fixture path and W to the chosen runtime's { Module, Instance, WASI,
// view, wasiOptions(o) } (node: V8 + node:wasi).
function runJs(source, opts = {}) {
  const prelude = runtime() === 'node' ? `
    process.emitWarning = () => {};
    const { WASI } = require('node:wasi');
    const W = { Module: WebAssembly.Module, Instance: WebAssembly.Instance, WASI, RuntimeError: WebAssembly.RuntimeError,
      view: require(${JSON.stringify(path.join(root, 'lib', 'memory-view.js'))}).view };`
    : `
    const wh = require(${JSON.stringify(path.join(root, 'lib', 'index.js'))});
    const W = { Module: wh.Module, Instance: wh.Instance, WASI: require(${JSON.stringify(path.join(root, 'lib', 'wasi.js'))}).WASI,
      RuntimeError: wh.RuntimeError,
      view: wh.view || require(${JSON.stringify(path.join(root, 'lib', 'memory-view.js'))}).view };`;
  const code = `'use strict';\n${prelude}\nconst wasm = ${JSON.stringify(opts.wasm || '')};\n${source}`;
  const r = spawnSync(process.execPath, ['-e', code], {
    input: '', timeout: opts.timeout || 120000, maxBuffer: 64 << 20, env: { ...process.env, ...(opts.env || {}) },
  });
  if (r.error && r.error.code !== 'ETIMEDOUT') throw r.error;
  return { code: r.status, signal: r.signal, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

function tmpTree(prefix = 'wh-go-') {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
}

module.exports = {
  root, goInfo, goEnv, goSkipReason, wasihostReason, skipReason, runtime, fixtures, runCli, runJs, tmpTree,
};
