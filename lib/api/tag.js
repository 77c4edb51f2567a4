'use strict';
// WebAssembly.Tag (JS API for exception handling, as V8 has it): the
// identity wasm exceptions are matched by, with the types of their payload.
const native = require('./binding');
const { addDispose } = require('./dispose');
const { guard } = require('../uncloneable');
const { isObject } = require('./convert');

class Tag {
  constructor(type) {
    if (!isObject(type)) throw new TypeError('WebAssembly.Tag(): Argument 0 must be a tag type');
    const params = type.parameters;
    if (!isObject(params) || typeof params[Symbol.iterator] !== 'function') {
      throw new TypeError("WebAssembly.Tag(): Argument 0 must be a tag type with 'parameters'");
    }
    native.tagNew(this, [...params].map(String));
    guard(this, 'Tag');
  }

  // Type reflection: {parameters: [...]}.
  type() {
    return native.tagType(this);
  }
}

addDispose(Tag);

Object.defineProperty(Tag.prototype, Symbol.toStringTag, {
  value: 'WebAssembly.Tag', configurable: true,
});

module.exports = { Tag };
