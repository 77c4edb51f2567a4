'use strict';
// An i32 operation with a constant operand whose result is masked by an
// i32.and with a constant (bit-field extraction `(x >> k) & m`, `(x + k)
// & 0xff`) is one instruction (the "/imm;and/imm" forms of irops.def).
// Every i32 binary row of opcodes.def, shift counts past 31, masks of
// every shape, the result kept in a local (no fusion), the masked value
// tested by a branch: V8 must agree on every result.
const t = require('tap');
const fs = require('fs');
const path = require('path');
const { watToBytes, compareWithV8 } = require('./v8-diff.js');
const { dumpIr } = require('./ir-dump.js');

const def = fs.readFileSync(path.join(__dirname, '..', '..', 'src', 'engine', 'opcodes.def'), 'utf8');
const ops = [...def.matchAll(/^WI_BIN\(\w+,\s*0x\w+,\s*"(i32\.\w+)",\s*I32,/gm)].map((m) => m[1]);

const ks = [0, 1, 7, 31, 33, -1, 0x12345678];
const ms = [0xff, 1, 0x7fff, -1, 0x80000000 | 0, 0x0ff0];
const funcs = [];
const names = [];
for (const op of ops) {
  const b = op.replace('.', '_');
  ks.forEach((k, ki) => {
    ms.forEach((m, mi) => {
      const name = `${b}_${ki}_${mi}`;
      names.push({ name, fused: true });
      funcs.push(`(func (export "${name}") (param $x i32) (result i32)
        (i32.and (${op} (local.get $x) (i32.const ${k})) (i32.const ${m})))`);
    });
  });
  // the op's result also kept in a local: the op must still write it
  names.push({ name: `${b}_tee`, fused: false });
  funcs.push(`(func (export "${b}_tee") (param $x i32) (result i32) (local $y i32)
    (i32.add (i32.and (local.tee $y (${op} (local.get $x) (i32.const 5))) (i32.const 0x3c))
             (i32.mul (local.get $y) (i32.const 1000))))`);
  // the masked value decides a branch
  names.push({ name: `${b}_br`, fused: true });
  funcs.push(`(func (export "${b}_br") (param $x i32) (result i32)
    (block (br_if 0 (i32.and (${op} (local.get $x) (i32.const 3)) (i32.const 0x30))) (return (i32.const 1)))
    (i32.const 2))`);
}
const wat = `(module ${funcs.join('\n')})`;
const xs = [0, 1, 2, 0x7f, 0x80, 0xff, 0x1234, 0x7fffffff, -1, -0x80000000, 0x5a5a5a5a, -12345];

t.test('masked i32 ops agree with V8', async (t) => {
  const bytes = await watToBytes('mask.wat', wat);
  const r = compareWithV8(t, bytes, names.map((x) => x.name), () => xs.map((x) => [x]));
  t.equal(r.bad, 0, `${r.calls} calls over ${names.length} functions (${ops.length} ops) agree`);
  const ir = dumpIr(bytes);
  let fusedSeen = 0;
  names.forEach(({ name, fused }, i) => {
    if (fused && /\/imm;and\/imm/.test(ir[i])) fusedSeen++;
    else if (fused) t.fail(`${name}: not fused`);
    if (!fused) t.notMatch(ir[i], /\/imm;and\/imm/, `${name}: a kept result is not fused`);
  });
  t.equal(fusedSeen, names.filter((x) => x.fused).length, 'every masked op/imm is one instruction');
});
