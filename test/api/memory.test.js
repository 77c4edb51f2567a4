'use strict';
// Memory: construction, buffer views over the engine's memory, detach on
// grow (from JS, from wasm, seen inside an import), sharing across instances.
const t = require('tap');
const { W, wat, instance } = require('./fixtures/impl.js');

const PAGE = 65536;

t.test('construction and descriptor errors', async (t) => {
  const m = new W.Memory({ initial: 1, maximum: 3 });
  t.ok(m.buffer instanceof ArrayBuffer);
  t.equal(m.buffer.byteLength, PAGE);
  t.equal(m.buffer, m.buffer, 'the same buffer until a grow');
  t.equal(new W.Memory({ initial: 0 }).buffer.byteLength, 0);
  t.equal(Object.prototype.toString.call(m), '[object WebAssembly.Memory]');
  t.throws(() => new W.Memory(), TypeError);
  t.throws(() => new W.Memory({}), TypeError, 'initial is required');
  t.throws(() => new W.Memory({ initial: -1 }), TypeError);
  t.throws(() => new W.Memory({ initial: 2 ** 32 }), TypeError);
  t.throws(() => new W.Memory({ initial: 65537 }), RangeError);
  t.throws(() => new W.Memory({ initial: 2, maximum: 1 }), RangeError);
  t.throws(() => W.Memory({ initial: 1 }), TypeError, 'needs new');
  t.throws(() => W.Memory.prototype.grow.call({}, 1), TypeError);
  t.throws(() => Object.getOwnPropertyDescriptor(W.Memory.prototype, 'buffer').get.call({}), TypeError);
});

t.test('grow from JS detaches the old buffer', async (t) => {
  const m = new W.Memory({ initial: 1, maximum: 3 });
  const before = m.buffer;
  new Uint8Array(before)[100] = 42;
  t.equal(m.grow(1), 1);
  t.equal(before.byteLength, 0, 'old buffer detached');
  t.equal(m.buffer.byteLength, 2 * PAGE);
  t.equal(new Uint8Array(m.buffer)[100], 42, 'contents kept');
  const b2 = m.buffer;
  t.equal(m.grow(0), 2, 'grow(0) works');
  t.equal(b2.byteLength, 0, 'and also refreshes the buffer');
  t.equal(m.grow(1), 2);
  t.throws(() => m.grow(1), RangeError, 'past the maximum');
  t.equal(m.buffer.byteLength, 3 * PAGE, 'a failed grow changes nothing');
  const unbounded = new W.Memory({ initial: 0 });
  t.equal(unbounded.grow(2), 0);
  t.equal(unbounded.buffer.byteLength, 2 * PAGE);
});

const MEMSRC = `(module
  (import "env" "mem" (memory 1))
  (import "env" "seen" (func $seen))
  (func (export "load") (param i32) (result i32) local.get 0 i32.load8_u)
  (func (export "store") (param i32 i32) local.get 0 local.get 1 i32.store8)
  (func (export "grow") (param i32) (result i32) local.get 0 memory.grow)
  (func (export "growAndSee") (param i32) local.get 0 memory.grow drop call $seen)
  (func (export "size") (result i32) memory.size))`;

t.test('JS and wasm share the bytes; grow by wasm detaches', async (t) => {
  const mem = new W.Memory({ initial: 1, maximum: 4 });
  const inside = [];
  let old;
  const ex = await instance(MEMSRC, {
    env: {
      mem,
      seen: () => inside.push([old.byteLength, mem.buffer.byteLength]),
    },
  });
  new Uint8Array(mem.buffer)[7] = 99;
  t.equal(ex.load(7), 99, 'wasm reads what JS wrote');
  ex.store(8, 123);
  t.equal(new Uint8Array(mem.buffer)[8], 123, 'JS reads what wasm wrote');
  const before = mem.buffer;
  t.equal(ex.grow(1), 1);
  t.equal(before.byteLength, 0, 'a grow inside wasm detaches the old buffer');
  t.equal(mem.buffer.byteLength, 2 * PAGE);
  t.equal(ex.size(), 2);
  old = mem.buffer;
  ex.growAndSee(1);
  t.same(inside, [[0, 3 * PAGE]], 'an import called after a grow already sees it');
  t.equal(ex.grow(5), -1, 'failed grow in wasm is -1');
  t.equal(mem.buffer.byteLength, 3 * PAGE);
  t.equal(ex.load(8), 123);
});

t.test('memory exported by one instance and imported by another', async (t) => {
  const a = await instance(`(module
    (memory (export "mem") 1 2)
    (func (export "load") (param i32) (result i32) local.get 0 i32.load))`);
  const m = new W.Module(await wat(`(module
    (import "a" "mem" (memory 1))
    (export "mem" (memory 0))
    (func (export "store") (param i32 i32) local.get 0 local.get 1 i32.store)
    (func (export "grow") (result i32) i32.const 1 memory.grow))`));
  const b = new W.Instance(m, { a: { mem: a.mem } }).exports;
  t.ok(a.mem instanceof W.Memory);
  t.equal(b.mem, a.mem, 'a re-exported memory is the same object');
  b.store(16, 0x12345678);
  t.equal(a.load(16), 0x12345678);
  t.equal(new DataView(a.mem.buffer).getUint32(16, true), 0x12345678);
  const buf = a.mem.buffer;
  t.equal(b.grow(), 1);
  t.equal(buf.byteLength, 0, 'growing through B detaches the buffer A handed out');
  t.equal(a.mem.buffer.byteLength, 2 * PAGE);
  t.equal(b.grow(), -1, 'A declared a maximum of 2');
});

t.test('a JS-made memory re-exported keeps its identity', async (t) => {
  const mem = new W.Memory({ initial: 1 });
  const ex = await instance('(module (import "e" "m" (memory 1)) (export "m" (memory 0)))', { e: { m: mem } });
  t.equal(ex.m, mem);
});

t.test('a buffer stays usable after its Memory object is gone', async (t) => {
  let buf;
  {
    const m = new W.Memory({ initial: 1 });
    buf = m.buffer;
  }
  if (global.gc) global.gc();
  const u8 = new Uint8Array(buf);
  u8[PAGE - 1] = 5;
  t.equal(u8[PAGE - 1], 5);
});
