'use strict';
// A switch whose cases start at K compiles to `br_table (i32.sub x K)` (or
// an add of -K): the translator folds the constant into the table
// (BR_TABLE_K).  Indexes below, at, inside and past the cases, sums that
// wrap at 2^32, forward and loop targets, a table that carries a value:
// V8 must agree on every result.
const t = require('tap');
const { watToBytes, compareWithV8 } = require('./v8-diff.js');
const { dumpIr } = require('./ir-dump.js');

// [name, how the index is computed, folds?]
const forms = [
  ['sub', (k) => `(i32.sub (local.get $x) (i32.const ${k}))`, true],
  ['add', (k) => `(i32.add (local.get $x) (i32.const ${-k}))`, true],
  // the biased index is kept in a local too: the add must stay
  ['tee', (k) => `(local.tee $y (i32.sub (local.get $x) (i32.const ${k})))`, false],
];
const biases = [0, 10, -3, 0x7ffffff0, -0x80000000];

const funcs = [];
const names = [];
for (const [tag, idx, folds] of forms) {
  biases.forEach((k, bi) => {
    const name = `${tag}_${bi}`;
    names.push({ name, folds });
    // four cases and a default, each adding its own amount
    funcs.push(`(func (export "${name}") (param $x i32) (result i32) (local $y i32)
      (block $d (block $c3 (block $c2 (block $c1 (block $c0
        (br_table $c0 $c1 $c2 $c3 $d ${idx(k)}))
        (return (i32.add (local.get $y) (i32.const 100))))
        (return (i32.add (local.get $y) (i32.const 200))))
        (return (i32.add (local.get $y) (i32.const 300))))
        (return (i32.add (local.get $y) (i32.const 400))))
      (i32.add (local.get $y) (i32.const 500)))`);
  });
}
// a state machine in a loop (the table's targets include the loop) and a
// table carrying a value to its targets
funcs.push(`(func (export "machine") (param $x i32) (result i32) (local $n i32)
  (loop $l
    (local.set $n (i32.add (local.get $n) (i32.const 1)))
    (block $out (block $b
      (br_table $l $b $out (i32.sub (local.tee $x (i32.add (local.get $x) (i32.const 1))) (i32.const 7))))
      (local.set $n (i32.add (local.get $n) (i32.const 1000)))))
  (i32.add (i32.mul (local.get $n) (i32.const 65536)) (local.get $x)))`);
names.push({ name: 'machine', folds: true });
funcs.push(`(func (export "carry") (param $x i32) (result i32)
  (block $a (result i32) (block $b (result i32)
    (br_table $a $b $a (i32.const 7) (i32.add (local.get $x) (i32.const -5))))
    (i32.mul (i32.const 3)))
  (i32.add (i32.const 1)))`);
names.push({ name: 'carry', folds: true });
const wat = `(module ${funcs.join('\n')})`;

const xs = [0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, -1, -2, -3, -4,
  0x7ffffff0, 0x7ffffff3, 0x7ffffff4, -0x80000000, -0x7fffffff, 0x7fffffff, 0x10, 0x12];

t.test('br_table on a biased index agrees with V8', async (t) => {
  const bytes = await watToBytes('tb.wat', wat);
  const r = compareWithV8(t, bytes, names.map((x) => x.name), () => xs.map((x) => [x]));
  t.equal(r.bad, 0, `${r.calls} calls over ${names.length} functions agree`);
  const ir = dumpIr(bytes);
  names.forEach(({ name, folds }, i) => {
    if (folds) t.match(ir[i], /BR_TABLE_K/, `${name}: the bias is folded into the table`);
    else t.notMatch(ir[i], /BR_TABLE_K/, `${name}: no bias to fold`);
  });
});
