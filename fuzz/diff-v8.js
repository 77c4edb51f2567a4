'use strict';
// Differential fuzzing against V8: random modules from `wasm-tools smith`
// (cargo install wasm-tools), validated, instantiated and run on wasihost
// and on V8's WebAssembly; every exported function is called with the same
// arguments and the outcomes compared, then the exported memories, globals
// and tables.  Not part of npm test.
//   node fuzz/diff-v8.js [--minutes M] [--modules N] [--seed N] [--out DIR] [--no-simd]
//   node fuzz/diff-v8.js --replay FILE|DIR...
// Prints counts; a module that differs is written to DIR (default
// build/fuzz/diff) with a .txt saying how.
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const W = require('../lib');

const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const minutes = Number(opt('--minutes', '1'));
const maxModules = Number(opt('--modules', 'Infinity'));
let seed = Number(opt('--seed', String(Date.now() % 1e9)));
const outDir = opt('--out', path.join(__dirname, '..', 'build', 'fuzz', 'diff'));

// The features both engines have: WebAssembly 2.0 (SIMD included) and tail
// calls; Node 20's V8 lacks the 3.0 exception handling (try_table), memory64,
// extended constants and relaxed SIMD, and we lack threads and GC.  Loops and
// calls get fuel counters (--ensure-termination) so that both engines stop
// alike.  --no-simd leaves SIMD out (more of each module is then scalar code).
const SMITH = ['smith', '--ensure-termination', '--simd-enabled', String(!args.includes('--no-simd')),
  '--threads-enabled', 'false', '--exceptions-enabled', 'false', '--tail-call-enabled', 'true',
  '--memory64-enabled', 'false', '--gc-enabled', 'false', '--custom-page-sizes-enabled', 'false',
  '--extended-const-enabled', 'false', '--relaxed-simd-enabled', 'false',
  '--wide-arithmetic-enabled', 'false', '--max-memories', '1', '--max-imports', '0',
  '--export-everything', 'true', '--canonicalize-nans', 'true',
  '--max-memory32-bytes', String(1 << 20), '--multi-value-enabled', 'true',
  '--reference-types-enabled', 'true', '--bulk-memory-enabled', 'true'];

// xorshift32: the seed makes a run repeatable.
function rng() {
  seed ^= seed << 13; seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5; seed >>>= 0;
  return seed;
}

const I32 = [0, 1, -1, 7, 0x7fffffff, -0x80000000, 65536];
const F64 = [0, -0, 1.5, -2.25, 1e300, Infinity, -Infinity, NaN];
function arg(type, ext) {
  const r = rng();
  switch (type) {
    case 'i32': return r & 1 ? I32[r % I32.length] : r | 0;
    case 'i64': return r & 1 ? BigInt(I32[r % I32.length]) : BigInt.asIntN(64, BigInt(r) << 21n);
    case 'f32': case 'f64': return r & 1 ? F64[r % F64.length] : (r | 0) / 3;
    case 'externref': return r & 1 ? null : ext;
    default: return null; // funcref
  }
}

// A trap's kind, from either engine's message.  V8 merges some of the
// spec's traps: "float unrepresentable in integer range" is both integer
// overflow and invalid conversion, "table index is out of bounds" covers
// call_indirect and table access, and segment bounds are their own text.
function trapKind(e) {
  if (e instanceof RangeError || /call stack exhausted|stack size/.test(e.message)) return 'stack';
  const m = e.message;
  const kinds = [['unreachable', /unreachable/],
    ['memory', /memory access|out of bounds memory|data segment/],
    ["div0", /divide by zero|remainder by zero/],
    ['overflow', /integer overflow|divide result unrepresentable|conversion to integer|float unrepresentable/],
    ['table', /table index|undefined element|uninitialized|null function|signature mismatch|indirect call|out of bounds table|table access|elem(ent)? segment/]];
  for (const [k, re] of kinds) if (re.test(m)) return k;
  return `${e.name}: ${m}`;
}

function outcome(fn, ext) {
  try {
    return { value: norm(fn(), ext) };
  } catch (e) {
    if (e && (e instanceof W.RuntimeError || e instanceof WebAssembly.RuntimeError || e instanceof RangeError)) {
      return { trap: trapKind(e) };
    }
    return { threw: e && e.name };
  }
}
function norm(v, ext) {
  if (Array.isArray(v)) return v.map((x) => norm(x, ext));
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'function') return 'func';
  if (v === ext) return 'ext';
  return v === undefined ? 'undefined' : v === null ? 'null' : typeof v;
}

// A memory may have grown to 4 GiB, past what one Hash.update() takes.
function digest(bytes) {
  const h = require('crypto').createHash('sha1');
  for (let at = 0; at < bytes.length; at += 1 << 28) h.update(bytes.subarray(at, at + (1 << 28)));
  return `${bytes.length}:${h.digest('hex')}`;
}

// What the exports hold after a call.
function state(NS, exports, mod, ext) {
  const out = {};
  for (const { name, kind } of NS.Module.exports(mod)) {
    const x = exports[name];
    if (kind === 'memory') out[name] = digest(new Uint8Array(x.buffer));
    else if (kind === 'global') out[name] = outcome(() => x.value, ext);
    else if (kind === 'table') {
      const els = [];
      for (let i = 0; i < x.length && i < 64; i++) els.push(norm(x.get(i), ext));
      out[name] = `${x.length}:${els.join(',')}`;
    }
  }
  return JSON.stringify(out);
}

const counts = { modules: 0, valid: 0, invalid: 0, validityMismatch: 0, instantiated: 0,
  instantiateMismatch: 0, calls: 0, callMismatch: 0, stateMismatch: 0, smithFailed: 0 };

const differences = () => counts.validityMismatch + counts.instantiateMismatch + counts.callMismatch + counts.stateMismatch;

function report(bytes, how) {
  fs.mkdirSync(outDir, { recursive: true });
  const base = path.join(outDir, `diff-${counts.modules}-${seed >>> 0}`);
  fs.writeFileSync(`${base}.wasm`, bytes);
  fs.writeFileSync(`${base}.txt`, how + '\n');
  console.log(`difference (${base}.wasm): ${how}`);
}

function one() {
  const input = Buffer.alloc(4 * (64 + (rng() % 1024)));
  for (let i = 0; i < input.length; i += 4) input.writeUInt32LE(rng(), i);
  let bytes;
  try {
    bytes = execFileSync('wasm-tools', SMITH, { input, maxBuffer: 64 << 20, stdio: ['pipe', 'pipe', 'ignore'] });
  } catch {
    counts.smithFailed++;
    return;
  }
  check(bytes);
}

function check(bytes) {
  counts.modules++;
  const v8ok = WebAssembly.validate(bytes);
  const ours = W.validate(bytes);
  if (v8ok !== ours) {
    counts.validityMismatch++;
    report(bytes, `validate: wasihost ${ours}, V8 ${v8ok}`);
    return;
  }
  if (!v8ok) { counts.invalid++; return; }
  counts.valid++;
  const ext = { external: true };
  const mods = [new W.Module(bytes), new WebAssembly.Module(bytes)];
  const insts = [];
  const inst = [W, WebAssembly].map((NS, k) => outcome(() => {
    insts[k] = new NS.Instance(mods[k], {});
    return 'ok';
  }, ext));
  if (JSON.stringify(inst[0]) !== JSON.stringify(inst[1])) {
    counts.instantiateMismatch++;
    report(bytes, `instantiate: wasihost ${JSON.stringify(inst[0])}, V8 ${JSON.stringify(inst[1])}`);
    return;
  }
  if (!insts[0]) return;
  counts.instantiated++;
  for (const { name, kind } of W.Module.exports(mods[0])) {
    if (kind !== 'function') continue;
    const { params } = W.internals.funcType(insts[0].exports[name]);
    const argv = params.map((p) => arg(p, ext));
    const r = [0, 1].map((k) => outcome(() => insts[k].exports[name](...argv), ext));
    counts.calls++;
    if (JSON.stringify(r[0]) !== JSON.stringify(r[1])) {
      counts.callMismatch++;
      report(bytes, `'${name}'(${argv.map((a) => String(a)).join(', ')}): wasihost ${JSON.stringify(r[0])}, V8 ${JSON.stringify(r[1])}`);
      return;
    }
    const s = [state(W, insts[0].exports, mods[0], ext), state(WebAssembly, insts[1].exports, mods[1], ext)];
    if (s[0] !== s[1]) {
      counts.stateMismatch++;
      report(bytes, `after ${name}: wasihost ${s[0]}\nV8 ${s[1]}`);
      return;
    }
  }
  insts[0].dispose();
  mods[0].dispose();
}

try {
  execFileSync('wasm-tools', ['--version'], { stdio: 'ignore' });
} catch {
  console.log('wasm-tools not found: cargo install wasm-tools');
  process.exit(0);
}
// --replay FILE|DIR...: check saved modules again (arguments from the seed).
if (args.includes('--replay')) {
  const rest = args.slice(args.indexOf('--replay') + 1);
  const end = rest.findIndex((a) => a.startsWith('--'));
  const files = rest.slice(0, end < 0 ? rest.length : end)
    .flatMap((f) => (fs.statSync(f).isDirectory()
      ? fs.readdirSync(f).filter((n) => n.endsWith('.wasm')).map((n) => path.join(f, n)) : [f]));
  for (const f of files) check(fs.readFileSync(f));
  console.log(`replayed ${files.length}: ${JSON.stringify(counts)}`);
  process.exit(differences() ? 1 : 0);
}
const startSeed = seed;
const end = Date.now() + minutes * 60000;
const c0 = process.cpuUsage();
const t0 = Date.now();
while (Date.now() < end && counts.modules + counts.smithFailed < maxModules) one();
const c = process.cpuUsage(c0);
console.log(`seed ${startSeed}, ${((Date.now() - t0) / 1000).toFixed(0)} s (cpu ${((c.user + c.system) / 1e6).toFixed(1)} s of this process): ${JSON.stringify(counts)}`);
process.exit(differences() ? 1 : 0);
