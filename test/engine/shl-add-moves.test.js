'use strict';
// Two fusions chosen from pair counts over many programs (irops.def's
// last group): `(x << k) + y` whose shift only the add reads (SHL_ADD:
// either operand order, every shift count, wraparound, the sum then an
// address: of an access of the shift's width it becomes the scaled form,
// of another it stays apart), and a move just before a call of a defined
// function (COPY;CALL: arguments copied, a callee that traps, recursion,
// a call without parameters), and a move just before a return
// (COPY;RETURN: from the end, a block, an if, a loop); runs of moves
// (COPY3, i32.add/imm;COPY, i32.add/imm;CONST).  V8 must
// agree on every result, trap and byte of memory (recursion stays
// shallow: the two stack limits differ).
const t = require('tap');
const { watToBytes, compareWithV8 } = require('./v8-diff.js');
const { dumpIr, checkWants } = require('./ir-dump.js');

const F = [];
const add = (name, body, want, params = '(param $a i32) (param $b i32)') => F.push({ name, params, body, want });

for (const k of [0, 1, 2, 3, 5, 31, 32, 33, -1]) {
  add(`shl_left_${k < 0 ? 'm' : k}`, `(i32.add (i32.shl (local.get $a) (i32.const ${k})) (local.get $b))`, 'i32.shl/imm;i32.add');
  add(`shl_right_${k < 0 ? 'm' : k}`, `(i32.add (local.get $b) (i32.shl (local.get $a) (i32.const ${k})))`, 'i32.shl/imm;i32.add');
}
// the sum into a local, then reused (an element address kept for two
// accesses); and tee'd
add('shl_set', `(local $p i32)
  (local.set $p (i32.add (local.get $b) (i32.shl (local.get $a) (i32.const 2))))
  (i32.store (local.get $p) (i32.add (i32.load (local.get $p)) (i32.const 1)))
  (i32.load (local.get $p))`, 'i32.shl/imm;i32.add');
add('shl_tee', `(local $p i32)
  (i32.add (i32.load16_u offset=2 (local.tee $p (i32.add (i32.shl (local.get $a) (i32.const 3)) (local.get $b)))) (local.get $p))`, 'i32.shl/imm;i32.add');
// an address of the shift's width: the access's scaled form (the shift
// and add go into it); of another width: the fused add, then the access
add('shl_load_scaled', `(i32.load offset=4 (i32.add (local.get $b) (i32.shl (local.get $a) (i32.const 2))))`, 'i32.load/idx*w');
add('shl_load8_scaled', `(i32.wrap_i64 (i64.load8_s (i32.add (i32.shl (local.get $a) (i32.const 0)) (local.get $b))))`, 'i64.load8_s/idx*w');
add('shl_load_other', `(i32.load16_s offset=1 (i32.add (local.get $b) (i32.shl (local.get $a) (i32.const 2))))`, 'i32.shl/imm;i32.add');
add('shl_store_scaled', `(i32.store (i32.add (local.get $b) (i32.shl (local.get $a) (i32.const 2))) (local.get $a))
  (i32.load (local.get $b))`, 'i32.store/idx*w');
add('shl_store_other', `(i32.store8 offset=3 (i32.add (local.get $b) (i32.shl (local.get $a) (i32.const 1))) (local.get $b))
  (i32.load (local.get $b))`, 'i32.shl/imm;i32.add');
// a counted loop summing array elements through a scaled address kept in a local
add('shl_loop', `(local $i i32) (local $s i32) (local $p i32)
  (loop $l
    (local.set $p (i32.add (i32.shl (local.get $i) (i32.const 2)) (local.get $b)))
    (local.set $s (i32.add (local.get $s) (i32.load (local.get $p))))
    (i32.store (local.get $p) (local.get $s))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br_if $l (i32.lt_u (local.get $i) (i32.and (local.get $a) (i32.const 31)))))
  (local.get $s)`, 'i32.shl/imm;i32.add');
// not fused: the shift's result is a local read again, or both operands the same
add('shl_local', `(local $x i32)
  (local.set $x (i32.shl (local.get $a) (i32.const 4)))
  (i32.add (i32.add (local.get $x) (local.get $b)) (local.get $x))`, '!i32.shl/imm;i32.add');
add('shl_same', `(local $x i32)
  (i32.add (local.tee $x (i32.shl (local.get $a) (i32.const 4))) (local.get $x))`, '!i32.shl/imm;i32.add');

// calls right after a move of an argument
add('call_copy', `(local $x i32)
  (local.set $x (i32.mul (local.get $a) (i32.const 3)))
  (call $f2 (i32.mul (local.get $b) (i32.const 5)) (local.get $x))`, 'COPY;CALL');
add('call_copy_result', `(local $x i32) (local $y i32)
  (local.set $x (local.get $a))
  (local.set $y (call $f2 (i32.const 7) (local.get $x)))
  (i32.add (local.get $y) (local.get $x))`, 'COPY;CALL');
add('call_copy_noargs', `(local $x i32)
  (local.set $x (local.get $b))
  (drop (call $f0))
  (i32.add (call $f0) (local.get $x))`, 'COPY;CALL');
add('call_copy_trap', `(local $x i32)
  (local.set $x (local.get $b))
  (call $div (i32.mul (local.get $a) (i32.const 1)) (local.get $x))`, 'COPY;CALL');
add('call_copy_deep', `(call $rec (i32.and (local.get $a) (i32.const 1023)) (local.get $b))`, 'COPY;CALL');
// a local's value returned: from the function's end, from inside a
// block, an if and a loop (`return`), from a callee and from the entry
add('ret_end', `(local $x i32)
  (local.set $x (i32.xor (local.get $a) (local.get $b)))
  (local.get $x)`, 'COPY;RETURN');
add('ret_if', `(local $x i32)
  (local.set $x (i32.sub (local.get $a) (local.get $b)))
  (if (i32.lt_s (local.get $x) (i32.const 0)) (then (return (local.get $b))))
  (block (br_if 0 (local.get $a)) (return (local.get $x)))
  (i32.const 77)`, 'COPY;RETURN');
add('ret_loop', `(local $i i32)
  (loop $l
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (if (i32.ge_u (local.get $i) (i32.and (local.get $a) (i32.const 15))) (then (return (local.get $i))))
    (br $l))
  (unreachable)`, 'COPY;RETURN');
add('ret_callee', `(i32.add (call $ret (local.get $a) (local.get $b)) (call $ret (local.get $b) (local.get $a)))`, 'CALL');
// runs of moves: three copies (a swap through a temporary: each reads
// what the one before wrote), a copy or a constant after an i32 add/imm
// (the copy reads the sum); two adds still pair, and a constant result
// after an add still returns with the constant
add('copy3_swap', `(local $x i32) (local $y i32) (local $t i32)
  (local.set $x (i32.mul (local.get $a) (i32.const 3)))
  (local.set $y (i32.xor (local.get $b) (i32.const 5)))
  (local.set $t (local.get $x))
  (local.set $x (local.get $y))
  (local.set $y (local.get $t))
  (i32.sub (local.get $x) (i32.shl (local.get $y) (i32.const 1)))`, 'COPY3');
add('addi_copy', `(local $i i32) (local $x i32)
  (local.set $i (i32.xor (local.get $a) (local.get $b)))
  (local.set $i (i32.add (local.get $i) (i32.const 0x7fffffff)))
  (local.set $x (local.get $i))
  (local.set $i (i32.mul (local.get $i) (local.get $b)))
  (i32.add (local.get $x) (local.get $i))`, 'i32.add/imm;COPY');
add('subi_const', `(local $i i32) (local $x i32)
  (local.set $i (i32.xor (local.get $a) (local.get $b)))
  (local.set $i (i32.sub (local.get $i) (i32.const 5)))
  (local.set $x (i32.const -3))
  (i32.add (i32.mul (local.get $x) (local.get $b)) (local.get $i))`, 'i32.add/imm;CONST');
add('addi2_copy', `(local $i i32) (local $j i32) (local $x i32)
  (local.set $i (i32.xor (local.get $a) (local.get $b)))
  (local.set $i (i32.add (local.get $i) (i32.const 1)))
  (local.set $j (i32.add (local.get $b) (i32.const -1)))
  (local.set $x (local.get $i))
  (i32.add (local.get $x) (i32.mul (local.get $i) (local.get $j)))`, 'i32.add/imm;i32.add/imm');
add('addi_return_const', `(local $i i32)
  (local.set $i (i32.xor (local.get $a) (local.get $b)))
  (local.set $i (i32.add (local.get $i) (i32.const 1)))
  (i32.const 7)`, 'RETURN_CONST');

const funcs = F.map((f) => `(func (export "${f.name}") ${f.params} (result i32) ${f.body})`);
const wat = `(module (memory (export "mem") 1)
  (global $g (mut i32) (i32.const 0))
  (func $f2 (param i32 i32) (result i32) (i32.sub (i32.mul (local.get 0) (i32.const 5)) (local.get 1)))
  (func $f0 (result i32) (global.set $g (i32.add (global.get $g) (i32.const 1))) (global.get $g))
  (func $div (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func $rec (param $n i32) (param $m i32) (result i32) (local $x i32)
    (if (result i32) (i32.eqz (local.get $n)) (then (local.get $m))
      (else
        (local.set $x (i32.add (local.get $m) (i32.const 1)))
        (call $rec (i32.sub (local.get $n) (i32.const 1)) (local.get $x)))))
  (func $ret (param $a i32) (param $b i32) (result i32) (local $x i32)
    (local.set $x (i32.mul (local.get $a) (local.get $b)))
    (if (local.get $b) (then (return (local.get $x))))
    (local.get $a))
  ${funcs.join('\n')})`;
const vals = [0, 1, 2, 3, 7, 100, 4095, 16383, 65535, 65536, 0x7fffffff, -1, -2, -0x80000000, 0x12345678, 200000];
const argsOf = () => {
  const out = [];
  for (const a of vals) for (const b of [0, 1, 3, 64, 65530, -1, 0x40000000, -0x80000000]) out.push([a, b]);
  return out;
};
function fill({ mem }) {
  const m = new Uint8Array(mem.buffer);
  for (let i = 0; i < m.length; i++) m[i] = (i * 37 + (i >> 8)) & 0xff;
}

t.test('shl;add, copy;call and copy;return agree with V8', async (t) => {
  const bytes = await watToBytes('shl-add-call.wat', wat);
  const r = compareWithV8(t, bytes, F.map((f) => f.name), argsOf, fill);
  t.equal(r.bad, 0, `${r.calls} calls over ${F.length} functions agree`);
  t.ok(r.v8.out.includes('trap'), 'some calls trap');
  t.ok(Buffer.compare(r.v8.mem, r.wh.mem) === 0, 'memory is the same after every call');
  const ir = dumpIr(bytes);
  const first = ir.length - F.length; // $f2, $f0, $div, $rec, $ret come first
  checkWants(t, ir.slice(first), F);
  t.ok(ir[3].includes('COPY;CALL'), '$rec: COPY;CALL');
  t.ok(ir[4].includes('COPY;RETURN'), '$ret: COPY;RETURN');
});
