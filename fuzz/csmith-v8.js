'use strict';
// Differential testing against V8 on compiled C: random programs from
// Csmith (Debian: csmith, libcsmith-dev), each built to wasm32-wasi several
// ways, run on node:wasi (V8) and on `wasihost run`; stdout (Csmith prints a
// checksum of every global) and exit code must match.  Where diff-v8.js's
// random modules seldom look like a compiler's output, these are exactly
// what the translator's fusions and bounds-check removal were written for:
// a wrong fusion shows as a different checksum.  Not part of npm test.
//   node fuzz/csmith-v8.js [--seeds A-B | --minutes M] [--jobs N] [--out DIR]
// A seed whose program V8 does not finish within 4 s is skipped (Csmith
// programs may loop for very long).  A difference keeps the program, its
// C source and both outputs in DIR (default build/fuzz/csmith).
const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const jobs = Number(opt('--jobs', String(Math.max(1, os.cpus().length))));
const outDir = path.resolve(opt('--out', path.join(__dirname, '..', 'build', 'fuzz', 'csmith')));
const minutes = opt('--minutes', null);
const [from, to] = (opt('--seeds', null) || `${Date.now() % 1e6}-${1e9}`).split('-').map(Number);
const CLI = path.join(__dirname, '..', 'bin', 'wasihost.js');
const V8_LIMIT_MS = 4000;

// clang 14 links wasm32-wasi with Debian's wasi-libc; clang 19 only
// compiles (Debian ships no wasm builtins for it), clang 14 links its
// object.  The clang 19 builds add SIMD (auto-vectorised loops), the
// bulk-memory and saturating-conversion instructions, and tail calls.
const C = ['--target=wasm32-wasi', '--sysroot=/usr', '-w', '-I/usr/include/csmith'];
const BUILDS = [
  { name: 'O0', cc: 'clang', flags: ['-O0'] },
  { name: 'O1', cc: 'clang', flags: ['-O1'] },
  { name: 'O2', cc: 'clang', flags: ['-O2'] },
  { name: 'Os', cc: 'clang', flags: ['-Os'] },
  { name: '19-O2', cc: 'clang-19', flags: ['-O2'] },
  { name: '19-O3-simd', cc: 'clang-19', flags: ['-O3', '-msimd128', '-mbulk-memory', '-mnontrapping-fptoint', '-msign-ext'] },
  { name: '19-Oz-tail', cc: 'clang-19', flags: ['-Oz', '-mtail-call'] },
];

// (in the temp dir: every csmith run writes platform.info where it runs)
function have(cmd, a) {
  try { execFileSync(cmd, a, { stdio: 'ignore', cwd: os.tmpdir() }); return true; } catch { return false; }
}

function run(cmd, argv, opts = {}) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const p = spawn(cmd, argv, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [], err = [];
    p.stdout.on('data', (d) => out.push(d));
    p.stderr.on('data', (d) => err.push(d));
    let timedOut = false;
    const timer = opts.timeout ? setTimeout(() => { timedOut = true; p.kill('SIGKILL'); }, opts.timeout) : null;
    p.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, timedOut, ms: Date.now() - t0, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString() });
    });
  });
}

// A trap exits 134, as `wasihost run` does (a program whose undefined
// behaviour clang turned into `unreachable` traps on both).
const V8_RUNNER = `
const fs = require('fs'); const { WASI } = require('wasi');
const wasi = new WASI({ version: 'preview1', args: ['p'], env: {}, returnOnExit: true });
const m = new WebAssembly.Module(fs.readFileSync(process.argv[1]));
try {
  process.exitCode = wasi.start(new WebAssembly.Instance(m, wasi.getImportObject()));
} catch (e) {
  if (!(e instanceof WebAssembly.RuntimeError)) throw e;
  process.exitCode = 134;
}`;

const counts = { seeds: 0, builds: 0, same: 0, differ: 0, skippedSlow: 0, buildFailed: 0 };

async function build(dir, b) {
  const wasm = path.join(dir, `${b.name}.wasm`);
  if (b.cc === 'clang') {
    const r = await run('clang', [...C, ...b.flags, 'p.c', '-o', wasm], { cwd: dir });
    return r.code === 0 ? wasm : null;
  }
  const obj = path.join(dir, `${b.name}.o`);
  const r = await run(b.cc, [...C, ...b.flags, '-c', 'p.c', '-o', obj], { cwd: dir });
  if (r.code !== 0) return null;
  const l = await run('clang', ['--target=wasm32-wasi', '--sysroot=/usr', obj, '-o', wasm], { cwd: dir });
  return l.code === 0 ? wasm : null;
}

async function seedOne(seed, tmp) {
  const dir = path.join(tmp, String(seed));
  fs.mkdirSync(dir, { recursive: true });
  try {
    const g = await run('csmith', ['--seed', String(seed), '-o', 'p.c'], { cwd: dir });
    if (g.code !== 0) return;
    counts.seeds++;
    for (const b of BUILDS) {
      const wasm = await build(dir, b);
      if (!wasm) { counts.buildFailed++; continue; }
      const v8 = await run(process.execPath, ['-e', V8_RUNNER, wasm], { timeout: V8_LIMIT_MS });
      if (v8.timedOut) { counts.skippedSlow++; return; } // the other builds would be as slow
      const wh = await run(process.execPath, [CLI, 'run', wasm], { timeout: 30 * V8_LIMIT_MS });
      counts.builds++;
      if (wh.code === v8.code && wh.stdout.equals(v8.stdout)) { counts.same++; continue; }
      counts.differ++;
      const keep = path.join(outDir, `${seed}-${b.name}`);
      fs.mkdirSync(keep, { recursive: true });
      fs.copyFileSync(path.join(dir, 'p.c'), path.join(keep, 'p.c'));
      fs.copyFileSync(wasm, path.join(keep, 'p.wasm'));
      fs.writeFileSync(path.join(keep, 'v8.out'), v8.stdout);
      fs.writeFileSync(path.join(keep, 'wasihost.out'), wh.stdout);
      fs.writeFileSync(path.join(keep, 'wasihost.err'), wh.stderr);
      console.log(`difference: seed ${seed} ${b.name}: exit V8 ${v8.code} wasihost ${wh.code}${wh.signal ? ` (${wh.signal})` : ''}${wh.timedOut ? ' (timed out)' : ''} -> ${keep}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  if (!have('csmith', ['--version']) || !have('clang', ['--version']) || !fs.existsSync('/usr/include/csmith/csmith.h')) {
    console.log('needs csmith, libcsmith-dev and clang with wasi-libc (Debian: csmith libcsmith-dev clang wasi-libc lld)');
    return 0;
  }
  if (!have('clang-19', ['--version'])) BUILDS.splice(0, BUILDS.length, ...BUILDS.filter((b) => b.cc === 'clang'));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'csmith-v8-'));
  const end = minutes ? Date.now() + Number(minutes) * 60000 : Infinity;
  let next = from;
  const worker = async () => {
    while (next <= to && Date.now() < end) await seedOne(next++, tmp);
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  fs.rmSync(tmp, { recursive: true, force: true });
  console.log(`seeds ${from}-${next - 1}: ${JSON.stringify(counts)}`);
  return counts.differ ? 1 : 0;
}

main().then((code) => { process.exitCode = code; });
