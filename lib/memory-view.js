'use strict';
// Guest-memory helpers for host functions (go:wasmimport and friends): a
// host function receives pointers and lengths as i32 Numbers and has to
// read and write the guest's linear memory.
//
//   const { view } = require('wasihost');      // or lib/memory-view.js
//   let mem;
//   const imports = { env: { log_message(ptr, len) { console.log(mem.readString(ptr, len)); } } };
//   const instance = new Instance(module, imports);
//   mem = view(instance);                      // or view(instance.exports.memory)
//
// install(Memory) puts the same methods on Memory.prototype, so they work
// directly on an exported memory: `instance.exports.memory.readString(p, n)`.
//
// Pointers are taken as unsigned 32-bit (an i32 argument of -8 is address
// 0xfffffff8).  Every access is bounds-checked against the memory's size at
// the time of the call and throws a RangeError when it does not fit, which a
// wasm caller sees as a trap.  Multi-byte values are little-endian, as in
// wasm.  The buffer is re-read on each call, so a memory.grow in between (which
// detaches the old ArrayBuffer) is harmless; a Uint8Array from bytes() is a
// live view that is only valid until the guest runs again.
const decoder = new TextDecoder('utf-8');
const encoder = new TextEncoder();

function u32(v, what) {
  if (typeof v === 'bigint') v = Number(BigInt.asUintN(32, v));
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`${what} must be an integer`);
  return v >>> 0;
}

// The ArrayBuffer and a DataView over it per memory, rebuilt when the
// memory grew (a grow detaches the old buffer and `buffer` returns a new one).
const cache = new WeakMap();
function state(_self, memory) {
  const buffer = memory.buffer;
  let s = cache.get(memory);
  if (!s || s.buffer !== buffer) {
    s = { buffer, dv: new DataView(buffer) };
    cache.set(memory, s);
  }
  return s;
}

function check(buffer, ptr, len) {
  if (ptr + len > buffer.byteLength) {
    throw new RangeError(`guest memory access out of bounds: [${ptr}, ${ptr + len}) ` +
      `beyond ${buffer.byteLength} bytes`);
  }
}

// The methods, written against `this.memory` (view objects) so they can also
// be installed on a Memory (where memory === this).
const methods = {
  // A live Uint8Array over [ptr, ptr+len) (no copy).
  bytes(ptr, len) {
    const s = state(this, memOf(this));
    ptr = u32(ptr, 'ptr'); len = u32(len, 'len');
    check(s.buffer, ptr, len);
    return new Uint8Array(s.buffer, ptr, len);
  },
  // A copy of [ptr, ptr+len) as a Buffer.
  copy(ptr, len) {
    return Buffer.from(methods.bytes.call(this, ptr, len));
  },
  // UTF-8 text at [ptr, ptr+len) (invalid sequences become U+FFFD).
  readString(ptr, len) {
    return decoder.decode(methods.bytes.call(this, ptr, len));
  },
  // NUL-terminated UTF-8 at ptr, at most max bytes (default: to the end).
  readCString(ptr, max) {
    const s = state(this, memOf(this));
    ptr = u32(ptr, 'ptr');
    const end = max === undefined ? s.buffer.byteLength : Math.min(s.buffer.byteLength, ptr + u32(max, 'max'));
    check(s.buffer, ptr, 0);
    const all = new Uint8Array(s.buffer, ptr, end - ptr);
    const nul = all.indexOf(0);
    if (nul < 0) throw new RangeError(`no NUL terminator within ${end - ptr} bytes of ${ptr}`);
    return decoder.decode(all.subarray(0, nul));
  },
  // Copies a string (as UTF-8) or bytes to ptr; returns the byte count.
  // With max, writes at most max bytes (a string is cut at a byte boundary
  // that may split a character; pass bytes to control that).
  write(ptr, data, max) {
    const src = typeof data === 'string' ? encoder.encode(data) : toBytes(data);
    const n = max === undefined ? src.length : Math.min(src.length, u32(max, 'max'));
    methods.bytes.call(this, ptr, n).set(n === src.length ? src : src.subarray(0, n));
    return n;
  },
  getUint8(ptr) { return at(this, ptr, 1).dv.getUint8(u32(ptr)); },
  setUint8(ptr, v) { at(this, ptr, 1).dv.setUint8(u32(ptr), v); },
  getUint16(ptr) { return at(this, ptr, 2).dv.getUint16(u32(ptr), true); },
  setUint16(ptr, v) { at(this, ptr, 2).dv.setUint16(u32(ptr), v, true); },
  getInt32(ptr) { return at(this, ptr, 4).dv.getInt32(u32(ptr), true); },
  getUint32(ptr) { return at(this, ptr, 4).dv.getUint32(u32(ptr), true); },
  setInt32(ptr, v) { at(this, ptr, 4).dv.setInt32(u32(ptr), v, true); },
  setUint32(ptr, v) { at(this, ptr, 4).dv.setUint32(u32(ptr), v >>> 0, true); },
  getBigInt64(ptr) { return at(this, ptr, 8).dv.getBigInt64(u32(ptr), true); },
  getUint64(ptr) { return at(this, ptr, 8).dv.getBigUint64(u32(ptr), true); },
  setUint64(ptr, v) { at(this, ptr, 8).dv.setBigUint64(u32(ptr), BigInt.asUintN(64, BigInt(v)), true); },
  setInt64(ptr, v) { at(this, ptr, 8).dv.setBigInt64(u32(ptr), BigInt.asIntN(64, BigInt(v)), true); },
  getFloat32(ptr) { return at(this, ptr, 4).dv.getFloat32(u32(ptr), true); },
  setFloat32(ptr, v) { at(this, ptr, 4).dv.setFloat32(u32(ptr), v, true); },
  getFloat64(ptr) { return at(this, ptr, 8).dv.getFloat64(u32(ptr), true); },
  setFloat64(ptr, v) { at(this, ptr, 8).dv.setFloat64(u32(ptr), v, true); },
};

function toBytes(data) {
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  throw new TypeError('data must be a string, an ArrayBuffer or a typed array');
}

function at(self, ptr, size) {
  const s = state(self, memOf(self));
  check(s.buffer, u32(ptr, 'ptr'), size);
  return s;
}

// A view's memory, resolved lazily so view(instance) can be made before the
// exports are looked at; a Memory with the methods installed is its own.
function memOf(self) {
  if (self instanceof MemoryView) {
    if (!self.memory) {
      const t = self.target;
      const m = t && t.exports ? t.exports.memory : undefined;
      if (!m || typeof m !== 'object' || !('buffer' in m)) {
        throw new TypeError('view(): the instance exports no memory named "memory"');
      }
      self.memory = m;
    }
    return self.memory;
  }
  return self;
}

class MemoryView {
  constructor(target) {
    this.target = target;
    this.memory = target && !target.exports && 'buffer' in target ? target : undefined;
  }

  get buffer() { return memOf(this).buffer; }
  get byteLength() { return memOf(this).buffer.byteLength; }
}
for (const [name, fn] of Object.entries(methods)) {
  Object.defineProperty(MemoryView.prototype, name, { value: fn, writable: true, configurable: true });
}

// view(instance | memory): the helpers over an instance's exported "memory"
// (looked up on first use) or over a given Memory / WebAssembly.Memory.
function view(target) {
  if (!target || (typeof target !== 'object' && typeof target !== 'function')) {
    throw new TypeError('view(): expected an Instance or a Memory');
  }
  return new MemoryView(target);
}

// Adds the methods to a Memory class's prototype (non-enumerable, like
// built-in methods); existing properties of the same name are kept.
function install(MemoryClass) {
  const proto = MemoryClass.prototype;
  for (const [name, fn] of Object.entries(methods)) {
    if (Object.prototype.hasOwnProperty.call(proto, name)) continue;
    Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true });
  }
  return MemoryClass;
}

module.exports = { view, install, MemoryView };
