'use strict';
// A shift-and-add the access did not fold (an element's address kept in a
// local for later accesses, or scaled by other than the access's width),
// then a load: one instruction, both still written
// (i32.shl/imm;i32.add;i32.load in irops.def's last group).  Go's
// prologue, the stack pointer moved and set and the return address stored
// at it (ADD_GLOBAL_SET32;i64.store/imm, for constants below 2^32), and its
// epilogue, the pointer moved back and a constant returned
// (ADD_GLOBAL_SET32;RETURN_CONST).  Sums
// that wrap, addresses up to and past the memory's end, shift counts past
// 31; not fused: a plain add then a load (fusing it saved dispatches but
// no machine instructions), a store's constant of 2^32 or more.  V8 must
// agree.
const t = require('tap');
const { watToBytes, compareWithV8 } = require('./v8-diff.js');
const { dumpIr, checkWants } = require('./ir-dump.js');

const F = [];
const add = (name, body, want) => F.push({ name, body, want });
const P = '(local.get $p)', I = '(local.get $i)';
// not fused: the sum kept in a local, read through, then used again
for (const [ld, off] of [['i32.load', 0], ['i32.load', 3], ['i32.load8_u', 0], ['i32.load8_u', 7]]) {
  add(`keep_${ld}_${off}`, `(local.set $q (i32.add ${P} ${I}))
    (i32.add (${ld} offset=${off} (local.get $q)) (i32.mul (local.get $q) (i32.const 3)))`, `!i32.add;${ld}`);
}
// `p + i - 1` (the access takes -1), and `p + i + 5`: not fused
add('sum_m1', `(i32.load8_u (i32.add (i32.add ${P} ${I}) (i32.const -1)))`, '!i32.add;i32.load8_u');
add('sum_p5', `(i32.load (i32.add (i32.add ${P} ${I}) (i32.const 5)))`, '!i32.add;i32.load');
// an unrelated sum, then a load: not fused
add('other', `(local.set $q (i32.add ${I} (i32.const 0)))
  (local.set $q (i32.add (local.get $q) ${P}))
  (i32.xor (i32.load (local.get $p)) (local.get $q))`, '!i32.add;i32.load');
// base + (i << k) kept (a struct's first field, then others)
for (const k of [0, 2, 3, 4, 31, 33]) {
  add(`shl_${k}`, `(local.set $q (i32.add ${P} (i32.shl ${I} (i32.const ${k}))))
    (i32.sub (i32.load offset=4 (local.get $q)) (local.get $q))`, 'i32.shl/imm;i32.add;i32.load');
}
// `p + (i << 4) + 8`: the access takes 8, the shift-and-add left pairs with it
add('shl_k', `(i32.load (i32.add (i32.add ${P} (i32.shl ${I} (i32.const 4))) (i32.const 8)))`, 'i32.shl/imm;i32.add;i32.load');
// a width not the access's: no scaled form, the shift-and-add stays apart
add('shl_w3', `(i32.load (i32.add (i32.shl ${I} (i32.const 3)) ${P}))`, 'i32.shl/imm;i32.add;i32.load');
// Go's prologue
for (const [cn, c, fused] of [['0', '0', true], ['1', '1', true], ['big', '0x10020000', true], ['u32', '0xffffffff', true],
  ['2p32', '0x100000000', false], ['m1', '-1', false]]) {
  for (const k of [8, 16]) {
    add(`sp_${cn}_${k}`, `(local $s i32) (global.set $sp ${P})
      (global.set $sp (local.tee $s (i32.sub (global.get $sp) (i32.const ${k}))))
      (i64.store (local.get $s) (i64.const ${c}))
      (i32.add (i32.wrap_i64 (i64.shr_u (i64.load (local.get $s)) (i64.const 1))) (global.get $sp))`,
    fused ? 'ADD_GLOBAL_SET32;i64.store/imm' : '!ADD_GLOBAL_SET32;');
  }
}
// Go's epilogue: explicit return or the function's end, the global read back by a caller
for (const [kn, k] of [['16', 16], ['m16', -16], ['big', 0x7ffffff0]]) {
  add(`epi_${kn}`, `(local $s i32) (global.set $sp ${P})
    (global.set $sp (local.tee $s (i32.add (global.get $sp) (i32.const ${k}))))
    (return (i32.const 1))`, 'ADD_GLOBAL_SET32;RETURN_CONST');
  add(`epiend_${kn}`, `(local $s i32) (global.set $sp ${P})
    (global.set $sp (local.tee $s (i32.sub (global.get $sp) (i32.const ${k}))))
    (i32.const 0)`, 'ADD_GLOBAL_SET32;RETURN_CONST');
  add(`epicall_${kn}`, `(i32.add (i32.mul (call $epi_${kn} ${P} ${I}) (i32.const 1000))
    (i32.xor (global.get $sp) (call $epiend_${kn} ${I} ${P})))`, 'CALL');
}

const funcs = F.map((f) => `(func $${f.name} (export "${f.name}") (param $p i32) (param $i i32) (result i32) (local $q i32) ${f.body})`);
const wat = `(module (memory (export "mem") 1) (global $sp (mut i32) (i32.const 0)) ${funcs.join('\n')})`;
const ps = [0, 1, 8, 16, 24, 100, 65520, 65528, 65531, 65532, 65533, 65535, 65536, 65544, -1, -8];
const is = [0, 1, 4, -1, -4, 0x40000000, 16];

function fill({ mem }) {
  const m = new Uint8Array(mem.buffer);
  for (let i = 0; i < 65536; i++) m[i] = (i * 37 + 11) & 0xff;
}

t.test('a shift-and-add, then a load (and Go\'s prologue and epilogue) agree with V8', async (t) => {
  const bytes = await watToBytes('op-load.wat', wat);
  const argsOf = () => { const out = []; for (const p of ps) for (const i of is) out.push([p, i]); return out; };
  const r = compareWithV8(t, bytes, F.map((f) => f.name), argsOf, fill);
  t.equal(r.bad, 0, `${r.calls} calls over ${F.length} functions agree`);
  t.ok(r.v8.out.includes('trap'), 'some addresses are out of bounds');
  checkWants(t, dumpIr(bytes), F);
});
