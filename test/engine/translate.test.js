'use strict';
// The translator's rewrites (address folding, fused compare-branches,
// negated comparisons, constant folding, move merging, threaded resume
// jumps) checked against V8 on the same module: every export must return
// the same values and leave memory in the same state.
const t = require('tap');
const wabt = require('wabt');
const wasihost = require('../..');
const { dumpIr } = require('./ir-dump.js');

const wat = `(module
  (memory (export "mem") 1)
  (global $sp (mut i32) (i32.const 1024))
  (func (export "add_load") (param $p i32) (param $i i32) (result i32)
    (i32.load (i32.add (local.get $p) (local.get $i))))
  (func (export "addimm_load") (param $p i32) (result i32)
    (i32.load offset=4 (i32.add (local.get $p) (i32.const -4))))
  (func (export "wrap_load") (param $p i64) (result i64)
    (i64.load32_u (i32.wrap_i64 (i64.add (i64.extend_i32_u (i32.wrap_i64 (local.get $p))) (i64.const 8)))))
  (func (export "ext_load") (param $p i32) (result i64)
    (i64.load (i32.wrap_i64 (i64.extend_i32_u (local.get $p)))))
  (func (export "store_const_idx") (param $p i32) (param $i i32)
    (i32.store (i32.add (local.get $p) (local.get $i)) (i32.const 0x5a5a)))
  (func (export "store_clobber") (param $p i32)
    (i32.store (i32.add (local.get $p) (i32.load (i32.const 0))) (i32.const 77)))
  (func (export "store_local_idx") (param $p i32) (param $i i32) (param $v i32)
    (i32.store8 (i32.add (local.get $p) (local.get $i)) (local.get $v)))
  (func (export "wrap_garbage") (param $x i64) (result i64)
    (local $y i32)
    (local.set $y (i32.wrap_i64 (local.get $x)))
    (i64.extend_i32_u (local.get $y)))
  (func (export "double_eqz") (param $x i64) (result i32)
    (i64.eqz (i64.extend_i32_u (i64.eqz (local.get $x)))))
  (func (export "neg_cmp") (param $a i32) (param $b i32) (result i32)
    (i32.eqz (i32.lt_s (local.get $a) (local.get $b))))
  (func (export "neg_cmp_br") (param $a i64) (result i32)
    (block (br_if 0 (i64.eqz (i64.extend_i32_u (i64.gt_u (local.get $a) (i64.const 10)))))
      (return (i32.const 1)))
    (i32.const 2))
  (func (export "fold") (result i64)
    (i64.add (i64.extend_i32_s (i32.wrap_i64 (i64.const 0x1_ffff_fffe))) (i64.mul (i64.const 3) (i64.const 5))))
  (func (export "swap") (param $a i32) (param $b i32) (result i32)
    (local $t i32)
    (local.set $t (local.get $a)) (local.set $a (local.get $b)) (local.set $b (local.get $t))
    (i32.sub (local.get $a) (local.get $b)))
  (func (export "sp") (param $n i32) (result i32)
    (global.set $sp (local.tee $n (i32.sub (global.get $sp) (i32.const 8))))
    (i32.add (local.get $n) (global.get $sp)))
  (func (export "load2_chain") (param $p i32) (result i64) (local $q i64)
    (local.set $q (i64.load (local.get $p)))
    (i64.load offset=2 (i32.wrap_i64 (local.get $q))))
  (func (export "load2") (param $p i32) (result i64) (local $a i64)
    (local.set $a (i64.load offset=8 (local.get $p)))
    (i64.sub (local.get $a) (i64.load offset=16 (local.get $p))))
  (func (export "store2") (param $p i32) (param $v i64)
    (i64.store offset=3 (local.get $p) (local.get $v))
    (i64.store offset=65500 (local.get $p) (i64.const 0x1122334455667788)))
  (func (export "and_br") (param $x i32) (result i32)
    (block (br_if 0 (i32.and (local.get $x) (i32.const 0x30))) (return (i32.const 1)))
    (i32.const 2))
  (func (export "and_eqz_br") (param $x i32) (result i32)
    (block (br_if 0 (i32.eqz (i32.and (local.get $x) (i32.const 0x30)))) (return (i32.const 1)))
    (i32.const 2))
  (func (export "and_if") (param $x i32) (result i32)
    (if (result i32) (i32.and (local.get $x) (i32.const 0x101)) (then (i32.const 3)) (else (i32.const 4))))
  (func (export "and_loop") (param $x i32) (result i32) (local $n i32)
    (loop $l
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (local.set $x (i32.shr_u (local.get $x) (i32.const 1)))
      (br_if $l (i32.and (local.get $x) (i32.const 1))))
    (local.get $n))
  (func (export "resume") (param $pc i32) (result i32)
    (local $acc i32)
    (loop $top
      (block $c3 (block $c2 (block $c1 (block $c0
        (br_table $c0 $c1 $c2 $c3 (local.get $pc)))
        ;; case 0
        (local.set $acc (i32.add (local.get $acc) (i32.const 1)))
        (local.set $pc (i32.const 2)) (br $top))
        ;; case 1
        (local.set $acc (i32.add (local.get $acc) (i32.const 10)))
        (local.set $pc (i32.const 3)) (br $top))
        ;; case 2
        (local.set $acc (i32.add (local.get $acc) (i32.const 100)))
        (local.set $pc (i32.const 1)) (br $top))
      ;; case 3
      (return (i32.add (local.get $acc) (i32.const 1000))))
    (unreachable)))`;

const calls = [
  ['add_load', [8, 4]], ['add_load', [65530, 4]], ['addimm_load', [12]], ['addimm_load', [0]],
  ['wrap_load', [0x1_0000_0010n]], ['ext_load', [16]], ['store_const_idx', [40, 4]],
  ['store_clobber', [100]], ['store_local_idx', [200, 3, 0x1ff]], ['wrap_garbage', [0x7fff_ffff_ffff_ffffn]],
  ['double_eqz', [0n]], ['double_eqz', [5n]], ['neg_cmp', [1, 2]], ['neg_cmp', [2, 1]], ['neg_cmp', [-5, 3]],
  ['neg_cmp_br', [11n]], ['neg_cmp_br', [10n]], ['fold', []], ['swap', [7, 3]], ['sp', [0]], ['sp', [0]],
  ['load2_chain', [0]], ['load2_chain', [16]], ['load2', [24]], ['load2', [65520]], ['store2', [32, 0x0102030405060708n]],
  ['store2', [300, -1n]], ['store2', [100, 5n]],
  ['and_br', [0x10]], ['and_br', [0x4f]], ['and_eqz_br', [0x20]], ['and_eqz_br', [0x0f]],
  ['and_if', [0x100]], ['and_if', [0x10]], ['and_loop', [0xff]], ['and_loop', [0x16]],
  ['resume', [0]], ['resume', [1]], ['resume', [2]], ['resume', [3]], ['resume', [9]],
];

function run(ns, bytes) {
  const inst = new ns.Instance(new ns.Module(bytes), {});
  const mem = new Uint8Array(inst.exports.mem.buffer);
  for (let i = 0; i < 256; i++) mem[i] = (i * 37) & 0xff;
  new DataView(inst.exports.mem.buffer).setUint32(0, 60, true);
  const out = calls.map(([f, args]) => {
    try { return inst.exports[f](...args); } catch (e) { return `${e.constructor.name}`; }
  });
  return { out, mem: Buffer.from(new Uint8Array(inst.exports.mem.buffer).slice(0, 512)).toString('hex') };
}

t.test('translated code agrees with V8', async (t) => {
  const w = await wabt();
  const bytes = Buffer.from(w.parseWat('tr.wat', wat).toBinary({}).buffer);
  const v8 = run(WebAssembly, bytes);
  const wh = run(wasihost, bytes);
  calls.forEach(([f, args], i) => {
    const norm = (x) => (x === 'RuntimeError' || x === 'RangeError' ? 'trap' : x);
    t.equal(norm(wh.out[i]), norm(v8.out[i]), `${f}(${args.join(', ')})`);
  });
  t.equal(wh.mem, v8.mem, 'memory contents');
  t.equal(wh.out[1], 'RuntimeError', 'an out-of-bounds folded address still traps');
  t.same(wh.out.slice(-5), [1111, 1010, 1110, 1000, 1000], 'resume jumps: each case, default = last case');
});

// add + compare-with-immediate + branch on the sum: every integer compare,
// both branch senses, slot and immediate adds, i32 and i64, in loops (back
// branches) and blocks (forward ones), on values around each boundary.
t.test('fused add+compare+branch agrees with V8', async (t) => {
  const cmps = ['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'];
  const funcs = [];
  const names = [];
  for (const ty of ['i32', 'i64']) {
    for (const c of cmps) {
      for (const neg of [false, true]) {
        for (const imm of [false, true]) {
          const name = `${ty}_${c}_${neg ? 'f' : 't'}_${imm ? 'k' : 's'}`;
          names.push(name);
          const step = imm ? `(${ty}.const 3)` : '(local.get $s)';
          let cond = `(${ty}.${c} (local.tee $x (${ty}.add (local.get $x) ${step})) (${ty}.const 7))`;
          if (neg) cond = `(i32.eqz ${cond})`;
          // a loop that runs while the condition holds (at most 5 times),
          // then a forward branch on the same shape
          const n = ty === 'i32' ? '(local.get $n)' : '(i64.extend_i32_u (local.get $n))';
          funcs.push(`(func (export "${name}") (param $x ${ty}) (param $s ${ty}) (result ${ty})
            (local $n i32)
            (block $out (loop $l
              (local.set $n (i32.add (local.get $n) (i32.const 1)))
              (br_if $out (i32.ge_u (local.get $n) (i32.const 5)))
              (br_if $l ${cond})))
            (if ${cond} (then (local.set $x (${ty}.xor (local.get $x) (${ty}.const 0x55)))))
            (${ty}.add (local.get $x) ${n}))`);
        }
      }
    }
  }
  const src = `(module ${funcs.join('\n')})`;
  const w = await wabt();
  const bytes = Buffer.from(w.parseWat('ab.wat', src).toBinary({}).buffer);
  const v8 = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports;
  const wh = new wasihost.Instance(new wasihost.Module(bytes), {}).exports;
  const vals32 = [0, 1, 4, 5, 6, 7, 8, -1, -3, -4, 0x7ffffffe, 0x7ffffff9, -0x80000000, 0xfffffff9 | 0];
  let mismatches = 0;
  let checked = 0;
  for (const name of names) {
    const wide = name.startsWith('i64');
    for (const x of vals32) {
      for (const s of [1, 3, -2, 0x40000000]) {
        const args = wide ? [BigInt(x), BigInt(s)] : [x, s];
        const a = v8[name](...args);
        const b = wh[name](...args);
        checked++;
        if (a !== b && mismatches++ < 10) t.fail(`${name}(${args.join(', ')}): V8 ${a}, wasihost ${b}`);
      }
    }
  }
  t.equal(mismatches, 0, `${checked} calls over ${names.length} functions agree`);
  // The fusion really happens (else this test checks nothing new).
  const ir = dumpIr(bytes).join('func ');
  for (const form of ['add;br_if i32.lt_u/imm', 'add/imm;br_unless i64.ge_s/imm', 'add;br_unless i32.eq/imm', 'add/imm;br_if i64.gt_u/imm']) {
    t.ok(ir.includes(form), `the translator emits ${form}`);
  }
});

// Two consecutive moves (a copy or a constant each) share one dispatch:
// COPY2, CONST_COPY, COPY_CONST, CONST2.  Moves run in order, so a copy
// reading the slot a constant just wrote sees the new value; and a pair
// ending in a constant still gives way to the fusions that want the
// constant alone (RETURN_CONST, a resume jump, a call's constant argument).
t.test('merged moves agree with V8', async (t) => {
  const src = `(module
    (func $id (param i32) (param i32) (result i32) (i32.add (local.get 0) (i32.mul (local.get 1) (i32.const 3))))
    (func $one (param i32) (result i32) (i32.mul (local.get 0) (i32.const 7)))
    (func (export "const_copy") (param $a i32) (param $b i32) (result i32)
      (local.set $a (i32.const 5)) (local.set $b (local.get $a))
      (i32.add (local.get $a) (i32.mul (local.get $b) (i32.const 100))))
    (func (export "copy_const") (param $a i32) (param $b i32) (result i32)
      (local.set $b (local.get $a)) (local.set $a (i32.const 7))
      (i32.add (local.get $a) (i32.mul (local.get $b) (i32.const 100))))
    (func (export "const2") (param $a i64) (param $b i64) (result i64)
      (local.set $a (i64.const 0x1_0000_0001)) (local.set $b (i64.const -2))
      (i64.add (local.get $a) (i64.mul (local.get $b) (i64.const 1000))))
    (func (export "swap_chain") (param $a i32) (param $b i32) (param $c i32) (result i32)
      (local.set $c (local.get $a)) (local.set $a (local.get $b)) (local.set $b (i32.const 9))
      (local.set $c (i32.add (local.get $c) (i32.const 0)))
      (i32.add (i32.mul (local.get $a) (i32.const 10000))
               (i32.add (i32.mul (local.get $b) (i32.const 100)) (local.get $c))))
    (func (export "ret0") (param $a i32) (result i32) (local $b i32)
      (local.set $a (i32.add (local.get $a) (i32.const 1)))
      (if (local.get $a) (then (local.set $b (local.get $a)) (return (i32.const 0))))
      (i32.const 1))
    (func (export "block_results") (param $x i32) (result i32 i32)
      (block (result i32 i32)
        (br_if 0 (local.get $x) (i32.const 4) (local.get $x))
        (drop) (drop)
        (i32.const 8) (i32.const 9)))
    (func (export "call_k") (param $a i32) (result i32)
      (local $t i32)
      (local.set $t (local.get $a))
      (i32.add (call $one (i32.const 11))
        (call $id (i32.const 11) (local.get $t))))
    (func (export "loop_vars") (param $n i32) (result i32)
      (local $i i32) (local $acc i32) (local $prev i32)
      (loop $l
        (local.set $prev (local.get $acc))
        (local.set $acc (i32.const 3))
        (local.set $acc (i32.add (local.get $acc) (i32.add (local.get $prev) (local.get $i))))
        (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
      (local.get $acc)))`;
  const w = await wabt();
  const bytes = Buffer.from(w.parseWat('mv.wat', src, { multi_value: true }).toBinary({}).buffer);
  const v8 = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports;
  const wh = new wasihost.Instance(new wasihost.Module(bytes), {}).exports;
  const cases = [['const_copy', [1, 2]], ['copy_const', [3, 4]], ['const2', [1n, 2n]],
    ['swap_chain', [1, 2, 3]], ['ret0', [-1]], ['ret0', [5]], ['block_results', [0]],
    ['block_results', [6]], ['call_k', [4]], ['loop_vars', [1]], ['loop_vars', [10]]];
  for (const [f, args] of cases) t.same(wh[f](...args), v8[f](...args), `${f}(${args.join(', ')})`);
  // the merged forms are really emitted
  const ir = dumpIr(bytes).join('func ');
  for (const form of ['CONST_COPY', 'COPY_CONST', 'CONST2', 'RETURN_CONST', 'CALL_K'])
    t.ok(ir.includes(form), `the translator emits ${form}`);
});
