'use strict';
// An i32 load whose value a branch tests (`while (*s)`, `while ((p =
// p->next))`) is one instruction (the ";br_if" / ";br_unless" forms of
// irops.def).  Every i32 load of opcodes.def, the value in a temp or kept
// in a local by local.tee, br_if and if, forward and loop branches,
// values zero and not, in and out of bounds: V8 must agree.
const t = require('tap');
const fs = require('fs');
const path = require('path');
const { watToBytes, compareWithV8 } = require('./v8-diff.js');
const { dumpIr } = require('./ir-dump.js');

const def = fs.readFileSync(path.join(__dirname, '..', '..', 'src', 'engine', 'opcodes.def'), 'utf8');
const loads = [...def.matchAll(/^WI_LOAD\(\w+,\s*0x\w+,\s*"([\w.]+)",\s*I32,/gm)].map((m) => m[1]);

const funcs = [];
const names = [];
for (const ld of loads) {
  const b = ld.replace('.', '_');
  // [suffix, body, fused?]
  const shapes = [
    // br_if on the loaded temp: 1 when the value is non-zero
    ['temp', `(block (br_if 0 (${ld} offset=2 (local.get $p))) (return (i32.const 0))) (i32.const 1)`, true],
    // the value kept in a local and tested: returns it
    ['tee', `(block (br_if 0 (local.tee $v (${ld} (local.get $p)))) (return (i32.const -1))) (local.get $v)`, true],
    ['if', `(if (result i32) (${ld} offset=1 (local.get $p)) (then (i32.const 7)) (else (i32.const 9)))`, true],
    // follow a chain: p = load(p) until zero, counting steps (a loop's back-edge)
    ['walk', `(local.set $n (i32.const 0))
      (block (loop $l
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br_if 1 (i32.ge_u (local.get $n) (i32.const 40)))
        (br_if $l (i32.and (local.tee $p (${ld} (local.get $p))) (i32.const 0xfc)))))
      (i32.add (i32.mul (local.get $n) (i32.const 65536)) (local.get $p))`, false],
    ['walk2', `(local.set $n (i32.const 0))
      (block (loop $l
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br_if 1 (i32.ge_u (local.get $n) (i32.const 40)))
        (br_if $l (local.tee $p (${ld} (i32.and (local.get $p) (i32.const 0xfc)))))))
      (local.get $n)`, true],
    // negated: the load's value is tested for zero, the load branches
    // with the sense flipped (br_if, if, a loop's back-edge, tee'd)
    ['eqz', `(block (br_if 0 (i32.eqz (${ld} (local.get $p)))) (return (i32.const 3))) (i32.const 4)`, true],
    ['nez', `(block (br_if 0 (i32.eqz (i32.eqz (${ld} offset=3 (local.get $p))))) (return (i32.const 3))) (i32.const 4)`, true],
    ['ifnot', `(if (result i32) (i32.eqz (${ld} offset=1 (local.get $p))) (then (i32.const 7)) (else (i32.const 9)))`, true],
    ['eqztee', `(block (br_if 0 (i32.eqz (local.tee $v (${ld} (local.get $p))))) (return (local.get $v))) (i32.const -5)`, true],
    ['eqzwalk', `(local.set $n (i32.const 0))
      (block (loop $l
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br_if 1 (i32.ge_u (local.get $n) (i32.const 40)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br_if $l (i32.eqz (${ld} (i32.and (local.get $p) (i32.const 0x1fc)))))))
      (local.get $n)`, true],
    // not fused: the eqz's operand is not what the load just wrote
    ['eqzother', `(local.set $v (${ld} (local.get $p)))
      (block (br_if 0 (i32.eqz (local.get $n))) (return (local.get $v))) (i32.const 6)`, false],
  ];
  for (const [sfx, body, fused] of shapes) {
    names.push({ name: `${b}_${sfx}`, fused });
    funcs.push(`(func (export "${b}_${sfx}") (param $p i32) (result i32) (local $v i32) (local $n i32) ${body})`);
  }
}
const wat = `(module (memory (export "mem") 1) ${funcs.join('\n')})`;
const ps = [0, 1, 2, 4, 7, 8, 12, 16, 20, 64, 100, 200, 255, 65532, 65535, 65536, -1];

// zeros and chains: every 4th byte a small "pointer", some zero
function fill({ mem }) {
  const m = new Uint8Array(mem.buffer);
  for (let i = 0; i < 256; i++) m[i] = i % 7 === 0 ? 0 : (i * 13) & 0xfc;
  for (let i = 256; i < 512; i++) m[i] = i & 1 ? 0x80 : 0;
}

t.test('loads fused with a branch agree with V8', async (t) => {
  const bytes = await watToBytes('lb.wat', wat);
  const r = compareWithV8(t, bytes, names.map((x) => x.name), () => ps.map((p) => [p]), fill);
  t.equal(r.bad, 0, `${r.calls} calls over ${names.length} functions (${loads.length} loads) agree`);
  t.ok(r.v8.out.includes('trap'), 'some addresses are out of bounds');
  const ir = dumpIr(bytes);
  names.forEach(({ name, fused }, i) => {
    if (fused) t.match(ir[i], /load[\w]*;br_(if|unless)/, `${name}: load and branch are one instruction`);
    else t.notMatch(ir[i], /load[\w]*;br_(if|unless)/, `${name}: not fused`);
  });
});
