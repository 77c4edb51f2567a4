'use strict';
// A call zeroes only the declared locals that some path may read before
// setting them (translate.c: the range of those tr_local_read saw unset;
// a block's, if's or try's end, an else and a catch forget what their arms
// set, a loop's end keeps it).  Each case here reads a local on a path
// where it may be unset, after $dirty, called at the same stack height,
// has left other values in those slots: V8 must agree that it reads zero,
// and a local set on every path must keep its value.
const t = require('tap');
const { watToBytes, compareWithV8 } = require('./v8-diff.js');

const locals = '(local $a i32) (local $b i64) (local $c f64) (local $d i32) (local $e i32)';
// the result mixes every local, so a stray bit anywhere shows
const mix = `(i32.add (i32.add (local.get $a) (i32.wrap_i64 (i64.rotl (local.get $b) (i64.const 13))))
  (i32.add (i32.trunc_sat_f64_s (local.get $c)) (i32.add (i32.mul (local.get $d) (i32.const 7)) (i32.mul (local.get $e) (i32.const 31)))))`;
const cases = {
  // nothing set: everything reads zero
  none: '',
  // set in a block a branch may leave first
  block: '(block (br_if 0 (local.get $x)) (local.set $a (i32.const 5)) (local.set $b (i64.const -1)))',
  // set in one arm of an if, or in both (then surely set)
  if_then: '(if (local.get $x) (then (local.set $a (i32.const 9)) (local.set $c (f64.const 2.5))))',
  if_else: '(if (local.get $x) (then (local.set $d (i32.const 3))) (else (local.set $e (i32.const 4))))',
  if_both: '(if (local.get $x) (then (local.set $a (i32.const 1))) (else (local.set $a (i32.const 2)))) (local.set $d (local.get $a))',
  // read in an else arm what the then arm set
  else_reads: '(if (i32.eqz (local.get $x)) (then (local.set $a (i32.const 11))) (else (local.set $d (local.get $a))))',
  // a loop's body reads before it sets: the first turn sees zero
  loop_first: `(local.set $e (i32.and (local.get $x) (i32.const 3)))
    (loop $l (local.set $d (i32.add (local.get $d) (local.get $a))) (local.set $a (i32.const 6))
      (br_if $l (local.tee $e (i32.sub (local.get $e) (i32.const 1)))))`,
  // set in a loop's body, read after its end (kept)
  loop_after: '(loop $l (local.set $a (i32.const 8)) (local.set $b (i64.const 77)) (br_if $l (i32.const 0)))',
  // set in a loop inside a block a branch may skip
  loop_in_block: '(block $o (br_if $o (local.get $x)) (loop (local.set $c (f64.const -3.75))))',
  // a br_table out of the block before the set
  br_table: '(block $o (block $i (br_table $i $o (local.get $x)) ) (local.set $e (i32.const 12))) ',
  // set before a nested block, read inside it and after: always set
  outer_set: '(local.set $a (i32.const 21)) (block (local.set $d (local.get $a)) (br_if 0 (local.get $x)) (local.set $e (i32.const 5)))',
  // tee, then a block whose branch carries a value
  tee: '(drop (block (result i32) (br_if 0 (local.tee $d (i32.const 13)) (local.get $x)) (local.set $b (i64.const 5))))',
};

const funcs = [`(func $dirty (param $x i32) (local i32 i64 f64 i32 i32 i64 i64 i64)
  (local.set 1 (i32.const -1)) (local.set 2 (i64.const 0x123456789abcdef)) (local.set 3 (f64.const 12345.5))
  (local.set 4 (i32.const 0x55555555)) (local.set 5 (i32.const 77)) (local.set 6 (i64.const -2))
  (local.set 7 (i64.const -3)) (local.set 8 (i64.const -4)))`];
const names = [];
for (const [name, body] of Object.entries(cases)) {
  funcs.push(`(func $${name} (param $x i32) (result i32) ${locals} ${body} ${mix})`);
  // both at the same height: $name's locals are $dirty's slots
  funcs.push(`(func (export "${name}") (param $x i32) (result i32)
    (call $dirty (local.get $x)) (call $${name} (local.get $x)))`);
  names.push(name);
}
const wat = `(module ${funcs.join('\n')})`;

t.test('locals read before they are set read zero after a call left values in their slots', async (t) => {
  const bytes = await watToBytes('zero.wat', wat);
  const r = compareWithV8(t, bytes, names, () => [0, 1, 2, 5].map((x) => [x]));
  t.equal(r.bad, 0, `${r.calls} calls over ${names.length} functions agree`);
});
