'use strict';
// Array accesses `base + (i << log2(width))`: the translator folds the
// shift and the add into the access (the /idx*w forms of irops.def).  Every
// load and store of opcodes.def, each shift count (the width's, another,
// one with high bits that wasm masks off), the shift on either side of the
// add, an i64 index wrapped back to i32 (Go), constant and slot values,
// addresses that wrap at 2^32 and ones out of bounds: V8 must agree on
// every result, trap and byte of memory.
const t = require('tap');
const fs = require('fs');
const path = require('path');
const { watToBytes, compareWithV8 } = require('./v8-diff.js');
const { dumpIr } = require('./ir-dump.js');

// The rows of the table itself, so a new access is covered when it is added.
const def = fs.readFileSync(path.join(__dirname, '..', '..', 'src', 'engine', 'opcodes.def'), 'utf8');
const SIZES = { int8_t: 1, uint8_t: 1, int16_t: 2, uint16_t: 2, int32_t: 4, uint32_t: 4, uint64_t: 8 };
const rows = [...def.matchAll(/^WI_(LOAD|STORE)\(\w+,\s*0x\w+,\s*"([\w.]+)",\s*(\w+),\s*(\w+)\)/gm)]
  .map(([, kind, text, ty, mt]) => ({ kind, text, ty: ty.toLowerCase(), width: SIZES[mt] }));

// Floats cross into JS as their bits (V8 and we may differ on NaN payloads).
const asInt = { f32: 'i32.reinterpret_f32', f64: 'i64.reinterpret_f64' };
const intTy = { i32: 'i32', i64: 'i64', f32: 'i32', f64: 'i64' };
const fromInt = { f32: 'f32.reinterpret_i32', f64: 'f64.reinterpret_i64' };

function addressForms(width) {
  const s = Math.log2(width);
  const forms = [];
  for (const k of [s, s + 1, s + 32]) {
    forms.push([`r${k}`, `(i32.add (local.get $p) (i32.shl (local.get $i) (i32.const ${k})))`]);
    forms.push([`l${k}`, `(i32.add (i32.shl (local.get $i) (i32.const ${k})) (local.get $p))`]);
  }
  forms.push(['w', `(i32.wrap_i64 (i64.add (i64.extend_i32_u (local.get $p))
      (i64.shl (i64.extend_i32_u (local.get $i)) (i64.const ${s}))))`]);
  // the shifted index is kept in a local too: the shift must stay
  forms.push(['tee', `(i32.add (local.get $p) (local.tee $j (i32.shl (local.get $i) (i32.const ${s}))))`]);
  return forms;
}

const funcs = [];
const names = [];
for (const r of rows) {
  for (const [tag, addr] of addressForms(r.width)) {
    const base = `${r.text.replace('.', '_')}_${tag}`;
    if (r.kind === 'LOAD') {
      let body = `(${r.text} offset=3 ${addr})`;
      if (asInt[r.ty]) body = `(${asInt[r.ty]} ${body})`;
      names.push({ name: base, kind: 'load', ty: intTy[r.ty] });
      funcs.push(`(func (export "${base}") (param $p i32) (param $i i32) (param $v i64) (result ${intTy[r.ty]})
        (local $j i32) ${body})`);
    } else {
      let v = r.ty === 'i64' || r.ty === 'f64' ? '(local.get $v)' : '(i32.wrap_i64 (local.get $v))';
      if (fromInt[r.ty]) v = `(${fromInt[r.ty]} ${v})`;
      const k = { i32: '(i32.const 0x5a6b7c8d)', i64: '(i64.const 0x1122334455667788)',
        f32: '(f32.const 1.5)', f64: '(f64.const -2.25)' }[r.ty];
      for (const [vt, val] of [['s', v], ['k', k]]) {
        names.push({ name: `${base}_${vt}`, kind: 'store' });
        funcs.push(`(func (export "${base}_${vt}") (param $p i32) (param $i i32) (param $v i64)
          (local $j i32) (${r.text} offset=5 ${addr} ${val}))`);
      }
    }
  }
}
const wat = `(module (memory (export "mem") 1) ${funcs.join('\n')})`;

const args = [[0, 0], [16, 1], [8, 3], [100, 7], [0, 8190], [65000, 60], [0, 0x40000001],
  [0xfffffff0 | 0, 5], [32, -1], [65536 - 8, 0]];

function fill({ mem }) {
  const m = new Uint8Array(mem.buffer);
  for (let i = 0; i < m.length; i++) m[i] = (i * 131 + (i >> 8)) & 0xff;
}

t.test('scaled-index accesses agree with V8', async (t) => {
  const bytes = await watToBytes('xs.wat', wat);
  const r = compareWithV8(t, bytes, names.map((x) => x.name),
    (name, n) => args.map(([p, i]) => [p, i, BigInt(n) * 0x0101010101010101n]), fill);
  t.equal(r.bad, 0, `${r.calls} calls over ${names.length} functions (${rows.length} accesses) agree`);
  t.ok(r.v8.out.includes('trap'), 'some addresses are out of bounds');
  t.ok(r.wh.mem.equals(r.v8.mem), 'memory is the same after every store');

  // the fused forms are really emitted, and not where the shift is kept
  const funcsIr = dumpIr(bytes);
  t.equal(funcsIr.length, names.length, 'every function dumped');
  const byName = (n) => funcsIr[names.findIndex((x) => x.name === n)];
  for (const rw of rows) {
    const s = Math.log2(rw.width);
    const base = rw.text.replace('.', '_');
    const sfx = rw.kind === 'LOAD' ? [''] : ['_s', '_k'];
    for (const v of sfx) {
      for (const tag of [`r${s}`, `l${s}`, `r${s + 32}`, 'w']) {
        t.match(byName(`${base}_${tag}${v}`), /\/idx\*w/, `${base}_${tag}${v} is one scaled access`);
      }
      t.notMatch(byName(`${base}_r${s + 1}${v}`), /\/idx\*w/, `${base}_r${s + 1}${v}: another scale is not folded`);
      t.notMatch(byName(`${base}_tee${v}`), /\/idx\*w/, `${base}_tee${v}: a kept shift is not folded`);
    }
  }
});
