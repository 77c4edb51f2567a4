'use strict';
// WebAssembly.Memory (JS API 2.0 §"Memories").  `buffer` is an ArrayBuffer
// over the engine's own memory; a grow from JS or wasm detaches it and the
// next `buffer` read returns a new one of the new size.
const native = require('./binding');
const { addDispose } = require('./dispose');
const { guard } = require('../uncloneable');
const { toU32, toU64, addressType, isObject } = require('./convert');
const { enumerable } = require('./webidl');

const MAX_PAGES = 65536;
const MAX_PAGES64 = 2 ** 48; // memory64: what may be declared (the engine holds 4 GiB)

class Memory {
  constructor(descriptor) {
    if (!isObject(descriptor)) {
      throw new TypeError('WebAssembly.Memory(): Argument 0 must be a memory descriptor');
    }
    // A WebIDL dictionary: each member read and converted before the next,
    // in the members' alphabetical order (address, initial, maximum,
    // minimum, shared).
    const address = addressType(descriptor, 'WebAssembly.Memory()');
    const conv = address === 'i64' ? toU64 : toU32;
    const bound = address === 'i64' ? MAX_PAGES64 : MAX_PAGES;
    let initial = descriptor.initial;
    if (initial !== undefined) initial = conv(initial, "WebAssembly.Memory(): Property 'initial'");
    const maximum = descriptor.maximum;
    const max = maximum === undefined
      ? undefined : conv(maximum, "WebAssembly.Memory(): Property 'maximum'");
    if (initial === undefined) { // type reflection spelling
      const minimum = descriptor.minimum;
      if (minimum !== undefined) initial = conv(minimum, "WebAssembly.Memory(): Property 'minimum'");
    }
    const shared = descriptor.shared;
    if (initial === undefined) {
      throw new TypeError("WebAssembly.Memory(): Property 'initial' is required");
    }
    if (shared) throw new TypeError('WebAssembly.Memory(): shared memories are not supported');
    if (initial > bound) {
      throw new RangeError(`WebAssembly.Memory(): Property 'initial': value ${initial} is above the upper bound ${bound}`);
    }
    if (max !== undefined) {
      if (max > bound) {
        throw new RangeError(`WebAssembly.Memory(): Property 'maximum': value ${max} is above the upper bound ${bound}`);
      }
      if (max < initial) {
        throw new RangeError("WebAssembly.Memory(): Property 'maximum' is below 'initial'");
      }
    }
    native.memoryNew(this, initial, max, address === 'i64');
    guard(this, 'Memory');
  }

  get buffer() {
    return native.memoryBuffer(this);
  }

  // An i64 memory takes and returns BigInt page counts (memory64).
  grow(delta) {
    if (native.memoryType(this).address === 'i64') {
      const d = toU64(delta, 'WebAssembly.Memory.grow(): Argument 0');
      if (d > MAX_PAGES64) throw new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded');
      return BigInt(native.memoryGrow(this, d));
    }
    return native.memoryGrow(this, toU32(delta, 'WebAssembly.Memory.grow(): Argument 0'));
  }

  // Type reflection (JS API proposal): {minimum, maximum?, address}.
  type() {
    return native.memoryType(this);
  }
}

enumerable(Memory.prototype, ['grow', 'buffer']);

// dispose(): see lib/api/dispose.js.
addDispose(Memory);

Object.defineProperty(Memory.prototype, Symbol.toStringTag, {
  value: 'WebAssembly.Memory', configurable: true,
});

module.exports = { Memory };
