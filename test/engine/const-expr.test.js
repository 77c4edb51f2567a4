'use strict';
// Extended constant expressions (3.0): i32/i64 add, sub and mul in global
// initializers and segment offsets, with imported globals; validation
// types the whole sequence.
const t = require('tap');
const wabt = require('wabt');
const wasihost = require('../..');

async function build(wat) {
  const w = await wabt();
  return Buffer.from(w.parseWat('c.wat', wat, { extended_const: true, simd: true }).toBinary({}).buffer);
}

t.test('extended constant expressions evaluate', async (t) => {
  const bytes = await build(`(module
    (import "env" "base" (global $base i32))
    (import "env" "big" (global $big i64))
    (memory (export "mem") 1)
    (global (export "a") i32 (i32.add (global.get $base) (i32.const 16)))
    (global (export "b") i32 (i32.sub (i32.mul (global.get $base) (i32.const 3)) (i32.const 1)))
    (global (export "c") i64 (i64.mul (i64.add (global.get $big) (i64.const 1)) (i64.const 0x100000000)))
    (global (export "d") i32 (i32.mul (i32.const 0x10000) (i32.const 0x10000)))
    (global $v v128 (v128.const i32x4 1 2 3 4))
    (table (export "tab") 10 funcref)
    (elem (offset (i32.add (global.get $base) (i32.const -95))) $f)
    (data (offset (i32.sub (global.get $base) (i32.const 90))) "hi")
    (func $f (result i32) (i32.const 7))
    (func (export "v") (result i32) (i32x4.extract_lane 3 (global.get $v))))`);
  // (Node 20's V8 runs extended constants only behind a flag: the values
  // are worked out here)
  const ours = new wasihost.Instance(new wasihost.Module(bytes), { env: { base: 100, big: 2n ** 62n } }).exports;
  t.equal(ours.a.value, 116, 'base + 16');
  t.equal(ours.b.value, 299, 'base * 3 - 1');
  t.equal(ours.c.value, 2n ** 32n, '(2^62 + 1) * 2^32 wraps to 2^32');
  t.equal(ours.d.value, 0, '2^16 * 2^16 wraps to 0');
  t.equal(ours.tab.get(5)(), 7, 'element offset 100 - 95');
  t.same([...new Uint8Array(ours.mem.buffer, 10, 2)], [104, 105], 'data offset 100 - 90');
  t.equal(ours.v(), 4, 'a v128 global initializer');
});

t.test('3.0: a constant expression reads an immutable global defined before it', async (t) => {
  const bytes = await build(`(module (memory (export "mem") 1)
    (global $a i32 (i32.const 5))
    (global $b (export "b") i32 (i32.mul (global.get $a) (i32.const 3)))
    (global $c (export "c") i32 (global.get $b))
    (data (global.get $c) "x"))`);
  const ex = new wasihost.Instance(new wasihost.Module(bytes), {}).exports;
  t.equal(ex.b.value, 15);
  t.equal(ex.c.value, 15);
  t.equal(new Uint8Array(ex.mem.buffer)[15], 120, 'data at the offset a defined global gave');
});

t.test('extended constant expressions are typed', async (t) => {
  const bad = {
    'type mismatch': '(global i32 (i32.add (i32.const 1) (i64.const 2)))',
    'type mismatch: i32.add': '(global i32 (i32.add (i32.const 1)))',
    'leaves 2 values': '(global i32 (i32.const 1) (i32.const 2))',
    'has type i64, expected i32': '(global i32 (i64.add (i64.const 1) (i64.const 2)))',
    'constant expression required': '(global i32 (i32.add (i32.const 1) (i32.div_s (i32.const 1) (i32.const 1))))',
    'mutable': '(import "e" "g" (global (mut i32))) (global i32 (i32.add (global.get 0) (i32.const 1)))',
    'unknown global 1': '(global i32 (global.get 1)) (global i32 (i32.const 0))',
    'unknown global 0': '(global i32 (i32.add (global.get 0) (i32.const 1)))',
    'global 0 is mutable': '(global (mut i32) (i32.const 0)) (global i32 (global.get 0))',
  };
  for (const [msg, body] of Object.entries(bad)) {
    const bytes = await build(`(module ${body})`);
    t.throws(() => new wasihost.Module(bytes), { name: 'CompileError', message: new RegExp(msg) }, msg);
  }
});
