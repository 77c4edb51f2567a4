'use strict';
// An op whose result, in a temp, only the commutative op that follows
// reads is one instruction with it (irops.def's last group):
// i32.shr_u/imm;i32.xor, i32.shl/imm;i32.xor, i32.add;i32.add,
// i64.xor;i64.xor, i64.and;i64.xor, i64.add;i64.add, i64.rotl/imm;i64.xor.
// The temp on either side of the second op, shift and rotate counts at and
// past the width (and negative), sums that wrap, the result into a local or
// returned; not fused: the first result kept by local.tee, a second op
// that does not commute (sub), a count in a slot.  V8 must agree.
const t = require('tap');
const { watToBytes, compareWithV8 } = require('./v8-diff.js');
const { dumpIr, checkWants } = require('./ir-dump.js');

const F = [];
const add = (name, ty, body, want) => F.push({ name, ty, body, want });
const A = (ty) => `(local.get $a)`, B = () => `(local.get $b)`, C = () => `(local.get $c)`;

const kchains = [
  ['i32', 'shr_u', 'xor', [0, 1, 8, 31, 32, 33, -1]],
  ['i32', 'shl', 'xor', [0, 1, 7, 31, 32, 45, -3]],
  ['i64', 'rotl', 'xor', [0, 1, 14, 39, 63, 64, 65, -1]],
];
for (const [ty, op1, op2, ks] of kchains) {
  const want = `${ty}.${op1}/imm;${ty}.${op2}`;
  for (const k of ks) {
    const kn = k < 0 ? `m${-k}` : `${k}`;
    const first = `(${ty}.${op1} ${A()} (${ty}.const ${k}))`;
    add(`${ty}_${op1}_${op2}_l_${kn}`, ty, `(${ty}.${op2} ${first} ${B()})`, want);
    add(`${ty}_${op1}_${op2}_r_${kn}`, ty, `(local $d ${ty}) (local.set $d (${ty}.${op2} ${B()} ${first})) (${ty}.add (local.get $d) ${C()})`, want);
  }
  add(`${ty}_${op1}_${op2}_tee`, ty, `(local $d ${ty})
    (${ty}.add (${ty}.${op2} (local.tee $d (${ty}.${op1} ${A()} (${ty}.const 5))) ${B()}) (local.get $d))`, `!${want}`);
  add(`${ty}_${op1}_${op2}_slot`, ty, `(${ty}.${op2} (${ty}.${op1} ${A()} ${C()}) ${B()})`, `!;${ty}.${op2}`);
  add(`${ty}_${op1}_sub`, ty, `(${ty}.sub (${ty}.${op1} ${A()} (${ty}.const 3)) ${B()})`, `!;${ty}.`);
}
const chains = [['i32', 'add', 'add'], ['i64', 'xor', 'xor'], ['i64', 'and', 'xor'], ['i64', 'add', 'add']];
for (const [ty, op1, op2] of chains) {
  const want = `${ty}.${op1};${ty}.${op2}`;
  const first = `(${ty}.${op1} ${A()} ${B()})`;
  add(`${ty}_${op1}_${op2}_l`, ty, `(${ty}.${op2} ${first} ${C()})`, want);
  add(`${ty}_${op1}_${op2}_r`, ty, `(local $d ${ty}) (local.set $d (${ty}.${op2} ${C()} ${first})) (${ty}.mul (local.get $d) ${A()})`, want);
  add(`${ty}_${op1}_${op2}_same`, ty, `(${ty}.${op2} (${ty}.${op1} ${A()} ${A()}) ${A()})`, want);
  // into the local the first op read
  add(`${ty}_${op1}_${op2}_acc`, ty, `(local.set $a (${ty}.${op2} (${ty}.${op1} ${A()} ${B()}) ${A()})) (local.get $a)`, want);
  add(`${ty}_${op1}_${op2}_tee`, ty, `(local $d ${ty})
    (${ty}.mul (${ty}.${op2} (local.tee $d ${first}) ${C()}) (local.get $d))`, `!${want}`);
  add(`${ty}_${op1}_sub`, ty, `(${ty}.sub ${first} ${C()})`, `!${want.split(';')[0]};`);
}
// a round of SHA-512's shape: rotates xored into a sum, in a loop
add('i64_round', 'i64', `(local $i i32) (local $s i64)
  (loop $l
    (local.set $s (i64.add (i64.add (local.get $s) (i64.xor (i64.and (local.get $a) (local.get $b)) (local.get $c)))
      (i64.xor (i64.rotl (local.get $a) (i64.const 14)) (local.get $b))))
    (local.set $a (i64.add (local.get $a) (local.get $s)))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br_if $l (i32.lt_u (local.get $i) (i32.const 7))))
  (local.get $s)`, 'i64.rotl/imm;i64.xor');
add('i32_crc', 'i32', `(local $i i32)
  (loop $l
    (local.set $a (i32.xor (i32.mul (local.get $a) (local.get $b)) (i32.shr_u (local.get $a) (i32.const 8))))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br_if $l (i32.lt_u (local.get $i) (i32.const 9))))
  (local.get $a)`, 'i32.shr_u/imm;i32.xor');

const funcs = F.map((f) => `(func (export "${f.name}") (param $a ${f.ty}) (param $b ${f.ty}) (param $c ${f.ty}) (result ${f.ty}) ${f.body})`);
const wat = `(module ${funcs.join('\n')})`;
const v32 = [0, 1, -1, 0x7fffffff, -0x80000000, 0x12345678, -0x543210ff];
const v64 = [0n, 1n, -1n, 0x7fffffffffffffffn, -0x8000000000000000n, 0x123456789abcdef0n, -0x0fedcba987654321n];
const argsOf = (name, n) => {
  const vs = F[n].ty === 'i64' ? v64 : v32;
  const out = [];
  for (const a of vs) for (const b of vs) out.push([a, b, vs[(vs.indexOf(a) + vs.indexOf(b)) % vs.length]]);
  return out;
};

t.test('an op and the commutative op of its result agree with V8', async (t) => {
  const bytes = await watToBytes('op-chain.wat', wat);
  const r = compareWithV8(t, bytes, F.map((f) => f.name), argsOf);
  t.equal(r.bad, 0, `${r.calls} calls over ${F.length} functions agree`);
  checkWants(t, dumpIr(bytes), F);
});
