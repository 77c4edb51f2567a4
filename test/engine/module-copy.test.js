'use strict';
// new Module(bytes) copies the bytes while it validates them in place
// (src/engine/compile_par.c, module.c): everything the module keeps that
// points into them (import and export names, custom sections, data
// segments, function bodies translated later, constant expressions) must
// point into its copy.  Each case compiles, then zeroes the caller's
// bytes, then uses every one of those; on 1 thread, on 2, and with the
// thread count left to the engine (each is a child process:
// WASIHOST_COMPILE_THREADS is read when the addon loads).  A view of a
// SharedArrayBuffer (which another thread could change meanwhile) is
// copied first; it must work the same.
const t = require('tap');
const path = require('path');
const { spawnSync } = require('child_process');

const CHILD = `
const w = require(${JSON.stringify(path.join(__dirname, '..', '..'))});
const wabt = require('wabt');
const uleb = (n) => { const o = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; o.push(b); } while (n); return o; };
(async () => {
  const W = await wabt();
  // enough functions that their bodies pass the size threshold for threads
  const N = 3000;
  const funcs = [];
  for (let i = 0; i < N; i++) {
    let body = '(i32.const ' + i + ')';
    for (let k = 0; k < 20; k++) body = '(i32.add ' + body + ' (i32.const ' + (k + 1) + '))';
    funcs.push('(func $f' + i + ' (export "f' + i + '") (result i32) ' + body + ')');
  }
  const wat = \`(module
    (import "env" "add1" (func $add1 (param i32) (result i32)))
    (import "env" "base" (global $base i32))
    (memory (export "mem") 1)
    (table $t 4 funcref)
    (global $g i32 (i32.add (global.get $base) (i32.mul (i32.const 6) (i32.const 7))))
    (data (i32.add (i32.const 16) (i32.const 0)) "active-data")
    (data $p "passive-data")
    (elem (table $t) (i32.add (i32.const 1) (i32.const 0)) funcref
      (item (ref.func $f7)) (item (ref.func $f9)))
    (func (export "g") (result i32) (global.get $g))
    (func (export "init") (memory.init $p (i32.const 64) (i32.const 0) (i32.const 12)))
    (func (export "callt") (param i32) (result i32) (call_indirect (result i32) (local.get 0)))
    (func (export "imp") (param i32) (result i32) (call $add1 (local.get 0)))
    \${funcs.join('\\n')})\`;
  const m = W.parseWat('copy.wat', wat, { extended_const: true, bulk_memory: true, reference_types: true });
  const bin = Buffer.from(m.toBinary({}).buffer);
  m.destroy();
  const name = Buffer.from('wasihost.copy-test');
  const payload = Buffer.from('custom payload bytes');
  const custom = Buffer.from([0, ...uleb(name.length + 1 + payload.length), name.length, ...name, ...payload]);
  const full = Buffer.concat([bin, custom]);
  const out = {};
  for (const kind of ['buffer', 'shared']) {
    let bytes;
    if (kind === 'shared') {
      bytes = new Uint8Array(new SharedArrayBuffer(full.length));
      bytes.set(full);
    } else {
      bytes = Buffer.from(full);
    }
    const mod = new w.Module(bytes);
    bytes.fill(0);
    const imports = w.Module.imports(mod).map((i) => i.module + '.' + i.name + ':' + i.kind).join(',');
    const ex = w.Module.exports(mod);
    const exports = [ex.length, ...ex.slice(0, 6).map((x) => x.name + ':' + x.kind)].join(',');
    const cs = w.Module.customSections(mod, 'wasihost.copy-test').map((b) => Buffer.from(b).toString());
    const inst = new w.Instance(mod, { env: { add1: (x) => x + 1, base: 100 } });
    const e = inst.exports;
    const mem = Buffer.from(e.mem.buffer);
    e.init();
    let sum = 0;
    for (let i = 0; i < N; i += 97) sum += e['f' + i]();
    out[kind] = {
      imports, exports, cs,
      g: e.g(),
      active: mem.subarray(16, 27).toString(),
      passive: mem.subarray(64, 76).toString(),
      table: [e.callt(1), e.callt(2)],
      imp: e.imp(41),
      last: e['f' + (N - 1)](),
      sum,
    };
  }
  console.log(JSON.stringify(out));
})().catch((err) => { console.log(JSON.stringify({ error: String(err && err.stack || err) })); });
`;

// What the module computes, worked out here: f_i returns i + (1 + ... + 20).
const N = 3000;
let sum = 0;
for (let i = 0; i < N; i += 97) sum += i + 210;
const want = {
  imports: 'env.add1:function,env.base:global',
  exports: `${N + 5},mem:memory,g:function,init:function,callt:function,imp:function,f0:function`,
  cs: ['custom payload bytes'],
  g: 142,
  active: 'active-data',
  passive: 'passive-data',
  table: [7 + 210, 9 + 210],
  imp: 42,
  last: N - 1 + 210,
  sum,
};

for (const threads of ['1', '2', '']) {
  t.test(`bytes zeroed after compiling, threads=${threads || 'default'}`, (t) => {
    const env = { ...process.env };
    if (threads) env.WASIHOST_COMPILE_THREADS = threads;
    else delete env.WASIHOST_COMPILE_THREADS;
    const r = spawnSync(process.execPath, ['-e', CHILD], { env, encoding: 'utf8', timeout: 120000 });
    t.equal(r.status, 0, `child exits cleanly ${r.stderr}`);
    const got = JSON.parse(r.stdout.trim().split('\n').pop());
    t.notOk(got.error, got.error || 'no error');
    t.same(got.buffer, want, 'a Buffer: the module reads its own copy');
    t.same(got.shared, want, 'a SharedArrayBuffer view: copied first');
    t.end();
  });
}
