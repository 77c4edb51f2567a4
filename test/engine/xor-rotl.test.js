'use strict';
// A rotate left by a constant of an xor just computed into a temp (`d =
// rotl(d ^ a, k)`: ChaCha, BLAKE, Gimli, Keccak rounds) is one instruction
// (i32.xor;i32.rotl/imm, i64.xor;i64.rotl/imm in irops.def's last group).
// Every count at and past the width's edges, negative counts, the result
// into a local or returned, an xor of a value with itself, a quarter-round
// loop; not fused: the xor kept in a local (local.tee), a rotate right, a
// count in a slot, an xor of the other width.  V8 must agree on every result.
const t = require('tap');
const { watToBytes, compareWithV8 } = require('./v8-diff.js');
const { dumpIr, checkWants } = require('./ir-dump.js');

const F = [];
const add = (name, ty, body, want) => F.push({ name, ty, body, want });

for (const [ty, ks] of [['i32', [0, 1, 7, 8, 12, 16, 25, 31, 32, 33, -1, -16]], ['i64', [0, 1, 14, 31, 32, 44, 63, 64, 65, -1]]]) {
  const want = `${ty}.xor;${ty}.rotl/imm`;
  for (const k of ks) {
    const kn = k < 0 ? `m${-k}` : `${k}`;
    add(`${ty}_ret_${kn}`, ty, `(${ty}.rotl (${ty}.xor (local.get $a) (local.get $b)) (${ty}.const ${k}))`, want);
    add(`${ty}_set_${kn}`, ty, `(local $d ${ty})
      (local.set $d (${ty}.rotl (${ty}.xor (local.get $b) (local.get $a)) (${ty}.const ${k})))
      (${ty}.add (local.get $d) (local.get $a))`, want);
  }
  add(`${ty}_self`, ty, `(${ty}.rotl (${ty}.xor (local.get $a) (local.get $a)) (${ty}.const 5))`, want);
  // the xor's operands computed just before (an add), the result then added
  add(`${ty}_round`, ty, `(local $x ${ty}) (local $y ${ty}) (local $i i32)
    (local.set $x (local.get $a)) (local.set $y (local.get $b))
    (loop $l
      (local.set $x (${ty}.add (local.get $x) (local.get $y)))
      (local.set $y (${ty}.rotl (${ty}.xor (local.get $y) (local.get $x)) (${ty}.const 16)))
      (local.set $x (${ty}.add (local.get $x) (local.get $y)))
      (local.set $y (${ty}.rotl (${ty}.xor (local.get $y) (local.get $x)) (${ty}.const 7)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 10))))
    (${ty}.xor (local.get $x) (local.get $y))`, want);
  // not fused
  add(`${ty}_tee`, ty, `(local $v ${ty})
    (${ty}.add (${ty}.rotl (local.tee $v (${ty}.xor (local.get $a) (local.get $b))) (${ty}.const 9)) (local.get $v))`, `!${want}`);
  add(`${ty}_rotr`, ty, `(${ty}.rotr (${ty}.xor (local.get $a) (local.get $b)) (${ty}.const 9))`, `!${ty}.xor;`);
  add(`${ty}_slot`, ty, `(${ty}.rotl (${ty}.xor (local.get $a) (local.get $b)) (local.get $b))`, `!${ty}.xor;`);
}
add('wrap_other', 'i32', `(i32.rotl (i32.wrap_i64 (i64.xor (i64.extend_i32_u (local.get $a)) (i64.const 0x1234567890)))
  (i32.const 3))`, '!xor;');

const funcs = F.map((f) => `(func (export "${f.name}") (param $a ${f.ty}) (param $b ${f.ty}) (result ${f.ty}) ${f.body})`);
const wat = `(module ${funcs.join('\n')})`;
const v32 = [0, 1, -1, 0x7fffffff, -0x80000000, 0x12345678, -0x543210ff, 0x80];
const v64 = [0n, 1n, -1n, 0x7fffffffffffffffn, -0x8000000000000000n, 0x123456789abcdef0n, -0x0fedcba987654321n, 0x80000000n];
const argsOf = (name, n) => {
  const vs = F[n].ty === 'i64' ? v64 : v32;
  const out = [];
  for (const a of vs) for (const b of vs) out.push([a, b]);
  return out;
};

t.test('xor then rotate by a constant agrees with V8', async (t) => {
  const bytes = await watToBytes('xor-rotl.wat', wat);
  const r = compareWithV8(t, bytes, F.map((f) => f.name), argsOf);
  t.equal(r.bad, 0, `${r.calls} calls over ${F.length} functions agree`);
  checkWants(t, dumpIr(bytes), F);
});
