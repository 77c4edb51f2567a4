'use strict';
// memory64 and table64 (3.0): i64 addresses, exact bounds checks (an
// address or address + offset of 2^32 or more traps: the engine holds at
// most 4 GiB, see src/engine/tr_addr64.c), memory.size/grow in i64, and the
// JS API's `address: 'i64'` (BigInt sizes and indexes).  No differential
// test: Node 20's V8 has memory64 only behind --experimental-wasm-memory64
// (its encoding of that time) and no table64.
const t = require('tap');
const wabt = require('wabt');
const wasihost = require('../..');

const wat = `(module
  (memory (export "mem") i64 1 4)
  (table $t i64 3 funcref)
  (elem (table $t) (i64.const 1) func $seven)
  (data (i64.const 8) "\\2a")
  (func $seven (result i32) (i32.const 7))
  (func (export "load") (param i64) (result i32) (i32.load8_u (local.get 0)))
  (func (export "load_off") (param i64) (result i32) (i32.load8_u offset=65535 (local.get 0)))
  (func (export "load_far") (param i64) (result i32) (i32.load8_u offset=4294967296 (local.get 0)))
  (func (export "store") (param i64 i32) (i64.store (local.get 0) (i64.extend_i32_u (local.get 1))))
  (func (export "size") (result i64) (memory.size))
  (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
  (func (export "fill") (param i64 i32 i64) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy") (param i64 i64 i64) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
  (func (export "call") (param i64) (result i32) (call_indirect $t (result i32) (local.get 0)))
  (func (export "tsize") (result i64) (table.size $t))
  (func (export "tgrow") (param i64) (result i64) (table.grow $t (ref.null func) (local.get 0))))`;

async function build(text) {
  const w = await wabt();
  return Buffer.from(w.parseWat('m.wat', text, { memory64: true }).toBinary({}).buffer);
}

t.test('i64 addresses', async (t) => {
  const e = new wasihost.Instance(new wasihost.Module(await build(wat))).exports;
  t.equal(e.load(8n), 42, 'data segment at an i64 offset');
  t.equal(e.load(65535n), 0, 'last byte');
  const oob = { name: 'RuntimeError', message: /out of bounds memory access/ };
  t.throws(() => e.load(65536n), oob, 'one past the end');
  t.throws(() => e.load(1n << 32n), oob, '2^32');
  t.throws(() => e.load(-1n), oob, '2^64 - 1');
  t.equal(e.load_off(0n), 0, 'offset to the last byte');
  t.throws(() => e.load_off(1n), oob, 'offset one past');
  t.throws(() => e.load_off(-65535n), oob, 'address + offset wraps past 2^64');
  t.throws(() => e.load_far(0n), oob, 'a static offset of 2^32');
  e.store(100n, 0x1234);
  t.equal(e.load(100n), 0x34);
  t.throws(() => e.store(65529n, 1), oob, 'an 8-byte store straddling the end');
  t.equal(e.size(), 1n, 'memory.size is i64');
  t.equal(e.grow(1n), 1n);
  t.equal(e.grow(1n << 40n), -1n, 'a delta beyond 2^32 fails with -1');
  t.equal(e.grow(5n), -1n, 'beyond the maximum');
  t.equal(e.size(), 2n);
  t.equal(e.mem.buffer.byteLength, 2 * 65536);
  e.fill(200n, 9, 3n);
  t.equal(e.load(202n), 9, 'memory.fill');
  t.throws(() => e.fill(0n, 1, 1n << 33n), oob, 'memory.fill of 2^33 bytes');
  e.copy(300n, 200n, 3n);
  t.equal(e.load(301n), 9, 'memory.copy');
  t.throws(() => e.copy(1n << 32n, 0n, 0n), oob, 'memory.copy to 2^32, length 0');
});

t.test('i64 table indexes', async (t) => {
  const e = new wasihost.Instance(new wasihost.Module(await build(wat))).exports;
  t.equal(e.call(1n), 7);
  t.throws(() => e.call(0n), { name: 'RuntimeError', message: /uninitialized element/ });
  t.throws(() => e.call(1n << 32n), { name: 'RuntimeError', message: /undefined element/ }, 'index 2^32');
  t.equal(e.tsize(), 3n);
  t.equal(e.tgrow(2n), 3n);
  t.equal(e.tgrow(1n << 40n), -1n, 'a delta beyond 2^32 fails with -1');
  t.equal(e.tsize(), 5n);
});

t.test("JS API: address 'i64'", async (t) => {
  const m = new wasihost.Memory({ address: 'i64', initial: 1n, maximum: 3n });
  t.same(m.type(), { minimum: 1, maximum: 3, address: 'i64' });
  t.equal(m.grow(1n), 1n, 'grow takes and returns BigInt');
  t.throws(() => m.grow(5n), RangeError);
  t.throws(() => new wasihost.Memory({ address: 'i64', initial: 1 }), TypeError, 'a Number for an i64 size');
  t.throws(() => new wasihost.Memory({ address: 'i64', initial: -1n }), TypeError);
  t.throws(() => new wasihost.Memory({ address: 'i64', initial: 10n, maximum: 9n }), RangeError);
  t.throws(() => new wasihost.Memory({ address: 'i128', initial: 1 }), TypeError);
  t.same(new wasihost.Memory({ initial: 1 }).type(), { minimum: 1 }, 'an i32 memory keeps its shape');
  // an i64 memory imports where an i64 one is declared, not an i32 one
  const imp64 = await build('(module (import "m" "mem" (memory i64 1)) (func (export "ld") (param i64) (result i32) (i32.load8_u (local.get 0))))');
  const imp32 = await build('(module (import "m" "mem" (memory 1)))');
  new Uint8Array(m.buffer)[5] = 77;
  t.equal(new wasihost.Instance(new wasihost.Module(imp64), { m: { mem: m } }).exports.ld(5n), 77);
  t.throws(() => new wasihost.Instance(new wasihost.Module(imp32), { m: { mem: m } }), { name: 'LinkError' });
  t.throws(() => new wasihost.Instance(new wasihost.Module(imp64), { m: { mem: new wasihost.Memory({ initial: 1 }) } }),
    { name: 'LinkError' });

  const tab = new wasihost.Table({ element: 'anyfunc', address: 'i64', initial: 2n });
  t.equal(tab.length, 2n);
  t.equal(tab.get(1n), null);
  t.equal(tab.grow(1n), 2n);
  t.equal(tab.length, 3n);
  t.throws(() => tab.get(1), TypeError, 'a Number index for an i64 table');
  t.throws(() => tab.get(1n << 40n), RangeError);
  t.equal(new wasihost.Table({ element: 'anyfunc', initial: 1 }).length, 1, 'an i32 table keeps Numbers');
});
