'use strict';
// A select of numbers with a constant operand reads it from the
// instruction instead of writing it to a slot first (SELECT k,x, SELECT
// x,k, SELECT k,k2 in irops.def): every number type, the constant first,
// second or both, conditions zero, one and others, constants at the edges
// (negative i32s must stay zero-extended, NaN payloads kept bit for bit),
// results set to a local, tee'd, or used in a loop.  V8 must agree on
// every result.
const t = require('tap');
const { watToBytes, compareWithV8 } = require('./v8-diff.js');
const { dumpIr, checkWants } = require('./ir-dump.js');

// i32 results: each type's value goes through its bits (NaN exact) and
// i64s through a rotate so the high half shows
const out = {
  i32: (v) => `(i64.extend_i32_u ${v})`,
  i64: (v) => v,
  f32: (v) => `(i64.extend_i32_u (i32.reinterpret_f32 ${v}))`,
  f64: (v) => `(i64.reinterpret_f64 ${v})`,
};
// a non-constant value of each type from the params
const dyn = {
  i32: '(local.get $a)',
  i64: '(i64.mul (i64.extend_i32_s (local.get $a)) (i64.const 0x10001))',
  f32: '(f32.convert_i32_s (local.get $a))',
  f64: '(f64.div (f64.convert_i32_s (local.get $a)) (f64.const 3))',
};
const consts = {
  i32: ['0', '-1', '0x7fffffff', '-0x80000000', '10'],
  i64: ['0', '-1', '0x123456789abcdef0', '-0x8000000000000000'],
  f32: ['0', '-0', 'nan:0x200001', '-nan', 'inf', '1.5'],
  f64: ['0', '-0', 'nan:0x8000000000001', '-nan:0x1', '-inf', '2.25'],
};
const F = [];
const add = (name, body, want) => F.push({ name, body, want });
const cond = '(local.get $b)';

for (const [ty, ks] of Object.entries(consts)) {
  ks.forEach((k, i) => {
    const kk = `(${ty}.const ${k})`;
    const k2 = `(${ty}.const ${ks[(i + 1) % ks.length]})`;
    add(`${ty}_kx${i}`, out[ty](`(select ${kk} ${dyn[ty]} ${cond})`), 'SELECT k,x');
    add(`${ty}_xk${i}`, out[ty](`(select ${dyn[ty]} ${kk} ${cond})`), 'SELECT x,k');
    add(`${ty}_kk${i}`, out[ty](`(select ${kk} ${k2} ${cond})`), 'SELECT k,k2');
    add(`${ty}_typed${i}`, out[ty](`(select (result ${ty}) ${dyn[ty]} ${kk} (i32.gt_s (local.get $a) (local.get $b)))`), 'SELECT x,k');
  });
}
// the result set into a local, tee'd, then read again; the condition a
// compare; a loop accumulating through a select with a constant
add('set_local', `(local $r i32)
  (local.set $r (select (i32.const -7) (local.get $a) (i32.lt_u (local.get $a) (local.get $b))))
  (i64.extend_i32_u (i32.add (local.get $r) (local.get $a)))`, 'SELECT k,x');
add('tee_local', `(local $r i32)
  (i64.extend_i32_u (i32.mul (local.tee $r (select (local.get $b) (i32.const 0) (i32.and (local.get $a) (i32.const 1)))) (local.get $r)))`, 'SELECT x,k');
add('loop', `(local $i i32) (local $s i32)
  (loop $l
    (local.set $s (i32.add (local.get $s)
      (select (i32.const 10) (local.get $i) (i32.gt_s (local.get $i) (local.get $b)))))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br_if $l (i32.lt_u (local.get $i) (i32.and (local.get $a) (i32.const 63)))))
  (i64.extend_i32_u (local.get $s))`, 'SELECT k,x');
// the constant is the same slot as the result: both operands constants
// and the select's result the next select's operand
add('chain', `(i64.extend_i32_u (select (select (i32.const 1) (i32.const 2) (local.get $a)) (i32.const 3) (local.get $b)))`, 'SELECT x,k');
// not the constant form: no constant operand
add('plain', `(i64.extend_i32_u (select (local.get $a) (local.get $b) (local.get $a)))`, '!SELECT k');

const funcs = F.map((f) => `(func (export "${f.name}") (param $a i32) (param $b i32) (result i64) ${f.body})`);
const wat = `(module ${funcs.join('\n')})`;
const vals = [0, 1, 2, -1, 3, 100, 0x7fffffff, -0x80000000];
const argsOf = () => {
  const r = [];
  for (const a of vals) for (const b of [0, 1, -1, 2, 0x10000, 50]) r.push([a, b]);
  return r;
};

t.test('selects with constant operands agree with V8', async (t) => {
  const bytes = await watToBytes('select-const.wat', wat);
  const r = compareWithV8(t, bytes, F.map((f) => f.name), argsOf);
  t.equal(r.bad, 0, `${r.calls} calls over ${F.length} functions agree`);
  checkWants(t, dumpIr(bytes), F);
});
