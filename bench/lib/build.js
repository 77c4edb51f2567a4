'use strict';
// Builds the benchmark programs at bench time, cached under the cache dir
// (build/bench by default) keyed by a hash of the source, the toolchain
// version and the flags, so an unchanged program is never rebuilt.
//   Go   bench/go/NAME      -> go/NAME-HASH.wasm     (GOOS=wasip1 GOARCH=wasm)
//   C    bench/c/NAME.c     -> c/NAME-HASH.wasm      (clang --target=wasm32-wasi -O2)
//                           -> c/NAME-HASH.native    (gcc -O2)
//   WAT  bench/wat/NAME.wat -> wat/NAME-HASH.wasm    (wabt, from node_modules)
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const BENCH = path.join(__dirname, '..');
const REPO = path.join(BENCH, '..');

const CLANG_WASM = ['--target=wasm32-wasi', '--sysroot=/usr', '-O2'];
const GCC_NATIVE = ['-O2'];

function hash(...parts) {
  const h = crypto.createHash('sha256');
  for (const p of parts) h.update(typeof p === 'string' ? p : JSON.stringify(p)).update('\0');
  return h.digest('hex').slice(0, 12);
}

function toolVersion(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0].trim();
  } catch {
    return null;
  }
}

// Returns the cached file, building it with `make(outTmp)` when absent; older
// builds of the same program are removed.
function cached(dir, name, key, ext, make) {
  fs.mkdirSync(dir, { recursive: true });
  const out = path.join(dir, `${name}-${key}${ext}`);
  if (fs.existsSync(out)) return { file: out, built: false };
  const tmp = `${out}.tmp${process.pid}`;
  make(tmp);
  fs.renameSync(tmp, out);
  for (const f of fs.readdirSync(dir)) {
    if (f.startsWith(`${name}-`) && f.endsWith(ext) && f !== path.basename(out) && /^[0-9a-f]{12}$/.test(f.slice(name.length + 1, -ext.length))) {
      fs.rmSync(path.join(dir, f), { force: true });
    }
  }
  return { file: out, built: true };
}

class Builder {
  constructor(cacheDir, log) {
    this.cacheDir = cacheDir;
    this.log = log;
    this.goVersion = toolVersion('go', ['version']);
    this.clangVersion = toolVersion('clang', ['--version']);
    this.gccVersion = toolVersion('gcc', ['--version']);
  }

  go(name) {
    if (!this.goVersion) throw new Error('go is not installed');
    const dir = path.join(BENCH, 'go', name);
    const srcs = fs.readdirSync(dir).filter((f) => f.endsWith('.go')).sort();
    const key = hash(this.goVersion, fs.readFileSync(path.join(BENCH, 'go', 'go.mod'), 'utf8'),
      ...srcs.map((f) => f + fs.readFileSync(path.join(dir, f), 'utf8')));
    const r = cached(path.join(this.cacheDir, 'go'), name, key, '.wasm', (tmp) => {
      this.log(`  building go/${name} (GOOS=wasip1 GOARCH=wasm)`);
      execFileSync('go', ['build', '-p', '1', '-trimpath', '-o', tmp, `./${name}`], {
        cwd: path.join(BENCH, 'go'),
        env: { ...process.env, GOOS: 'wasip1', GOARCH: 'wasm', GOFLAGS: '-buildvcs=false' },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
    });
    return r.file;
  }

  c(name) {
    const src = path.join(BENCH, 'c', `${name}.c`);
    const text = fs.readFileSync(src, 'utf8');
    const out = {};
    if (!this.clangVersion) throw new Error('clang is not installed');
    out.wasm = cached(path.join(this.cacheDir, 'c'), name, hash(this.clangVersion, CLANG_WASM, text), '.wasm', (tmp) => {
      this.log(`  building c/${name}.c -> wasm32-wasi`);
      execFileSync('clang', [...CLANG_WASM, src, '-o', tmp], { stdio: ['ignore', 'inherit', 'inherit'] });
    }).file;
    if (this.gccVersion) {
      out.native = cached(path.join(this.cacheDir, 'c'), name, hash(this.gccVersion, GCC_NATIVE, text), '.native', (tmp) => {
        this.log(`  building c/${name}.c -> native (gcc -O2)`);
        execFileSync('gcc', [...GCC_NATIVE, src, '-o', tmp], { stdio: ['ignore', 'inherit', 'inherit'] });
      }).file;
    }
    return out;
  }

  // WAT through wabt (async init); `subst` replaces @KEY@ placeholders.
  async wat(name, subst = {}, tag = name) {
    let text = fs.readFileSync(path.join(BENCH, 'wat', `${name}.wat`), 'utf8');
    for (const [k, v] of Object.entries(subst)) text = text.split(`@${k}@`).join(v);
    const dir = path.join(this.cacheDir, 'wat');
    const key = hash(text);
    const out = path.join(dir, `${tag}-${key}.wasm`);
    if (fs.existsSync(out)) return out;
    const wabt = await require(path.join(REPO, 'node_modules', 'wabt'))();
    const mod = wabt.parseWat(`${name}.wat`, text);
    const { buffer } = mod.toBinary({});
    mod.destroy();
    return cached(dir, tag, key, '.wasm', (tmp) => fs.writeFileSync(tmp, Buffer.from(buffer))).file;
  }
}

module.exports = { Builder, hash, toolVersion };
