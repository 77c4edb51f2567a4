'use strict';
// WebAssembly.Memory (JS API 2.0 §"Memories").  `buffer` is an ArrayBuffer
// over the engine's own memory; a grow from JS or wasm detaches it and the
// next `buffer` read returns a new one of the new size.
const native = require('./binding');
const { addDispose } = require('./dispose');
const { guard } = require('../uncloneable');
const { toU32, isObject } = require('./convert');

const MAX_PAGES = 65536;

class Memory {
  constructor(descriptor) {
    if (!isObject(descriptor)) {
      throw new TypeError('WebAssembly.Memory(): Argument 0 must be a memory descriptor');
    }
    let initial = descriptor.initial;
    if (initial === undefined) initial = descriptor.minimum; // type reflection spelling
    const maximum = descriptor.maximum;
    const shared = descriptor.shared;
    if (initial === undefined) {
      throw new TypeError("WebAssembly.Memory(): Property 'initial' is required");
    }
    initial = toU32(initial, "WebAssembly.Memory(): Property 'initial'");
    const max = maximum === undefined
      ? undefined : toU32(maximum, "WebAssembly.Memory(): Property 'maximum'");
    if (shared) throw new TypeError('WebAssembly.Memory(): shared memories are not supported');
    if (initial > MAX_PAGES) {
      throw new RangeError(`WebAssembly.Memory(): Property 'initial': value ${initial} is above the upper bound ${MAX_PAGES}`);
    }
    if (max !== undefined) {
      if (max > MAX_PAGES) {
        throw new RangeError(`WebAssembly.Memory(): Property 'maximum': value ${max} is above the upper bound ${MAX_PAGES}`);
      }
      if (max < initial) {
        throw new RangeError("WebAssembly.Memory(): Property 'maximum' is below 'initial'");
      }
    }
    native.memoryNew(this, initial, max);
    guard(this, 'Memory');
  }

  get buffer() {
    return native.memoryBuffer(this);
  }

  grow(delta) {
    return native.memoryGrow(this, toU32(delta, 'WebAssembly.Memory.grow(): Argument 0'));
  }

  // Type reflection (JS API proposal): {minimum, maximum?}.
  type() {
    return native.memoryType(this);
  }
}

// dispose(): see lib/api/dispose.js.
addDispose(Memory);

Object.defineProperty(Memory.prototype, Symbol.toStringTag, {
  value: 'WebAssembly.Memory', configurable: true,
});

module.exports = { Memory };
