'use strict';
// An i64 load whose value a branch tests against zero (Go: `i64.load;
// i64.eqz; br_if`, or `i32.eqz (i64.eqz ..)` for non-zero) is one
// instruction (i64.load;br_if / i64.load;br_unless in irops.def's last
// group); the loaded value is still written.  Words zero, with only their
// high or low half set, addresses up to and past the memory's end, br_if,
// if and a loop's back-edge, the value kept by local.tee; not fused: the
// eqz of another value, an i64.load8_u.  V8 must agree on every result.
const t = require('tap');
const { watToBytes, compareWithV8 } = require('./v8-diff.js');
const { dumpIr, checkWants } = require('./ir-dump.js');

const F = [];
const add = (name, body, want) => F.push({ name, body, want });
const T = 'i64.load;br_if', U = 'i64.load;br_unless';
// br_if on zero: 4 when the word is zero, else 3
add('eqz', `(block (br_if 0 (i64.eqz (i64.load (local.get $p)))) (return (i32.const 3))) (i32.const 4)`, 'i64.load;br_');
add('nez', `(block (br_if 0 (i32.eqz (i64.eqz (i64.load offset=8 (local.get $p))))) (return (i32.const 3))) (i32.const 4)`, 'i64.load;br_');
add('if', `(if (result i32) (i64.eqz (i64.load offset=3 (local.get $p))) (then (i32.const 7)) (else (i32.const 9)))`, 'i64.load;br_');
add('ifnez', `(if (result i32) (i32.eqz (i64.eqz (i64.load (local.get $p)))) (then (i32.const 7)) (else (i32.const 9)))`, 'i64.load;br_');
// the word kept in a local (Go's locals), tested, then returned folded to an i32
add('tee', `(block (br_if 0 (i64.eqz (local.tee $v (i64.load offset=16 (local.get $p)))))
    (return (i32.wrap_i64 (i64.xor (local.get $v) (i64.shr_u (local.get $v) (i64.const 32))))))
  (i32.const -5)`, 'i64.load;br_');
add('set', `(block (local.set $v (i64.load (local.get $p)))
    (br_if 0 (i32.eqz (i64.eqz (local.get $v)))) (return (i32.const 11)))
  (i32.wrap_i64 (i64.shr_u (local.get $v) (i64.const 31)))`, 'i64.load;br_');
// walk words until a zero one: a loop's back-edge taken while non-zero
add('walk', `(local.set $n (i32.const 0))
  (block (loop $l
    (local.set $n (i32.add (local.get $n) (i32.const 1)))
    (br_if 1 (i32.ge_u (local.get $n) (i32.const 40)))
    (local.set $p (i32.add (local.get $p) (i32.const 8)))
    (br_if $l (i32.eqz (i64.eqz (i64.load (local.get $p)))))))
  (local.get $n)`, 'i64.load;br_');
add('walkz', `(local.set $n (i32.const 0))
  (block (loop $l
    (local.set $n (i32.add (local.get $n) (i32.const 1)))
    (br_if 1 (i32.ge_u (local.get $n) (i32.const 40)))
    (local.set $p (i32.add (local.get $p) (i32.const 8)))
    (br_if $l (i64.eqz (i64.load (local.get $p))))))
  (local.get $n)`, 'i64.load;br_');
// not fused: the eqz tests another value; a narrower load
add('other', `(local.set $v (i64.load (local.get $p)))
  (block (br_if 0 (i64.eqz (local.get $w))) (return (i32.wrap_i64 (local.get $v)))) (i32.const 6)`, '!i64.load;br_');
add('narrow', `(block (br_if 0 (i64.eqz (i64.load8_u (local.get $p)))) (return (i32.const 3))) (i32.const 4)`, '!;br_');

const funcs = F.map((f) => `(func (export "${f.name}") (param $p i32) (result i32) (local $v i64) (local $w i64) (local $n i32) ${f.body})`);
const wat = `(module (memory (export "mem") 1) ${funcs.join('\n')})`;
const ps = [0, 1, 8, 16, 24, 40, 48, 56, 64, 96, 104, 120, 65512, 65520, 65521, 65525, 65528, 65529, 65535, 65536, -1, -8];

// words: zero, only the high half set, only the low half, only the top bit
function fill({ mem }) {
  const v = new DataView(mem.buffer);
  const words = [0n, 0x100000000n, 1n, 0x8000000000000000n, 0n, 0xffffffffn, 0x123456789n, 0n, 0xfedcba9800000000n];
  for (let i = 0; i < 64; i++) v.setBigUint64(i * 8, words[(i * 5) % words.length], true);
  v.setBigUint64(65528, 0x8000000000000000n, true);
  v.setBigUint64(65520, 0n, true);
}

t.test('i64 loads fused with a branch agree with V8', async (t) => {
  const bytes = await watToBytes('i64-load-branch.wat', wat);
  const r = compareWithV8(t, bytes, F.map((f) => f.name), () => ps.map((p) => [p]), fill);
  t.equal(r.bad, 0, `${r.calls} calls over ${F.length} functions agree`);
  t.ok(r.v8.out.includes('trap'), 'some addresses are out of bounds');
  const ir = dumpIr(bytes);
  checkWants(t, ir, F);
  const all = ir.join('\n');
  t.ok(all.includes(T) && all.includes(U), 'both senses are used');
});
