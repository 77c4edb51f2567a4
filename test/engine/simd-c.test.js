'use strict';
// A C program built by clang with -msimd128 (test/engine/fixtures/
// simd_kernels.wasm) and the same source built without SIMD
// (scalar_kernels.wasm; both from scripts/wasm-fixtures.js): all four
// builds x runtimes print the same checksums, and on wasihost the SIMD
// build of the byte kernels executes a fraction of the scalar build's
// instructions.
const t = require('tap');
const fs = require('fs');
const path = require('path');
const { WASI: NodeWASI } = require('node:wasi');
const wasihost = require('../..');

const dir = path.join(__dirname, 'fixtures');
const wasm = {
  simd: fs.readFileSync(path.join(dir, 'simd_kernels.wasm')),
  scalar: fs.readFileSync(path.join(dir, 'scalar_kernels.wasm')),
};

// Runs a build on wasihost in this thread; returns { code, out }.
function runWasihost(bytes, args) {
  const wasi = new wasihost.WASI({ version: 'preview1', args: ['kernels', ...args], stdout: 'pipe', returnOnExit: true });
  const inst = new wasihost.Instance(new wasihost.Module(bytes), wasi.getImportObject());
  const code = wasi.start(inst);
  return { code, out: wasi.stdout.toString() };
}

// Internal instructions a run executes, from an exact profile.
function instructions(bytes, args) {
  const wasi = new wasihost.WASI({ version: 'preview1', args: ['kernels', ...args], stdout: 'pipe', returnOnExit: true });
  const inst = new wasihost.Instance(new wasihost.Module(bytes), wasi.getImportObject(), { profile: 'exact' });
  if (wasi.start(inst) !== 0) throw new Error('the kernels exited non-zero');
  return inst.profile().samples.reduce((sum, s) => sum + s.values[1], 0);
}

// node:wasi writes to a file descriptor: a temp file
function runV8(bytes, args) {
  const file = path.join(require('os').tmpdir(), `wh-simd-c-${process.pid}.txt`);
  const fd = fs.openSync(file, 'w+');
  try {
    const wasi = new NodeWASI({ version: 'preview1', args: ['kernels', ...args], stdout: fd, returnOnExit: true });
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), wasi.getImportObject());
    const code = wasi.start(inst);
    return { code, out: fs.readFileSync(file, 'utf8') };
  } finally {
    fs.closeSync(fd);
    fs.rmSync(file, { force: true });
  }
}

t.test('SIMD and scalar builds print the same on wasihost and V8', async (t) => {
  const v8 = runV8(wasm.scalar, ['3']);
  t.equal(v8.code, 0);
  t.match(v8.out, /^sad \d+\nbright \d+\nmac -?\d+\ndot [-+.e\d]+\n$/, 'the four checksums');
  t.equal(runV8(wasm.simd, ['3']).out, v8.out, 'V8: SIMD build = scalar build');
  for (const build of ['simd', 'scalar']) {
    const r = runWasihost(wasm[build], ['3']);
    t.equal(r.code, 0);
    t.equal(r.out, v8.out, `wasihost ${build} build = V8`);
  }
  t.ok(wasm.simd.includes(Buffer.from([0xfd, 0x0d])) || wasm.simd.includes(Buffer.from([0xfd, 0xae, 0x01])),
    'the SIMD build has SIMD instructions');
});

// The SIMD build does the byte kernels' work in a fraction of the scalar
// build's instructions.  Counted, not timed (an exact profile counts every
// internal instruction executed, a fused one once), so the figure does not
// move with the machine's load: 3.2x (bright) and 3.9x (sad) at 30 rounds
// when written; scalar fusions can narrow it a little, hence the bound.
t.test('the SIMD build executes a fraction of the scalar build\'s instructions', async (t) => {
  for (const [kernel, rounds, min] of [['bright', 30, 2.5], ['sad', 30, 2.5]]) {
    const count = {};
    for (const build of ['simd', 'scalar']) count[build] = instructions(wasm[build], [String(rounds), kernel]);
    const ratio = count.scalar / count.simd;
    t.comment(`${kernel}: scalar ${count.scalar} instructions, SIMD ${count.simd}: ${ratio.toFixed(2)}x`);
    t.ok(ratio >= min, `${kernel}: SIMD build ${ratio.toFixed(2)}x fewer instructions (>= ${min}x)`);
  }
});
