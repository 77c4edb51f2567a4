'use strict';
// A Go 1.27 program using simd/archsimd (test/engine/fixtures/go-simd),
// built here with GOTOOLCHAIN=go1.27.3 GOEXPERIMENT=simd (the go command
// fetches that toolchain from the module proxy; the test skips when it
// cannot be had), prints the same on wasihost as on node:wasi.
const t = require('tap');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { WASI: NodeWASI } = require('node:wasi');
const wasihost = require('../..');

const root = path.join(__dirname, '..', '..');
const src = path.join(__dirname, 'fixtures', 'go-simd', 'main.go');
const cache = path.join(root, 'build', 'go-simd');

function build() {
  const hash = crypto.createHash('sha256').update(fs.readFileSync(src)).digest('hex').slice(0, 16);
  const out = path.join(cache, `simd-${hash}.wasm`);
  if (fs.existsSync(out)) return { wasm: out };
  fs.mkdirSync(cache, { recursive: true });
  const env = {
    ...process.env, GOTOOLCHAIN: 'go1.27.3', GOEXPERIMENT: 'simd', GOOS: 'wasip1', GOARCH: 'wasm',
    CGO_ENABLED: '0', GOWORK: 'off', GOFLAGS: '-p=1',
  };
  // the toolchain first: its absence skips, a build error of the program fails
  const v = spawnSync('go', ['version'], { env, timeout: 600000 });
  if (v.error || v.status !== 0 || !/go1\.27\.3/.test(String(v.stdout))) {
    const why = v.error ? v.error.message : String(v.stderr || v.stdout).trim().split('\n').slice(-1)[0];
    return { skip: `go1.27.3 unavailable: ${why}` };
  }
  const r = spawnSync('go', ['build', '-o', `${out}.tmp`, src], { env, cwd: path.dirname(src), timeout: 600000 });
  if (r.error || r.status !== 0) return { error: r.error ? r.error.message : String(r.stderr) };
  fs.renameSync(`${out}.tmp`, out);
  return { wasm: out };
}

const b = build();
if (b.error) t.fail('go build with GOEXPERIMENT=simd', { error: b.error });
else t.test('Go simd/archsimd program: wasihost = node:wasi', { skip: b.skip || false }, async (t) => {
  const bytes = fs.readFileSync(b.wasm);
  const wasi = new wasihost.WASI({ version: 'preview1', args: ['simd'], stdout: 'pipe', returnOnExit: true });
  const inst = new wasihost.Instance(new wasihost.Module(bytes), wasi.getImportObject());
  t.equal(wasi.start(inst), 0, 'exit 0 on wasihost');
  const ours = wasi.stdout.toString();

  const file = path.join(os.tmpdir(), `wh-go-simd-${process.pid}.txt`);
  const fd = fs.openSync(file, 'w+');
  try {
    const nw = new NodeWASI({ version: 'preview1', args: ['simd'], stdout: fd, returnOnExit: true });
    const vi = new WebAssembly.Instance(new WebAssembly.Module(bytes), nw.getImportObject());
    t.equal(nw.start(vi), 0, 'exit 0 on node:wasi');
  } finally {
    fs.closeSync(fd);
  }
  const v8 = fs.readFileSync(file, 'utf8');
  fs.rmSync(file, { force: true });
  t.match(ours, /^u8 sat \d+ avg \d+ max \d+ eq \d+\ni16 sub -?\d+ widen -?\d+\nf32 sum .* nan 1\n\{1,2,3,4\}\n$/);
  t.equal(ours, v8, 'same output as node:wasi');
});
