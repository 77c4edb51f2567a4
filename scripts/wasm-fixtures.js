#!/usr/bin/env node
'use strict';
// The C programs compiled to wasm32-wasi that tests and examples run are
// committed as built .wasm beside their sources, so `npm test` and
// `npx wasihost run examples/hello.wasm` need no clang.
//   node scripts/wasm-fixtures.js          rebuild every .wasm, rewrite the lock
//   node scripts/wasm-fixtures.js --check  rebuild into a temp dir, compare
//
// The bytes depend on the sources, the flags below and the toolchain:
// clang's version, wasi-libc's libc.a and crt1.o, and compiler-rt's wasm32
// builtins.  test/wasi/fixtures/wasm-fixtures.lock.json pins all of them
// (sha-256 of each library, clang's version line) beside a hash of each
// program's sources and of its .wasm.  Paths are passed relative to the
// repository and -ffile-prefix-map drops the rest, so where the clone lives
// does not matter.  With another toolchain the rebuilt bytes differ by
// design; --check then says which pin differs instead of comparing.
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');

const root = path.join(__dirname, '..');
const lockFile = path.join(root, 'test', 'wasi', 'fixtures', 'wasm-fixtures.lock.json');
const SYSROOT = '/usr';
const INCLUDE = 'test/wasi/fixtures/c'; // raw.h
// Directories of fixtures: every <name>.c in them is one program.
const DIRS = ['test/wasi/fixtures/c', 'test/limits/fixtures/c', 'examples', 'test/engine/fixtures'];
const FLAGS = ['--target=wasm32-wasi', `--sysroot=${SYSROOT}`, '-O1', '-Wall', '-Wl,--strip-debug', '-I', INCLUDE,
  `-ffile-prefix-map=${root}/=`];
const EXTRA = {
  reactor: ['-mexec-model=reactor'],
  // one source with and without SIMD (test/engine/simd-c.test.js)
  simd_kernels: ['-O2', '-msimd128'],
  scalar_kernels: ['-O2', '-fno-vectorize', '-fno-slp-vectorize'],
  tail_calls: ['-mtail-call'], // return_call (test/engine/tail-call.test.js)
};

const sha = (buf) => crypto.createHash('sha256').update(buf).digest('hex');

function programs() {
  const out = [];
  for (const dir of DIRS) {
    const abs = path.join(root, dir);
    if (!fs.existsSync(abs)) continue;
    for (const f of fs.readdirSync(abs).sort()) {
      if (f.endsWith('.c')) out.push({ name: f.slice(0, -2), dir, src: `${dir}/${f}`, wasm: `${dir}/${f.slice(0, -2)}.wasm` });
    }
  }
  return out;
}

// Everything a program's bytes depend on besides the toolchain: its source,
// the headers it can include, its flags.
function sourceHash(p) {
  const h = crypto.createHash('sha256');
  h.update(JSON.stringify([...FLAGS.slice(0, -1), ...(EXTRA[p.name] || [])]));
  h.update(fs.readFileSync(path.join(root, p.src)));
  for (const dir of new Set([p.dir, INCLUDE])) {
    for (const f of fs.readdirSync(path.join(root, dir)).sort()) {
      if (f.endsWith('.h')) h.update(f).update(fs.readFileSync(path.join(root, dir, f)));
    }
  }
  return h.digest('hex');
}

// Why clang cannot build the fixtures here, or null.
function clangMissing() {
  try {
    execFileSync('clang', ['--version'], { stdio: 'ignore' });
  } catch (_) {
    return 'clang not installed';
  }
  if (!fs.existsSync(path.join(SYSROOT, 'lib', 'wasm32-wasi', 'libc.a'))) return 'wasi-libc not installed (apt: wasi-libc)';
  return null;
}

function toolchain() {
  const clang = execFileSync('clang', ['--version']).toString().split('\n')[0].trim();
  const rt = execFileSync('clang', ['--target=wasm32-wasi', '-print-libgcc-file-name']).toString().trim();
  const lib = (p) => (fs.existsSync(p) ? sha(fs.readFileSync(p)) : 'missing');
  return {
    clang,
    'libc.a': lib(path.join(SYSROOT, 'lib', 'wasm32-wasi', 'libc.a')),
    'crt1.o': lib(path.join(SYSROOT, 'lib', 'wasm32-wasi', 'crt1.o')),
    'libclang_rt.builtins-wasm32.a': lib(rt),
  };
}

function build(p, outPath) {
  execFileSync('clang', [...FLAGS, ...(EXTRA[p.name] || []), '-o', outPath, p.src],
    { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
}

function readLock() {
  return fs.existsSync(lockFile) ? JSON.parse(fs.readFileSync(lockFile, 'utf8')) : null;
}

// Toolchain pins that differ from the lock: [] when the rebuilt bytes must
// equal the committed ones.
function toolchainDiff(lock, tc) {
  return Object.keys(tc).filter((k) => lock.toolchain[k] !== tc[k])
    .map((k) => `${k}: ${tc[k]} here, ${lock.toolchain[k]} pinned`);
}

// Rebuilds every program into a temp dir: [{name, src, same, why}].
function check() {
  const lock = readLock();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wasm-fixtures-'));
  try {
    return programs().map((p) => {
      const out = path.join(tmp, `${p.name}.wasm`);
      build(p, out);
      const committed = path.join(root, p.wasm);
      const same = fs.existsSync(committed) && fs.readFileSync(committed).equals(fs.readFileSync(out));
      return { ...p, same, lockOk: !!(lock && lock.programs[p.src] && lock.programs[p.src].source === sourceHash(p)) };
    });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function rebuild() {
  const programsLock = {};
  for (const p of programs()) {
    build(p, path.join(root, p.wasm));
    fs.chmodSync(path.join(root, p.wasm), 0o644); // data, not a program of this host
    programsLock[p.src] = { source: sourceHash(p), wasm: sha(fs.readFileSync(path.join(root, p.wasm))) };
    console.log(`built ${p.wasm}`);
  }
  const lock = { toolchain: toolchain(), flags: FLAGS.slice(0, -1), extra: EXTRA, programs: programsLock };
  fs.writeFileSync(lockFile, JSON.stringify(lock, null, 2) + '\n');
  console.log(`wrote ${path.relative(root, lockFile)}`);
}

module.exports = { programs, sourceHash, clangMissing, toolchain, toolchainDiff, readLock, check, lockFile, sha };

if (require.main === module) {
  const missing = clangMissing();
  if (missing) {
    console.error(`wasm-fixtures: ${missing}`);
    process.exit(1);
  }
  if (process.argv.includes('--check')) {
    const diff = toolchainDiff(readLock(), toolchain());
    if (diff.length) {
      console.log(`toolchain differs from the pin, bytes cannot match:\n  ${diff.join('\n  ')}`);
      process.exit(1);
    }
    let bad = 0;
    for (const r of check()) {
      const ok = r.same && r.lockOk;
      if (!ok) bad++;
      console.log(`${ok ? 'same' : 'DIFFERS'}  ${r.wasm}`);
    }
    process.exit(bad ? 1 : 0);
  } else {
    rebuild();
  }
}
