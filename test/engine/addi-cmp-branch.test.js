'use strict';
// An i32 add/imm (sub/imm) whose sum a comparison with another slot tests
// to branch (`i += k; br_if (i < n)`, a loop to a bound held in a local)
// is one instruction (add/imm;br_if CMP, add/imm;br_unless CMP in
// irops.def's last group).  Every i32 comparison, loop back-edges and
// forward `if`s, constants that wrap around, the sum on the left (and on
// the right for eq and ne; other comparisons stay apart), compared with
// itself.  V8 must agree on every result.
const t = require('tap');
const { watToBytes, compareWithV8 } = require('./v8-diff.js');
const { dumpIr, checkWants } = require('./ir-dump.js');

const cmps = ['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'];
const F = [];
const add = (name, body, want) => F.push({ name, body, want });
const ks = { p1: '(i32.add (local.get $i) (i32.const 1))', m3: '(i32.sub (local.get $i) (i32.const 3))',
  big: '(i32.add (local.get $i) (i32.const 0x7ffffff0))', neg: '(i32.add (local.get $i) (i32.const -0x40000001))' };

for (const c of cmps) {
  for (const [kn, inc] of Object.entries(ks)) {
    // a loop back-edge, guarded by an iteration count; the xor keeps the
    // add from merging with another add
    add(`loop_${c}_${kn}`, `(local $i i32) (local $s i32) (local $c i32)
      (local.set $i (local.get $a))
      (block $x (loop $l
        (br_if $x (i32.gt_u (local.get $c) (i32.const 40)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (local.set $s (i32.xor (i32.rotl (local.get $s) (i32.const 5)) (local.get $i)))
        (local.set $i ${inc})
        (br_if $l (i32.${c} (local.get $i) (local.get $b)))))
      (i32.add (i32.add (local.get $s) (local.get $i)) (i32.mul (local.get $c) (i32.const 1000)))`, `add/imm;br_if i32.${c} `);
    // an `if`: the branch to its else arm is taken when the test fails
    add(`if_${c}_${kn}`, `(local $i i32) (local $s i32)
      (local.set $i (local.get $a))
      (local.set $s (i32.mul (local.get $b) (i32.const 7)))
      (local.set $i ${inc})
      (if (result i32) (i32.${c} (local.get $i) (local.get $b))
        (then (i32.add (local.get $i) (local.get $s))) (else (i32.sub (local.get $s) (local.get $i))))`, `add/imm;br_unless i32.${c} `);
  }
  // the sum on the right: only eq and ne take it
  const swapped = c === 'eq' || c === 'ne';
  add(`right_${c}`, `(local $i i32) (local $s i32)
    (local.set $i (local.get $a))
    (local.set $s (i32.mul (local.get $b) (i32.const 7)))
    (local.set $i (i32.add (local.get $i) (i32.const 5)))
    (if (result i32) (i32.${c} (local.get $b) (local.get $i))
      (then (i32.add (local.get $i) (local.get $s))) (else (i32.sub (local.get $s) (local.get $i))))`,
  swapped ? `add/imm;br_unless i32.${c} ` : `!add/imm;br_unless i32.${c} `);
  // compared with itself
  add(`self_${c}`, `(local $i i32) (local $s i32)
    (local.set $s (i32.mul (local.get $b) (i32.const 7)))
    (block $x
      (local.set $i (i32.add (local.get $a) (i32.const -2)))
      (br_if $x (i32.${c} (local.get $i) (local.get $i)))
      (local.set $s (i32.const -9)))
    (i32.add (local.get $s) (local.get $i))`, `add/imm;br_if i32.${c} `);
}
// the sum only in a temp (no local): it is still written and compared
add('temp', `(block $x (br_if $x (i32.lt_s (i32.add (local.get $a) (i32.const 100)) (local.get $b))) (return (i32.const 1)))
  (i32.const 2)`, 'add/imm;br_if i32.lt_s ');

const funcs = F.map((f) => `(func (export "${f.name}") (param $a i32) (param $b i32) (result i32) ${f.body})`);
const wat = `(module ${funcs.join('\n')})`;
const vals = [0, 1, 2, 3, -1, -2, -3, 5, 40, 0x7fffffff, 0x7ffffff0, -0x80000000, 0x40000001, 100, -100];
const argsOf = () => {
  const out = [];
  for (const a of vals) for (const b of [0, 1, 4, -1, 3, 40, 0x7fffffff, -0x80000000, 0x7ffffff5]) out.push([a, b]);
  return out;
};

t.test('add/imm then compare-with-slot branches agree with V8', async (t) => {
  const bytes = await watToBytes('addi-cmp.wat', wat);
  const r = compareWithV8(t, bytes, F.map((f) => f.name), argsOf);
  t.equal(r.bad, 0, `${r.calls} calls over ${F.length} functions agree`);
  checkWants(t, dumpIr(bytes), F);
});
