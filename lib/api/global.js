'use strict';
// WebAssembly.Global (JS API 2.0 §"Globals").
const native = require('./binding');
const { addDispose } = require('./dispose');
const { guard } = require('../uncloneable');
const { isObject, defaultValue } = require('./convert');
const { enumerable, requiredArgs } = require('./webidl');

const TYPES = new Set(['i32', 'i64', 'f32', 'f64', 'externref', 'anyfunc', 'funcref']);

class Global {
  constructor(descriptor, v) {
    if (!isObject(descriptor)) {
      throw new TypeError('WebAssembly.Global(): Argument 0 must be a global descriptor');
    }
    const mutable = Boolean(descriptor.mutable);
    const type = String(descriptor.value);
    if (!TYPES.has(type)) {
      throw new TypeError("WebAssembly.Global(): Descriptor property 'value' must be a WebAssembly type");
    }
    // An explicit undefined counts as missing (as V8 does), so i64 gets 0n.
    native.globalNew(this, type, mutable, v === undefined ? defaultValue(type) : v);
    guard(this, 'Global');
  }

  get value() {
    return native.globalGet(this);
  }

  set value(v) {
    native.globalSet(this, v);
  }

  valueOf() {
    return native.globalGet(this);
  }

  // Type reflection (JS API proposal): {value, mutable}.
  type() {
    return native.globalType(this);
  }
}

enumerable(Global.prototype, ['valueOf', 'value']);
requiredArgs(Global, 1);

// dispose(): see lib/api/dispose.js.
addDispose(Global);

Object.defineProperty(Global.prototype, Symbol.toStringTag, {
  value: 'WebAssembly.Global', configurable: true,
});

module.exports = { Global };
