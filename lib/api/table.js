'use strict';
// WebAssembly.Table (JS API 2.0 §"Tables").
const native = require('./binding');
const { addDispose } = require('./dispose');
const { guard } = require('../uncloneable');
const { toU32, isObject, defaultValue } = require('./convert');

const MAX_TABLE = 10000000;
const ELEMENTS = new Set(['anyfunc', 'funcref', 'externref']);

function elementDefault(table) {
  return defaultValue(native.tableType(table).element);
}

class Table {
  constructor(descriptor, value) {
    if (!isObject(descriptor)) {
      throw new TypeError('WebAssembly.Table(): Argument 0 must be a table descriptor');
    }
    const element = descriptor.element;
    let initial = descriptor.initial;
    if (initial === undefined) initial = descriptor.minimum;
    const maximum = descriptor.maximum;
    const elem = String(element);
    if (!ELEMENTS.has(elem)) {
      throw new TypeError("WebAssembly.Table(): Descriptor property 'element' must be a WebAssembly reference type");
    }
    if (initial === undefined) {
      throw new TypeError("WebAssembly.Table(): Property 'initial' is required");
    }
    initial = toU32(initial, "WebAssembly.Table(): Property 'initial'");
    const max = maximum === undefined
      ? undefined : toU32(maximum, "WebAssembly.Table(): Property 'maximum'");
    if (initial > MAX_TABLE) {
      throw new RangeError(`WebAssembly.Table(): Property 'initial': value ${initial} is above the upper bound ${MAX_TABLE}`);
    }
    if (max !== undefined && max < initial) {
      throw new RangeError("WebAssembly.Table(): Property 'maximum' is below 'initial'");
    }
    const init = value === undefined ? defaultValue(elem) : value;
    native.tableNew(this, elem, initial, max, init);
    guard(this, 'Table');
  }

  get length() {
    return native.tableLength(this);
  }

  get(index) {
    return native.tableGet(this, toU32(index, 'WebAssembly.Table.get(): Argument 0'));
  }

  set(index, value) {
    const i = toU32(index, 'WebAssembly.Table.set(): Argument 0');
    native.tableSet(this, i, value === undefined ? elementDefault(this) : value);
  }

  grow(delta, value) {
    const d = toU32(delta, 'WebAssembly.Table.grow(): Argument 0');
    return native.tableGrow(this, d, value === undefined ? elementDefault(this) : value);
  }

  // Type reflection (JS API proposal): {element, minimum, maximum?}.
  type() {
    return native.tableType(this);
  }
}

// dispose(): see lib/api/dispose.js.
addDispose(Table);

Object.defineProperty(Table.prototype, Symbol.toStringTag, {
  value: 'WebAssembly.Table', configurable: true,
});

module.exports = { Table };
