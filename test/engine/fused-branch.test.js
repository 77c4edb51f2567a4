'use strict';
// Fusions chosen from pair counts over many programs (irops.def's last
// group): a move or an i32 add/imm (sub/imm) followed by a branch on
// another value, which may be the one just written (COPY;BR_IF...,
// i32.add/imm;BR_IF...: forward and loop branches, br_if and if); a branch
// on a global just read (BR_IF_GLOBAL, BR_IFZ_GLOBAL); two i32.loads or
// i32.stores in a row (I32_LOAD2, I32_STORE2: the second address read
// from the first's result, traps between the two).  Shapes the fusions
// must not take are checked too.  V8 must agree on every result, trap and
// byte of memory.
const t = require('tap');
const { watToBytes, compareWithV8 } = require('./v8-diff.js');
const { dumpIr, checkWants } = require('./ir-dump.js');

// [name, params, body, IR text that must (string) or must not (!string) appear]
const F = [];
const add = (name, body, want, params = '(param $a i32) (param $b i32)') => F.push({ name, params, body, want });

// a loop whose condition is computed before the body's last move
add('copy_back', `(local $i i32) (local $j i32) (local $n i32) (local $c i32)
  (local.set $j (local.get $a))
  (loop $l
    (local.set $n (i32.add (local.get $n) (i32.const 1)))
    local.get $n
    (i32.and (local.get $b) (i32.const 63))
    i32.lt_u
    (local.set $i (local.get $j))
    (local.set $j (i32.add (local.get $i) (local.get $n)))
    (local.set $i (local.get $j))
    br_if $l)
  (i32.add (local.get $i) (i32.mul (local.get $n) (i32.const 1000)))`, 'COPY;BR_IF_BACK');
// the branch tests the local just copied
add('copy_self', `(local $x i32)
  (block (local.set $x (local.get $b)) (br_if 0 (local.get $x)) (return (i32.const -7)))
  (i32.add (local.get $x) (local.get $a))`, 'COPY;BR_IF ');
// `if` on a local after a move: branch-if-zero to the else arm
add('copy_if', `(local $x i32)
  (local.set $x (local.get $a))
  (if (result i32) (local.get $b) (then (i32.sub (local.get $x) (i32.const 3))) (else (local.get $x)))`, 'COPY;BR_IFZ ');
// a loop counting down with the add feeding its own test, and one whose
// condition came first (`c = i < n; i += k; br_if c`)
add('addi_self', `(local $n i32)
  (local.set $n (i32.const 0))
  (block (loop $l
    (local.set $n (i32.add (local.get $n) (i32.const 1)))
    (br_if 1 (i32.gt_u (local.get $n) (i32.const 50)))
    (local.set $a (i32.add (local.get $a) (i32.const -1)))
    (br_if $l (local.get $a))))
  (i32.add (local.get $n) (i32.shl (local.get $a) (i32.const 8)))`, 'i32.add/imm;BR_IF_BACK');
add('addi_before', `(local $n i32)
  (block (loop $l
    (br_if 1 (i32.gt_u (local.get $n) (i32.const 40)))
    local.get $a
    local.get $b
    i32.lt_s
    (local.set $a (i32.add (local.get $a) (i32.const 0x3fffffff)))
    (local.set $n (i32.add (local.get $n) (i32.const 1)))
    br_if $l))
  (i32.xor (local.get $a) (local.get $n))`, 'i32.add/imm;BR_IF_BACK');
add('subi_ifz', `(local $n i32)
  (block (loop $l
    (br_if 1 (i32.gt_u (local.get $n) (i32.const 40)))
    local.get $a
    i32.const 0x7fffffff
    i32.and
    local.get $b
    i32.gt_u
    i32.eqz
    (local.set $n (i32.add (local.get $n) (i32.const 1)))
    (local.set $a (i32.sub (local.get $a) (i32.const 0x10001)))
    br_if $l))
  (i32.add (local.get $a) (local.get $n))`, 'i32.add/imm;BR_IF');
add('subi_if', `(local.set $a (i32.sub (local.get $a) (i32.const -5)))
  (if (result i32) (local.get $b) (then (local.get $a)) (else (i32.const 99)))`, 'i32.add/imm;BR_IFZ ');
// not fused: the add's result is the branch's own operand (the compare
// fusions take it), or a store comes between
add('addi_cmp', `(block (br_if 0 (i32.lt_u (i32.add (local.get $a) (i32.const 1)) (i32.const 100))) (return (i32.const 1)))
  (i32.const 2)`, '!i32.add/imm;BR_IF');
// globals: forward, back, if, i64 wrapped, a tee'd value stays in its local
add('glob_fwd', `(block (global.set $g (local.get $a)) (br_if 0 (global.get $g)) (return (i32.const 5))) (i32.const 6)`, 'BR_IF_GLOBAL');
add('glob_if', `(global.set $g (local.get $b))
  (if (result i32) (global.get $g) (then (i32.const 1)) (else (i32.const 0)))`, 'BR_IFZ_GLOBAL');
add('glob_back', `(local $n i32)
  (global.set $g (i32.or (i32.and (local.get $a) (i32.const 31)) (i32.const 1)))
  (loop $l
    (local.set $n (i32.add (local.get $n) (local.get $b)))
    (global.set $g (i32.sub (global.get $g) (i32.const 1)))
    (br_if $l (global.get $g)))
  (local.get $n)`, 'BR_IF_GLOBAL');
add('glob64', `(global.set $h (i64.shl (i64.extend_i32_u (local.get $a)) (i64.extend_i32_u (local.get $b))))
  (block (br_if 0 (i32.wrap_i64 (global.get $h))) (return (i32.const 11))) (i32.const 12)`, 'BR_IF_GLOBAL');
add('glob_tee', `(local $x i32) (global.set $g (local.get $a))
  (block (br_if 0 (local.tee $x (global.get $g))) (return (i32.sub (local.get $x) (i32.const 1)))) (local.get $x)`, '!BR_IF_GLOBAL');
add('glob_eqz', `(global.set $g (local.get $a))
  (block (br_if 0 (i32.eqz (global.get $g))) (return (i32.const 5))) (i32.const 6)`, 'BR_IFZ_GLOBAL');
add('glob_ifnot', `(global.set $g (local.get $b))
  (if (result i32) (i32.eqz (global.get $g)) (then (i32.const 1)) (else (i32.const 0)))`, 'BR_IF_GLOBAL');
add('glob_nez_back', `(local $n i32)
  (global.set $g (i32.or (i32.and (local.get $a) (i32.const 15)) (i32.const 1)))
  (loop $l
    (local.set $n (i32.add (local.get $n) (i32.const 3)))
    (global.set $g (i32.sub (global.get $g) (i32.const 1)))
    (br_if $l (i32.eqz (i32.eqz (global.get $g)))))
  (local.get $n)`, 'BR_IF_GLOBAL');
add('glob_eqz_tee', `(local $x i32) (global.set $g (local.get $a))
  (block (br_if 0 (i32.eqz (local.tee $x (global.get $g)))) (return (i32.add (local.get $x) (i32.const 1)))) (local.get $x)`, '!_GLOBAL');
// a global read into a local, then a branch on another value (Go
// reloads its stack pointer after a call, then tests the call's result)
add('gget_fwd', `(local $sp i32) (global.set $g (local.get $a))
  (block (local.set $sp (global.get $g)) (br_if 0 (local.get $b)) (return (i32.sub (local.get $sp) (i32.const 1))))
  (i32.add (local.get $sp) (i32.const 1))`, 'GLOBAL_GET;BR_IF ');
add('gget_self', `(local $x i32) (global.set $g (local.get $b))
  (block (br_if 0 (local.tee $x (global.get $g))) (return (i32.const -9))) (local.get $x)`, 'GLOBAL_GET;BR_IF ');
add('gget_if64', `(local $w i64) (global.set $h (i64.extend_i32_s (local.get $a)))
  (local.set $w (global.get $h))
  (if (result i32) (local.get $b) (then (i32.wrap_i64 (i64.shr_u (local.get $w) (i64.const 7)))) (else (i32.wrap_i64 (local.get $w))))`, 'GLOBAL_GET;BR_IFZ ');
add('gget_back', `(local $n i32) (local $x i32)
  (global.set $g (local.get $a))
  (loop $l
    (local.set $n (i32.add (local.get $n) (i32.const 1)))
    (global.set $g (i32.add (global.get $g) (local.get $n)))
    local.get $n
    i32.const 9
    i32.lt_u
    (local.set $x (global.get $g))
    br_if $l)
  (local.get $x)`, 'GLOBAL_GET;BR_IF_BACK');
// two i32 loads: independent, the second's address the first's value,
// the first value kept in a local
add('load2', `(i32.sub (i32.load offset=4 (local.get $a)) (i32.load offset=8 (local.get $b)))`, 'I32_LOAD2');
add('load2_chain', `(local $p i32)
  (local.set $p (i32.load (local.get $a)))
  (local.set $p (i32.load offset=2 (local.get $p)))
  (i32.add (local.get $p) (i32.const 1))`, 'I32_LOAD2');
add('load2_tee', `(local $p i32) (local $q i32)
  (local.set $p (i32.load (i32.and (local.get $a) (i32.const 0xfffc))))
  (local.set $q (i32.load offset=65532 (local.get $b)))
  (i32.xor (local.get $p) (i32.rotl (local.get $q) (i32.const 7)))`, 'I32_LOAD2');
// two i32 stores: the second may trap after the first wrote
add('store2', `(i32.store offset=1 (local.get $a) (local.get $b))
  (i32.store offset=3 (local.get $b) (local.get $a))
  (i32.load (local.get $a))`, 'I32_STORE2');
add('store2_same', `(i32.store (local.get $a) (local.get $b))
  (i32.store offset=2 (local.get $a) (i32.xor (local.get $b) (local.get $a)))
  (i32.load (local.get $a))`, '!I32_STORE2');

// two i32 adds in a row (either may be a sub/imm): independent, the
// second reading the first, the same local twice, slot + slot first
add('addi2', `(local.set $a (i32.add (local.get $a) (i32.const 1)))
  (local.set $b (i32.sub (local.get $b) (i32.const 7)))
  (i32.xor (local.get $a) (i32.rotl (local.get $b) (i32.const 9)))`, 'i32.add/imm;i32.add/imm');
add('addi2_dep', `(local $x i32) (local $y i32)
  (local.set $x (i32.add (local.get $a) (i32.const 5)))
  (local.set $y (i32.add (local.get $x) (i32.const 0x7fffffff)))
  (i32.sub (local.get $y) (i32.mul (local.get $x) (i32.const 3)))`, 'i32.add/imm;i32.add/imm');
add('addi2_same', `(local.set $a (i32.add (local.get $a) (i32.const 1)))
  (local.set $a (i32.sub (local.get $a) (i32.const -0x80000000)))
  (local.get $a)`, 'i32.add/imm;i32.add/imm');
add('add_addi', `(local $x i32) (local $y i32)
  (local.set $x (i32.add (local.get $a) (local.get $b)))
  (local.set $y (i32.add (local.get $x) (i32.const -3)))
  (i32.xor (local.get $y) (i32.shl (local.get $x) (i32.const 5)))`, 'i32.add;i32.add/imm');
// a counted loop keeps its add+compare+branch: the adds are not merged
add('addi2_counted', `(local $n i32) (local $i i32)
  (local.set $i (i32.and (local.get $a) (i32.const 7)))
  (loop $l
    (local.set $n (i32.add (local.get $n) (i32.const 3)))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br_if $l (i32.lt_u (local.get $i) (i32.const 10))))
  (i32.add (local.get $n) (local.get $i))`, 'add/imm;br_if i32.lt_u/imm');
// eqz of a float comparison (no inverse: NaN) branches on the comparison
// with the sense flipped; slot and immediate forms, br_if, if, a loop
for (const ty of ['f32', 'f64']) {
  for (const c of ['eq', 'ne', 'lt', 'gt', 'le', 'ge']) {
    const p = '(param $a i32) (param $b i32)';
    const init = `(local $x ${ty}) (local $y ${ty}) (local $r i32)
      (local.set $x (${ty}.div (${ty}.convert_i32_s (local.get $a)) (${ty}.convert_i32_s (i32.and (local.get $b) (i32.const 3)))))
      (local.set $y (${ty}.convert_i32_s (local.get $b)))`;
    add(`${ty}_${c}_eqz`, `${init}
      (block (br_if 0 (i32.eqz (${ty}.${c} (local.get $x) (local.get $y)))) (return (i32.const 1))) (i32.const 2)`, `br_unless ${ty}.${c} `, p);
    add(`${ty}_${c}_eqz_imm`, `${init}
      (if (result i32) (i32.eqz (${ty}.${c} (local.get $x) (${ty}.const 0.5))) (then (i32.const 3)) (else (i32.const 4)))`, `br_if ${ty}.${c}/imm`, p);
    add(`${ty}_${c}_nez`, `${init}
      (block (br_if 0 (i32.eqz (i32.eqz (${ty}.${c} (local.get $x) (local.get $y))))) (return (i32.const 1))) (i32.const 2)`, `br_if ${ty}.${c} `, p);
    add(`${ty}_${c}_tee`, `${init}
      (block (br_if 0 (i32.eqz (local.tee $r (${ty}.${c} (local.get $x) (local.get $y))))) (return (local.get $r))) (i32.const 2)`, `!br_unless ${ty}.${c}`, p);
  }
}
const funcs = F.map((f) => `(func (export "${f.name}") ${f.params} (result i32) ${f.body})`);
const wat = `(module (memory (export "mem") 1)
  (global $g (mut i32) (i32.const 0)) (global $h (mut i64) (i64.const 0))
  ${funcs.join('\n')})`;
const vals = [0, 1, 2, 3, 5, 7, 8, 31, 32, 100, 255, 4096, 65528, 65532, 65533, 65536, 0x7fffffff, -1, -2, -0x80000000, 0x12345678];
const argsOf = () => {
  const out = [];
  for (const a of vals) for (const b of [0, 1, 3, 12, 65530, -1, 0x40000000]) out.push([a, b]);
  return out;
};
function fill({ mem }) {
  const m = new Uint8Array(mem.buffer);
  for (let i = 0; i < 70000 && i < m.length; i++) m[i] = (i * 37 + (i >> 8)) & 0xff;
}

t.test('fused moves, adds, global branches and i32 pairs agree with V8', async (t) => {
  const bytes = await watToBytes('fused.wat', wat);
  const r = compareWithV8(t, bytes, F.map((f) => f.name), argsOf, fill);
  t.equal(r.bad, 0, `${r.calls} calls over ${F.length} functions agree`);
  t.ok(r.v8.out.includes('trap'), 'some accesses trap');
  t.ok(Buffer.compare(r.v8.mem, r.wh.mem) === 0, 'memory is the same after every call');
  checkWants(t, dumpIr(bytes), F);
});
