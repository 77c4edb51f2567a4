'use strict';
// An i32 zero-extended to i64 plus an i64 constant (Go's address
// arithmetic: `i64.extend_i32_u; i64.const K; i64.add`) is one
// instruction, I64_ADD_ZX_I; wrapped back to i32 as an address, the access
// adds the constant itself (no instruction left before it).  Constants
// that carry past 32 bits or wrap, negative ones, the sum into a local or
// returned, addresses up to and past the memory's end; not fused: an
// extend kept by local.tee, a sign extension.  V8 must agree.
const t = require('tap');
const { watToBytes, compareWithV8 } = require('./v8-diff.js');
const { dumpIr, checkWants } = require('./ir-dump.js');

const F = [];
const add = (name, res, body, want) => F.push({ name, res, body, want });
const zx = '(i64.extend_i32_u (local.get $p))';
const ks = [['0', '0'], ['1', '1'], ['84', '84'], ['m1', '-1'], ['m8', '-8'], ['2p32', '0x100000000'],
  ['big', '0x7fffffffffffffff'], ['min', '-0x8000000000000000'], ['ffff', '0xffffffff']];
for (const [kn, k] of ks) {
  add(`ret_${kn}`, 'i64', `(i64.add ${zx} (i64.const ${k}))`, 'I64_ADD_ZX_I');
  add(`set_${kn}`, 'i64', `(local $s i64) (local.set $s (i64.add ${zx} (i64.const ${k}))) (i64.mul (local.get $s) (i64.const 3))`, 'I64_ADD_ZX_I');
  // the sum as an address: the access holds it all
  add(`load_${kn}`, 'i64', `(i64.load8_u (i32.wrap_i64 (i64.add ${zx} (i64.const ${k}))))`, '!I64_ADD_ZX_I');
  add(`store_${kn}`, 'i64', `(i64.store offset=4 (i32.wrap_i64 (i64.add ${zx} (i64.const ${k}))) (i64.const 0x0102030405060708))
    (i64.load (i32.const 0))`, '!I64_ADD_ZX_I');
}
add('tee', 'i64', `(local $e i64) (i64.add (i64.add (local.tee $e ${zx}) (i64.const 5)) (local.get $e))`, '!I64_ADD_ZX_I');
add('sx', 'i64', `(i64.add (i64.extend_i32_s (local.get $p)) (i64.const 5))`, '!I64_ADD_ZX_I');

const funcs = F.map((f) => `(func (export "${f.name}") (param $p i32) (result ${f.res}) ${f.body})`);
const wat = `(module (memory (export "mem") 1) ${funcs.join('\n')})`;
const ps = [0, 1, 7, 8, 100, 0x7fffffff, -0x80000000, 65451, 65452, 65527, 65528, 65529, 65535, 65536, 65540, -1, -4, -8, -84, -85];

function fill({ mem }) {
  const m = new Uint8Array(mem.buffer);
  for (let i = 0; i < 65536; i++) m[i] = (i * 31 + 7) & 0xff;
}

t.test('zero-extend and add a constant agrees with V8', async (t) => {
  const bytes = await watToBytes('add-zx.wat', wat);
  const r = compareWithV8(t, bytes, F.map((f) => f.name), () => ps.map((p) => [p]), fill);
  t.equal(r.bad, 0, `${r.calls} calls over ${F.length} functions agree`);
  t.ok(r.v8.out.includes('trap'), 'some addresses are out of bounds');
  const ir = dumpIr(bytes);
  checkWants(t, ir, F);
  F.forEach((f, i) => {
    if (/^(load|store)_/.test(f.name)) t.notMatch(ir[i], /i64\.extend_i32_u|i64\.add/, `${f.name}: the access holds the address`);
  });
});
