'use strict';
// lib/memory-view.js: the guest-memory helpers host functions use, on V8's
// WebAssembly.Memory and (when the addon loads) on wasihost's own Memory,
// including after memory.grow replaced the buffer.
const t = require('tap');
const { view, install, MemoryView } = require('../../lib/memory-view.js');
const h = require('./harness.js');

function exercise(t, M) {
  const mem = new M({ initial: 1, maximum: 4 });
  const v = view(mem);
  t.ok(v instanceof MemoryView);
  t.equal(v.byteLength, 65536);

  t.equal(v.write(16, 'héllo ✓'), 10, 'write returns the UTF-8 byte count');
  t.equal(v.readString(16, 10), 'héllo ✓');
  t.same([...v.bytes(16, 3)], [0x68, 0xc3, 0xa9]);
  t.equal(v.write(100, new Uint8Array([1, 2, 3, 4]), 2), 2, 'write honours max');
  t.same([...v.copy(100, 4)], [1, 2, 0, 0]);
  t.ok(Buffer.isBuffer(v.copy(100, 4)));
  v.write(200, 'abc\0def');
  t.equal(v.readCString(200), 'abc');
  t.throws(() => v.readCString(200, 2), RangeError, 'no NUL within max');

  v.setUint32(300, 0xdeadbeef);
  t.equal(v.getUint32(300), 0xdeadbeef);
  t.equal(v.getInt32(300), -559038737);
  t.same([...v.bytes(300, 4)], [0xef, 0xbe, 0xad, 0xde], 'little-endian');
  v.setUint64(308, 0x0102030405060708n);
  t.equal(v.getUint64(308), 0x0102030405060708n);
  t.equal(v.getUint8(308), 8);
  v.setUint64(316, -1);
  t.equal(v.getUint64(316), 2n ** 64n - 1n, 'setUint64 wraps negatives');
  t.equal(v.getBigInt64(316), -1n);
  v.setInt64(324, -2n);
  t.equal(v.getBigInt64(324), -2n);
  v.setFloat64(332, Math.PI);
  t.equal(v.getFloat64(332), Math.PI);
  v.setFloat32(340, 0.1);
  t.equal(v.getFloat32(340), Math.fround(0.1));
  v.setUint16(344, 0xbeef);
  t.equal(v.getUint16(344), 0xbeef);

  // Pointers are unsigned: an i32 argument of -4 is 0xfffffffc.
  t.throws(() => v.getUint32(-4), /out of bounds: \[4294967292, 4294967296\)/);
  t.throws(() => v.getUint32(65533), RangeError);
  t.throws(() => v.bytes(65530, 7), RangeError);
  t.equal(v.bytes(65536, 0).length, 0, 'an empty range at the end is fine');
  t.throws(() => v.getUint32(1.5), TypeError);

  // Growing detaches the old buffer; the view follows.
  const old = mem.buffer;
  mem.grow(1);
  t.not(mem.buffer, old);
  t.equal(v.byteLength, 131072);
  v.setUint32(70000, 7);
  t.equal(v.getUint32(70000), 7);
  t.equal(v.getUint32(300), 0xdeadbeef, 'old contents survive the grow');

  // view(instance) finds exports.memory on first use.
  const lazy = view({ exports: { memory: mem } });
  t.equal(lazy.getUint32(70000), 7);
  t.throws(() => view({ exports: {} }).getUint32(0), /exports no memory/);
  t.throws(() => view(null), TypeError);

  // install(): the same methods on the class.
  install(M);
  t.equal(mem.readString(16, 10), 'héllo ✓');
  mem.setUint32(400, 5);
  t.equal(mem.getUint32(400), 5);
}

t.test('on V8 WebAssembly.Memory', async (t) => {
  class M extends WebAssembly.Memory {}
  exercise(t, M);
});

const reason = h.runtime() === 'node' ? 'GO_TEST_RUNTIME=node' : h.wasihostReason();
t.test('on wasihost Memory', { skip: reason }, async (t) => {
  const wh = require('../../lib/index.js');
  class M extends wh.Memory {}
  exercise(t, M);
});
