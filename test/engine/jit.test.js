'use strict';
// The native tier (src/engine/jit_x64.c: x86-64 Linux, on unless
// WASIHOST_JIT=0).  Native code hands every call, return, trap and failed
// stop check back to the interpreter, so a program must behave exactly as
// it does interpreted: the same results, traps, messages, backtraces, fuel
// stops.  Checked three ways: which functions compile (the IR dump marks
// them), one script run interpreted and native with every outcome
// compared, and, since every other test now runs native code, the spec
// suite and the engine's differential tests (each fusion against V8) run
// again with the interpreter alone.
const t = require('tap');
const path = require('path');
const { spawnSync } = require('child_process');
const { watToBytes } = require('./v8-diff.js');
const { dumpIr } = require('./ir-dump.js');

const native = process.arch === 'x64' && process.platform === 'linux';
const root = path.join(__dirname, '..', '..');

const WAT = `(module
  (memory (export "mem") 1 4)
  (global $g (mut i32) (i32.const 5))
  (global $h (mut i64) (i64.const -3))
  ;; integer loop with loads, stores, a compare-and-branch back-edge
  (func $sum (export "sum") (param $n i32) (result i64)
    (local $i i32) (local $acc i64)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (i32.store (i32.shl (i32.and (local.get $i) (i32.const 255)) (i32.const 2))
                 (i32.mul (local.get $i) (i32.const 2654435761)))
      (local.set $acc (i64.add (local.get $acc)
        (i64.extend_i32_u (i32.load (i32.shl (i32.and (local.get $i) (i32.const 255)) (i32.const 2))))))
      (local.set $acc (i64.rotl (i64.xor (local.get $acc) (i64.const 0x9E3779B97F4A7C15)) (i64.const 7)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (local.get $acc))
  ;; floats through the helpers: min/max/nearest/convert/trunc
  (func $fl (export "fl") (param $x f64) (param $y f64) (result f64)
    (f64.add (f64.min (local.get $x) (local.get $y))
             (f64.mul (f64.nearest (local.get $x)) (f64.convert_i64_s (i64.trunc_sat_f64_s (local.get $y))))))
  (func $tr (export "tr") (param $x f32) (result i32) (i32.trunc_f32_s (local.get $x)))
  ;; br_table, select, globals, div/rem (trapping), a call in a loop
  (func $sw (export "sw") (param $k i32) (param $d i32) (result i32)
    (local $r i32)
    (block $c (block $b (block $a
      (br_table $a $b $c (local.get $k)))
      (local.set $r (i32.div_s (i32.const 100) (local.get $d))) (br $c))
      (local.set $r (i32.rem_s (i32.const -2147483648) (local.get $d))))
    (global.set $g (i32.add (global.get $g) (local.get $r)))
    (select (local.get $r) (global.get $g) (local.get $k)))
  (func $sq (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
  (func $calls (export "calls") (param $n i32) (result i32)
    (local $i i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (call $sq (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $s))
  ;; an access past the end in a native loop: a trap with a backtrace
  (func $oob (export "oob") (param $p i32) (result i32)
    (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (i32.load (local.get $p))))
      (local.set $p (i32.add (local.get $p) (i32.const 4096)))
      (br $l))
    (local.get $s))
  (func (export "outer") (param i32) (result i32) (call $oob (local.get 0)))
  ;; memory.grow inside a loop: the base and size native code uses change
  (func (export "grow") (result i32)
    (local $i i32)
    (loop $l
      (drop (memory.grow (i32.const 1)))
      (i32.store (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 4)) (local.get $i))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 3))))
    (i32.load (i32.const 262140)))
  (func (export "spin") (loop $l (global.set $h (i64.add (global.get $h) (i64.const 1))) (br $l)))
  (func (export "v") (param i32) (result i32)
    (i32x4.extract_lane 1 (i32x4.splat (local.get 0))))
  ;; native calls and returns: recursion, locals zeroed, a trap deep inside
  (func $fib (export "fib") (param $n i32) (result i32)
    (local $t i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (i32.add (local.get $n) (local.get $t)))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
  (func $down (export "down") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.load (i32.const 70000000)))
      (else (i32.add (i32.const 1) (call $down (i32.sub (local.get $n) (i32.const 1)))))))
  (func $forever (export "forever") (param $n i32) (result i32)
    (i32.add (call $forever (i32.add (local.get $n) (i32.const 1))) (i32.const 1))))`;

// Every outcome of the script, as text, in one child process.
const SCRIPT = (file) => `
const W = require(${JSON.stringify(root)});
const bytes = require('fs').readFileSync(${JSON.stringify(file)});
const out = [];
const m = new W.Module(bytes);
const run = (f) => { try { const r = f(); out.push(typeof r === 'bigint' ? r + 'n' : String(Object.is(r, -0) ? '-0' : r)); }
  catch (e) { out.push(e.constructor.name + ': ' + e.message + ' @ ' + (e.stack || '').split('\\n').slice(1, 4).map((s) => s.trim()).join(' | ')); } };
const i = new W.Instance(m);
const e = i.exports;
for (const n of [0, 1, 7, 300, 5000]) run(() => e.sum(n));
for (const [x, y] of [[1.5, -2.5], [2.5, 1e300], [NaN, 1], [-0, 0], [3.7, -9.2e18], [-1e-300, Infinity]]) run(() => e.fl(x, y));
for (const x of [1.9, -2147483648, 2147483648, NaN, -0.5]) run(() => e.tr(x));
for (const k of [0, 1, 2, 3, -1]) for (const d of [7, 0, -1]) run(() => e.sw(k, d));
for (const n of [1, 10, 1000]) run(() => e.calls(n));
run(() => e.outer(0));
run(() => e.grow());
run(() => e.v(9));
for (const n of [0, 1, 2, 20, 25]) run(() => e.fib(n));
run(() => e.down(50));
run(() => e.forever(0));
run(() => e.fib(10));
const f = new W.Instance(m, undefined, { fuel: 200000 });
run(() => f.exports.spin());
run(() => f.exports.sum(100));
f.fuel = 1e6;
run(() => f.exports.sum(100));
out.push('fuel left ' + f.fuel);
process.stdout.write(JSON.stringify(out));
`;

function runScript(file, jit) {
  const env = { ...process.env, WASIHOST_JIT: jit ? '1' : '0' };
  const r = spawnSync(process.execPath, ['-e', SCRIPT(file)], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`script failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

t.test('native code behaves as the interpreter', { skip: !native && 'no native tier here' }, async (t) => {
  const bytes = await watToBytes('jit.wat', WAT);
  const file = path.join(require('os').tmpdir(), `wh-jit-${process.pid}.wasm`);
  require('fs').writeFileSync(file, bytes);
  try {
    const interp = runScript(file, false);
    const jit = runScript(file, true);
    t.equal(jit.length, interp.length);
    interp.forEach((a, k) => t.equal(jit[k], a, `outcome ${k}: ${a.slice(0, 80)}`));
    // the outcomes are what they should be, not only equal
    t.match(interp.find((s) => /out of bounds/.test(s)),
      /^RuntimeError: out of bounds memory access @ .*wasm-function\[6\].*wasm-function\[7\]/,
      'the trap in the loop, with its two wasm frames');
    t.ok(interp.some((s) => /fuel/.test(s)), 'the spin loop runs out of fuel');
    t.ok(interp.includes('2'), 'grow stored its last counter at the new end');
    t.ok(interp.some((s) => /divide by zero/.test(s)), 'div_s by zero traps');
    t.ok(interp.includes('6765') && interp.includes('75025'), 'fib(20), fib(25)');
    t.ok(interp.some((s) => /call stack exhausted/.test(s)), 'unbounded recursion is a trap');
    t.match(interp.find((s) => /out of bounds/.test(s) && /function\[12\]/.test(s)) || '',
      /wasm-function\[12\].*wasm-function\[12\].*wasm-function\[12\]/, 'a trap 50 calls deep, its frames');
  } finally {
    require('fs').rmSync(file, { force: true });
  }
});

t.test('which functions run as native code', { skip: !native && 'no native tier here' }, async (t) => {
  const bytes = await watToBytes('jit.wat', WAT);
  const old = process.env.WASIHOST_JIT;
  process.env.WASIHOST_JIT = '1';
  let ir;
  try {
    ir = dumpIr(bytes);
  } finally {
    if (old === undefined) delete process.env.WASIHOST_JIT;
    else process.env.WASIHOST_JIT = old;
  }
  // functions in the module's order
  const names = ['sum', 'fl', 'tr', 'sw', 'sq', 'calls', 'oob', 'outer', 'grow', 'spin', 'v', 'fib', 'down', 'forever'];
  t.equal(ir.length, names.length);
  names.forEach((name, i) => {
    if (name === 'v') {
      // SIMD has no templates: that function stays interpreted
      t.notMatch(ir[i], /, native code/, 'a SIMD function stays interpreted');
      return;
    }
    t.match(ir[i], /, native code/, `${name} compiled`);
    t.notMatch(ir[i], /JIT_ENTER/, `${name}: the dump shows the instructions, not the entries`);
  });
});

// The engine's differential tests (fusions and rewrites against V8), run
// again in children with the interpreter alone.
const DIFF = [
  'add-zx', 'addi-cmp-branch', 'bounds-elim', 'const-address', 'fused-branch',
  'i64-load-branch', 'load-branch', 'load-pairs', 'local-zero', 'masked-op', 'mem64',
  'op-chain', 'scaled-index', 'select-const', 'shl-add-load', 'shl-add-moves', 'table-bias',
  'tail-call', 'xor-rotl', 'eh', 'refs', 'translate',
];
for (const name of DIFF) {
  t.test(`${name}.test.js interpreted`, { skip: !native && 'the interpreter is all there is here' }, (t) => {
    const r = spawnSync(process.execPath, [path.join(__dirname, `${name}.test.js`)], {
      env: { ...process.env, WASIHOST_JIT: '0', TAP: '0' }, encoding: 'utf8', timeout: 300000,
    });
    const fails = (r.stdout || '').split('\n').filter((l) => /^\s*not ok /.test(l) && !/# SKIP|# TODO/.test(l));
    t.equal(r.status, 0, `exit status (${fails.slice(0, 5).join(' / ')})`);
    t.same(fails, [], 'no failed assertion');
    t.end();
  });
}

t.test('the 2.0 spec suite interpreted', { skip: !native && 'the interpreter is all there is here' }, (t) => {
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'spec.js')], {
    env: { ...process.env, WASIHOST_JIT: '0' }, encoding: 'utf8', timeout: 600000,
  });
  const total = (r.stdout || '').split('\n').find((l) => /^total\s/.test(l));
  t.ok(total, 'the runner printed its totals');
  const [commands, passed, failed] = (total || '').trim().split(/\s+/).slice(1).map(Number);
  t.equal(failed, 0, `no command failed (${total && total.trim()})`);
  t.ok(passed > 0.9 * commands, 'the commands it can run passed');
  t.end();
});
