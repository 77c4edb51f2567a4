'use strict';
// The third round of fusions chosen from pair counts (irops.def's last
// group), each pair done in order in one dispatch with both results
// written: an i32 load then an i32 op of the loaded value (i32.load with
// add, and, xor, mul of a slot, the value on either side, and add/imm,
// sub/imm, and/imm, shr_u/imm, shl/imm; i32.load8_u with xor); an i32
// add/imm (sub/imm) then an access (i32.load, i64.load, the /idx forms of
// i32.load, i32.load8_u and i64.load, i32.store, i64.store; the access's
// own address add folded in or not); an i64 load then an i64 store; a
// move then an i32.load or i32.load8_u.  Values at the wraparound edges,
// addresses at the exact end of memory (the last in-bounds access and the
// first trapping one), offsets, the loaded value kept in a local and read
// again; the fused forms present, and absent where another fusion wins (a
// compare and branch, an eqz), where the op reads the value on the wrong
// side or does not read it, and for the pairs left unfused (too rare in
// the counts).  V8 must agree on every result, trap and byte of memory.
const t = require('tap');
const { watToBytes, compareWithV8 } = require('./v8-diff.js');
const { dumpIr, checkWants } = require('./ir-dump.js');

const F = [];
const add = (name, body, want) => F.push({ name, body, want });

const slotOps = ['add', 'sub', 'and', 'or', 'xor', 'mul'];
const fusedOps = { 'i32.load': ['add', 'and', 'xor', 'mul'], 'i32.load8_u': ['xor'] };
const immOps = [['add', 1], ['add', -1], ['add', 0x7fffffff], ['sub', 3], ['sub', -0x80000000], ['and', 0xff0],
  ['and', -2], ['shr_u', 3], ['shr_u', 31], ['shr_u', 33], ['shl', 4], ['shl', 31], ['shl', 36]];
const kname = (k) => (k < 0 ? `m${-k}` : `${k}`);
for (const ld of ['i32.load', 'i32.load8_u']) {
  const b = ld.replace('.', '_');
  for (const op of slotOps) {
    const fused = fusedOps[ld].includes(op);
    const want = `${fused ? '' : '!'}${ld};i32.${op}`;
    // the loaded value on the left, in a temp only the op reads
    add(`${b}_${op}_l`, `(i32.${op} (${ld} (local.get $a)) (local.get $b))`, want);
    // on the right: commutative ops take it, sub does not
    add(`${b}_${op}_r`, `(i32.${op} (local.get $b) (${ld} offset=1 (local.get $a)))`,
      op === 'sub' ? `!${ld};i32.${op}` : want);
    // kept in a local by local.tee: the local is written too, and the op
    // reads the value on both sides
    add(`${b}_${op}_tee`, `(local $v i32) (local $s i32)
      (local.set $s (i32.${op} (local.tee $v (${ld} offset=3 (local.get $a))) (local.get $v)))
      (i32.xor (local.get $s) (i32.mul (local.get $v) (i32.const 0x10001)))`, want);
    // a sum kept in a loop (`s += p[i]`), the op's result into a local
    add(`${b}_${op}_loop`, `(local $i i32) (local $s i32)
      (local.set $s (local.get $b))
      (loop $l
        (local.set $s (i32.${op} (${ld} (local.get $a)) (local.get $s)))
        (local.set $a (i32.add (local.get $a) (i32.const 4)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (i32.const 6))))
      (local.get $s)`, want);
  }
  for (const [op, k] of immOps) {
    const want = `${ld === 'i32.load' ? '' : '!'}${ld};i32.${op === 'sub' ? 'add' : op}/imm`;
    add(`${b}_${op}_${kname(k)}`, `(i32.${op} (${ld} offset=2 (local.get $a)) (i32.const ${k}))`, want);
    add(`${b}_${op}_${kname(k)}_tee`, `(local $v i32)
      (i32.sub (i32.${op} (local.tee $v (${ld} (local.get $a))) (i32.const ${k})) (local.get $v))`, want);
  }
  // not fused: a compare of the op's result branches (the add/imm and the
  // compare and branch are one); the loaded value tested for zero (the
  // load branches); the op does not read what was loaded
  add(`${b}_cmp`, `(block $x (br_if $x (i32.lt_u (i32.add (${ld} (local.get $a)) (i32.const 1)) (local.get $b)))
      (return (i32.const 1))) (i32.const 2)`, `!${ld};i32.add/imm`);
  add(`${b}_eqz`, `(local $v i32) (local $s i32)
      (local.set $v (${ld} (local.get $a)))
      (block $x (br_if $x (i32.eqz (local.get $v))) (local.set $s (i32.const 5)))
      (i32.add (local.get $s) (local.get $v))`, '!;i32.');
  add(`${b}_other`, `(local $v i32) (local $s i32)
      (local.set $v (${ld} (local.get $a)))
      (local.set $s (i32.add (local.get $b) (local.get $b)))
      (i32.xor (local.get $s) (local.get $v))`, `!${ld};i32.add`);
}

// an i32 add/imm, then an access: a pointer bumped and read through, a
// counter bumped before an unrelated store
const accesses = [
  ['i32.load', (p) => `(i32.load offset=4 (local.get ${p}))`, 'i32.add/imm;i32.load'],
  ['i32.load8_u', (p) => `(i32.load8_u (local.get ${p}))`, '!i32.add/imm;i32.load8_u'],
  ['i64.load', (p) => `(i32.wrap_i64 (i64.rotl (i64.load offset=1 (local.get ${p})) (i64.const 17)))`, 'i32.add/imm;i64.load'],
  ['i32.load_x', (p) => `(i32.load offset=2 (i32.add (local.get ${p}) (local.get $b)))`, 'i32.add/imm;i32.load/idx'],
  ['i32.load8_u_x', (p) => `(i32.load8_u (i32.add (local.get $b) (local.get ${p})))`, 'i32.add/imm;i32.load8_u/idx'],
  ['i64.load_x', (p) => `(i32.wrap_i64 (i64.shr_u (i64.load offset=3 (i32.add (local.get ${p}) (local.get $b))) (i64.const 9)))`, 'i32.add/imm;i64.load/idx'],
  // the add/imm of another access's address folds into it: the add/imm
  // before still pairs with it
  ['i32.load_k', (p) => `(i32.load offset=1 (i32.add (local.get $b) (i32.const 7)))`, 'i32.add/imm;i32.load '],
];
for (const [k, kn] of [[1, '1'], [4, '4'], [-4, 'm4'], [0x7fffffff, 'big']]) {
  for (const [an, acc, want] of accesses) {
    const n = an.replace('.', '_');
    add(`addi_${n}_${kn}`, `(local $p i32)
      (local.set $p (i32.add (local.get $a) (i32.const ${k})))
      (i32.add ${acc('$p')} (local.get $p))`, want);
    add(`subi_${n}_${kn}`, `(local $p i32)
      (local.set $p (i32.sub (local.get $a) (i32.const ${k})))
      (i32.add ${acc('$p')} (local.get $p))`, want);
  }
  add(`addi_i32_store_${kn}`, `(local $i i32)
    (local.set $i (i32.add (local.get $b) (i32.const ${k})))
    (i32.store offset=8 (local.get $a) (local.get $i))
    (i32.add (i32.load offset=8 (local.get $a)) (local.get $i))`, 'i32.add/imm;i32.store');
  add(`addi_i64_store_${kn}`, `(local $i i32) (local $w i64)
    (local.set $w (i64.extend_i32_s (local.get $b)))
    (local.set $i (i32.add (local.get $b) (i32.const ${k})))
    (i64.store (local.get $a) (local.get $w))
    (i32.add (i32.wrap_i64 (i64.shr_u (i64.load (local.get $a)) (i64.const 7))) (local.get $i))`, 'i32.add/imm;i64.store');
}
// walking a list: p = load(p + 4) until zero or 20 steps
add('addi_walk', `(local $n i32)
  (block $x (loop $l
    (local.set $a (i32.add (local.get $a) (i32.const 4)))
    (local.set $a (i32.load (local.get $a)))
    (local.set $n (i32.add (local.get $n) (i32.const 1)))
    (br_if $x (i32.eqz (local.get $a)))
    (br_if $l (i32.lt_u (local.get $n) (i32.const 20)))))
  (i32.add (local.get $a) (i32.mul (local.get $n) (i32.const 65536)))`, 'i32.add/imm;i32.load');
// not fused: the loaded value is tested for zero at once (the load branches)
add('addi_eqz', `(local $p i32)
  (local.set $p (i32.add (local.get $a) (i32.const 4)))
  (block $x (br_if $x (i32.eqz (i32.load (local.get $p)))) (return (i32.const 9)))
  (local.get $p)`, '!i32.add/imm;i32.load');

// a load, then a store of its width (i64 only): copies (the value in a temp, or kept
// in a local), the store's address the load's own, bytes overlapping
for (const [w, sh] of [['i64', 'i64'], ['i32', 'i32']]) {
  for (const [o1, o2] of [[0, 8], [8, 0], [3, 0], [0, 5], [2, 2]]) {
    add(`${w}_copy_${o1}_${o2}`, `(${w}.store offset=${o2} (local.get $b) (${w}.load offset=${o1} (local.get $a)))
      (i32.wrap_i64 (i64.extend_i32_u (i32.add (i32.load (local.get $b)) (i32.load offset=4 (local.get $b)))))`,
    `${w === 'i64' ? '' : '!'}${w}.load;${w}.store`);
  }
  add(`${w}_copy_tee`, `(local $v ${sh})
    (${w}.store offset=16 (local.get $b) (local.tee $v (${w}.load (local.get $a))))
    (i32.add (i32.load offset=16 (local.get $b)) (i32.wrap_${w === 'i64' ? 'i64' : 'x'} (local.get $v)))`.replace('(i32.wrap_x (local.get $v))', '(local.get $v)'),
  `${w === 'i64' ? '' : '!'}${w}.load;${w}.store`);
  add(`${w}_copy_same`, `(${w}.store (local.get $a) (${w}.load offset=1 (local.get $a))) (i32.load (local.get $a))`,
    `${w === 'i64' ? '' : '!'}${w}.load;${w}.store`);
}

// a move, then a load through what was moved (or another slot); not i64.load
for (const [ld, wrap] of [['i32.load', ''], ['i32.load8_u', ''], ['i64.load', 'i32.wrap_i64']]) {
  const n = ld.replace('.', '_');
  const want = `${ld === 'i64.load' ? '!' : ''}COPY;${ld}`;
  const v = (e) => (wrap ? `(${wrap} ${e})` : e);
  add(`copy_${n}`, `(local $q i32) (local $r i32)
    (local.set $q (local.get $a))
    (local.set $r ${v(`(${ld} offset=6 (local.get $q))`)})
    (i32.add (local.get $r) (i32.mul (local.get $q) (i32.const 3)))`, want);
  add(`copy_${n}_other`, `(local $q i32) (local $r i32)
    (local.set $q (i32.mul (local.get $b) (i32.const 5)))
    (local.set $r (i32.add (local.get $q) (local.get $a)))
    (local.set $q (local.get $r))
    (i32.add ${v(`(${ld} (local.get $b))`)} (local.get $q))`, want);
}

const funcs = F.map((f) => `(func (export "${f.name}") (param $a i32) (param $b i32) (result i32) ${f.body})`);
const wat = `(module (memory (export "mem") 1) ${funcs.join('\n')})`;
// addresses: the start, small ones, the last in-bounds ones of each width
// and access, the first out of bounds, wrapping ones
const as = [0, 4, 8, 17, 100, 65520, 65526, 65527, 65528, 65529, 65530, 65531, 65532, 65533, 65535, 65536, -1, -4];
const bs = [0, 1, 12, -1, 0x7fffffff, -0x80000000, 65530];
const argsOf = () => {
  const out = [];
  for (const a of as) for (const b of bs) out.push([a, b]);
  return out;
};

// bytes with every bit pattern, and a chain of small pointers for the walk
function fill({ mem }) {
  const m = new Uint8Array(mem.buffer);
  for (let i = 0; i < 256; i++) m[i] = (i * 37 + 11) & 0xff;
  for (let i = 0; i < 64; i += 8) m[i + 4] = i + 8;
  for (let i = 65280; i < 65536; i++) m[i] = (i * 59) & 0xff;
}

t.test('loads with an op, accesses after an add/imm, load-store and move-load pairs agree with V8', async (t) => {
  const bytes = await watToBytes('load-pairs.wat', wat);
  const r = compareWithV8(t, bytes, F.map((f) => f.name), argsOf, fill);
  t.equal(r.bad, 0, `${r.calls} calls over ${F.length} functions agree`);
  t.ok(r.v8.out.includes('trap'), 'some accesses are out of bounds');
  t.ok(Buffer.compare(r.v8.mem, r.wh.mem) === 0, 'memory is the same after every call');
  checkWants(t, dumpIr(bytes), F);
});
