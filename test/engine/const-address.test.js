'use strict';
// A load or store at a constant address (C's globals: `i32.const A;
// i32.load offset=O`) reads no slot for it (the "/abs" forms of
// irops.def).  Every scalar load and store row of opcodes.def, addresses
// and offsets at the memory's end and past 2^32 (no wraparound: the
// effective address has 33 bits), stored values constant or not: V8 must
// agree on every result, trap and byte of memory.
const t = require('tap');
const fs = require('fs');
const path = require('path');
const { watToBytes, compareWithV8 } = require('./v8-diff.js');
const { dumpIr } = require('./ir-dump.js');

const def = fs.readFileSync(path.join(__dirname, '..', '..', 'src', 'engine', 'opcodes.def'), 'utf8');
const loads = [...def.matchAll(/^WI_LOAD\(\w+,\s*0x\w+,\s*"([\w.]+)",\s*(\w+),\s*(\w+)\)/gm)].map((m) => ({ op: m[1], ty: m[2].toLowerCase(), mt: m[3] }));
const stores = [...def.matchAll(/^WI_STORE\(\w+,\s*0x\w+,\s*"([\w.]+)",\s*(\w+),\s*(\w+)\)/gm)].map((m) => ({ op: m[1], ty: m[2].toLowerCase(), mt: m[3] }));

const addrs = [0, 1, 7, 100, 65528, 65532, 65535, 65536, -1, -8];
const offs = [0, 3, 65535];
const funcs = [];
const names = [];
const want = [];
const conv = (ty) => (ty === 'i32' ? '' : ty === 'i64' ? '(i64.extend_i32_u' : ty === 'f32' ? '(f32.convert_i32_s' : '(f64.convert_i32_s');
const close = (ty) => (ty === 'i32' ? '' : ')');
loads.forEach(({ op, ty }, li) => {
  addrs.forEach((a, ai) => offs.forEach((o, oi) => {
    const name = `l${li}_${ai}_${oi}`;
    names.push(name);
    want.push(true);
    // the float results go through their bits so NaNs compare exactly
    const res = ty === 'f32' ? `(i32.reinterpret_f32 (${op} offset=${o} (i32.const ${a})))`
      : ty === 'f64' ? `(i32.wrap_i64 (i64.rotl (i64.reinterpret_f64 (${op} offset=${o} (i32.const ${a}))) (i64.const 17)))`
        : ty === 'i64' ? `(i32.wrap_i64 (i64.rotl (${op} offset=${o} (i32.const ${a})) (i64.const 17)))`
          : `(${op} offset=${o} (i32.const ${a}))`;
    funcs.push(`(func (export "${name}") (param $x i32) (result i32) ${res})`);
  }));
});
stores.forEach(({ op, ty }, si) => {
  addrs.forEach((a, ai) => offs.forEach((o, oi) => {
    for (const imm of [false, true]) {
      const name = `s${si}_${ai}_${oi}_${imm ? 'k' : 'x'}`;
      names.push(name);
      want.push(true);
      const val = imm ? `(${ty}.const ${ty.startsWith('f') ? '-1.5' : '-2'})` : `${conv(ty)} (local.get $x)${close(ty)}`;
      funcs.push(`(func (export "${name}") (param $x i32) (result i32)
        (${op} offset=${o} (i32.const ${a}) ${val}) (i32.load (i32.const 0)))`);
    }
  }));
});
// not the constant form: the address is a local
names.push('local_addr');
want.push(false);
funcs.push(`(func (export "local_addr") (param $x i32) (result i32) (i32.store (local.get $x) (local.get $x)) (i32.load offset=4 (local.get $x)))`);

const wat = `(module (memory (export "mem") 1) ${funcs.join('\n')})`;
const xs = [0, 1, -1, 0x12345678, 65532];
function fill({ mem }) {
  const m = new Uint8Array(mem.buffer);
  for (let i = 0; i < m.length; i++) m[i] = (i * 29 + (i >> 9)) & 0xff;
}

t.test('accesses at constant addresses agree with V8', async (t) => {
  const bytes = await watToBytes('abs.wat', wat);
  const r = compareWithV8(t, bytes, names, () => xs.map((x) => [x]), fill);
  t.equal(r.bad, 0, `${r.calls} calls over ${names.length} functions (${loads.length} loads, ${stores.length} stores) agree`);
  t.ok(r.v8.out.includes('trap'), 'some addresses are out of bounds');
  t.ok(Buffer.compare(r.v8.mem, r.wh.mem) === 0, 'memory is the same after every call');
  const ir = dumpIr(bytes);
  let abs = 0;
  names.forEach((name, i) => {
    if (want[i] && /\/abs/.test(ir[i]) && !/CONST/.test(ir[i])) abs++;
    else if (want[i]) t.fail(`${name}: no /abs form`);
    else t.notMatch(ir[i], /\/abs/, `${name}: a slot address keeps the slot forms`);
  });
  t.equal(abs, want.filter(Boolean).length, 'every constant-address access uses its /abs form');
});
