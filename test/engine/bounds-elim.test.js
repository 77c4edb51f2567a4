'use strict';
// An access whose bytes an earlier access in the same straight-line code
// already covered (same address value, memory only grows) runs without
// its bounds check (tr_bce.c, the "/nc" forms of irops.def).  Accesses at
// the exact end of memory (the first traps: the later one would have
// lost its check, it must still trap there), the address rewritten in
// between (local.set, local.tee, a call's result, a global.set, a loop's
// back-edge), memory.grow in between, folded constants that wrap at
// 2^32, a wider access after a narrower one: V8 must agree on every
// result, trap and byte of memory.
const t = require('tap');
const { watToBytes, compareWithV8 } = require('./v8-diff.js');
const { dumpIr } = require('./ir-dump.js');

// [name, body, want]: want is a text the function's code holds, or
// '!text' it must not hold.  A loaded value meets an i32.sub, not an add:
// an add would fuse with its load (i32.load;i32.add), which keeps its check.  (param $p i32) (local $a i32) (local $n i32)
// (local $x i64)
const cases = [
  // read-modify-write: the store and the second load lose their checks
  ['rmw', `(i32.store (local.get $p) (i32.add (i32.load (local.get $p)) (i32.const 1)))
    (i32.load (local.get $p))`, 'i32.store/nc'],
  // a store below one at a higher offset; the first traps at the end
  ['st_lower', `(i32.store offset=4 (local.get $p) (i32.const 0x01020304))
    (i32.store8 (local.get $p) (i32.const 9)) (i64.store offset=0 (local.get $p) (i64.const -1))
    (i32.load8_u (local.get $p))`, 'i32.load8_u/nc'],
  ['ld_lower', `(local.set $a (i32.wrap_i64 (i64.load offset=8 (local.get $p))))
    (i32.store offset=12 (local.get $p) (i32.const 5))
    (i32.sub (local.get $a) (i32.load offset=4 (local.get $p)))`, 'i32.load/nc'],
  // a narrower access does not cover a wider one
  ['wider', `(local.set $a (i32.load (local.get $p)))
    (i32.wrap_i64 (i64.load (local.get $p)))`, '!i64.load/nc'],
  ['wider_st', `(i32.store16 (local.get $p) (i32.const 1)) (i32.store (local.get $p) (i32.const 2))
    (i32.load (local.get $p))`, '!i32.store/nc'],
  // the address rewritten in between
  ['set', `(local.set $a (i32.load offset=4 (local.get $p)))
    (local.set $p (i32.add (local.get $p) (i32.const 8)))
    (i32.add (local.get $a) (i32.load (local.get $p)))`, '!i32.load/nc'],
  ['set_other', `(local.set $a (i32.load offset=4 (local.get $p)))
    (local.set $p (i32.xor (local.get $p) (i32.const 0x10)))
    (i32.add (local.get $a) (i32.load (local.get $p)))`, '!i32.load/nc'],
  // moved by 4 within the bytes covered: still proved
  ['step_in', `(local.set $a (i32.load offset=8 (local.get $p)))
    (local.set $p (i32.add (local.get $p) (i32.const 4)))
    (i32.store (local.get $p) (i32.const 3))
    (i32.add (local.get $a) (i32.load offset=4 (local.get $p)))`, 'i32.store/imm/nc'],
  ['tee', `(local.set $a (i32.load offset=4 (local.get $p)))
    (i32.add (local.get $a) (i32.load offset=4 (local.tee $p (i32.add (local.get $p) (i32.const 4)))))`,
  '!i32.load/nc'],
  ['call', `(local.set $a (i32.load offset=4 (local.get $p)))
    (local.set $p (call $next (local.get $p)))
    (i32.add (local.get $a) (i32.load (local.get $p)))`, '!i32.load/nc'],
  // the same address after a call: still proved (the callee cannot shrink memory)
  ['call_same', `(local.set $a (i32.load offset=4 (local.get $p)))
    (drop (call $next (local.get $a)))
    (i32.sub (local.get $a) (i32.load (local.get $p)))`, 'i32.load/nc'],
  // facts do not cross a loop's head: p walks up to the end and traps there
  ['loop', `(local.set $a (i32.load offset=8 (local.get $p)))
    (loop $l
      (local.set $a (i32.add (local.get $a) (i32.load (local.get $p))))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $n) (i32.const 6))))
    (local.get $a)`, '!i32.load/nc'],
  // ... nor a block's end that a branch reaches
  ['block', `(block
      (br_if 0 (i32.and (local.get $p) (i32.const 1)))
      (local.set $a (i32.load offset=4 (local.get $p))))
    (i32.add (local.get $a) (i32.load (local.get $p)))`, '!i32.load/nc'],
  ['if_else', `(if (i32.and (local.get $p) (i32.const 2))
      (then (local.set $a (i32.load offset=4 (local.get $p))))
      (else (local.set $a (i32.const 1))))
    (i32.add (local.get $a) (i32.load (local.get $p)))`, '!i32.load/nc'],
  // a branch's fall-through keeps them
  ['br_if_fall', `(block
      (local.set $a (i32.load offset=4 (local.get $p)))
      (br_if 0 (i32.eqz (local.get $a)))
      (local.set $a (i32.sub (local.get $a) (i32.load (local.get $p)))))
    (local.get $a)`, 'i32.load/nc'],
  // memory.grow in between: memory only grows
  ['grow', `(local.set $a (i32.load offset=4 (local.get $p)))
    (drop (memory.grow (i32.const 0)))
    (i32.sub (local.get $a) (i32.load (local.get $p)))`, 'i32.load/nc'],
  // folded constants, wrapping at 2^32: p + 8 is 0 for p = -8
  ['wrap', `(local.set $a (i32.load offset=8 (i32.add (local.get $p) (i32.const 8))))
    (local.set $a (i32.sub (local.get $a) (i32.load (i32.add (local.get $p) (i32.const 12)))))
    (i32.sub (local.get $a) (i32.load offset=4 (local.get $p)))`, 'i32.load/nc'],
  ['wrap_below', `(local.set $a (i32.load (i32.add (local.get $p) (i32.const 8))))
    (i32.add (local.get $a) (i32.load (i32.add (local.get $p) (i32.const -8))))`, '!i32.load/nc'],
  // a global's value (Go's stack pointer), until its set or a call
  ['global', `(global.set $sp (local.get $p))
    (i32.store offset=8 (global.get $sp) (i32.const 11))
    (i32.load offset=4 (global.get $sp))`, 'i32.load/nc'],
  ['global_set', `(global.set $sp (local.get $p))
    (i32.store offset=4 (global.get $sp) (i32.const 11))
    (global.set $sp (i32.add (global.get $sp) (i32.const 4)))
    (i32.load offset=4 (global.get $sp))`, '!i32.load/nc'],
  ['global_call', `(global.set $sp (local.get $p))
    (i32.store offset=4 (global.get $sp) (i32.const 11))
    (drop (call $bump (i32.const 0)))
    (i32.load (global.get $sp))`, '!i32.load/nc'],
  // constant addresses: the largest end seen covers every lower one
  ['abs', `(i32.store (i32.const 65532) (local.get $p))
    (i32.add (i32.load (i32.const 100)) (i32.load (i32.const 65530)))`, 'i32.load/abs/nc'],
  // a paired load whose pair is covered, both halves
  ['pair', `(i64.store offset=16 (local.get $p) (i64.const 3))
    (i64.store (local.get $p) (i64.add (i64.load (local.get $p)) (i64.load offset=8 (local.get $p))))
    (i32.load (local.get $p))`, 'I64_LOAD2/nc'],
  // pairs with one half proved: the other keeps its check, in its place
  ['pair_nc2', `(i64.store (local.get $p) (i64.const 5))
    (i32.wrap_i64 (i64.add (i64.load offset=16 (local.get $p)) (i64.load (local.get $p))))`, 'I64_LOAD2/nc2'],
  ['pair_nc1', `(i64.store (local.get $p) (i64.const 5))
    (i32.wrap_i64 (i64.add (i64.load (local.get $p)) (i64.load offset=8 (local.get $p))))`, 'I64_LOAD2/nc1'],
  ['pair_st_nc1', `(local.set $x (i64.load (local.get $p))) (local.set $a (i32.const 7))
    (i64.store (local.get $p) (local.get $x)) (i64.store offset=8 (local.get $p) (local.get $x))
    (i32.const 1)`, 'I64_STORE2/nc1'],
  ['pair_st_nc2', `(local.set $x (i64.load (local.get $p))) (local.set $a (i32.const 7))
    (i64.store offset=16 (local.get $p) (local.get $x)) (i64.store (local.get $p) (local.get $x))
    (i32.const 1)`, 'I64_STORE2/nc2'],
  ['pair32_nc2', `(i32.store offset=4 (local.get $p) (i32.const 5))
    (i32.add (i32.load offset=8 (local.get $p)) (i32.load offset=4 (local.get $p)))`, 'I32_LOAD2/nc2'],
];

const funcs = cases.map(([name, body]) =>
  `(func (export "${name}") (param $p i32) (result i32) (local $a i32) (local $n i32) (local $x i64) ${body})`);
const wat = `(module (memory (export "mem") 1)
  (global $sp (mut i32) (i32.const 64))
  (func $next (param i32) (result i32) (i32.add (local.get 0) (i32.const 4)))
  (func $bump (param i32) (result i32) (global.set $sp (i32.add (global.get $sp) (i32.const 65000))) (i32.const 0))
  ${funcs.join('\n')})`;
const names = cases.map((c) => c[0]);
const ps = [0, 4, 100, 65516, 65520, 65524, 65526, 65528, 65530, 65532, 65533, 65535, 65536, -1, -4, -8, -12, -16];

function fill({ mem }) {
  const m = new Uint8Array(mem.buffer);
  for (let i = 0; i < m.length; i++) m[i] = (i * 37 + (i >> 8)) & 0xff;
}

t.test('accesses without their bounds check agree with V8', async (t) => {
  const bytes = await watToBytes('bce.wat', wat);
  const r = compareWithV8(t, bytes, names, () => ps.map((p) => [p]), fill);
  t.equal(r.bad, 0, `${r.calls} calls over ${names.length} functions agree`);
  t.ok(r.v8.out.includes('trap'), 'some accesses are out of bounds');
  t.ok(Buffer.compare(r.v8.mem, r.wh.mem) === 0, 'memory is the same after every call');
  const ir = dumpIr(bytes).slice(2); // after $next and $bump
  cases.forEach(([name, , want], i) => {
    if (want.startsWith('!')) t.notOk(ir[i].includes(want.slice(1)), `${name}: no ${want.slice(1)}`);
    else t.ok(ir[i].includes(want), `${name}: ${want}`);
  });
});

// Growing memory between calls: what a check proved in one call proves
// nothing in the next, and the code is the same.
t.test('memory.grow between accesses agrees with V8', async (t) => {
  const bytes = await watToBytes('bce-grow.wat', `(module (memory (export "mem") 1 4)
    (func (export "g") (param $p i32) (result i32) (local $a i32)
      (local.set $a (i32.load offset=65536 (local.get $p)))
      (drop (memory.grow (i32.const 1)))
      (i32.store offset=65536 (local.get $p) (i32.const 1))
      (i32.sub (local.get $a) (i32.load offset=65532 (local.get $p)))))`);
  const r = compareWithV8(t, bytes, ['g'], () => [[0], [65532], [-4], [65532], [131068], [196604], [196608]], fill);
  t.equal(r.bad, 0, `${r.calls} calls agree`);
  t.ok(r.v8.out.includes('trap'), 'some calls trap');
  t.ok(Buffer.compare(r.v8.mem, r.wh.mem) === 0, 'memory is the same');
  t.ok(dumpIr(bytes)[0].includes('i32.load/nc'), 'the load below the checked store loses its check');
});
