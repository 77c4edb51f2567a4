'use strict';
// WebAssembly.Table (JS API 2.0 §"Tables").
const native = require('./binding');
const { addDispose } = require('./dispose');
const { guard } = require('../uncloneable');
const { toU32, toU64, addressType, isObject, defaultValue } = require('./convert');
const { enumerable, requiredArgs } = require('./webidl');

const MAX_TABLE = 10000000;
const ELEMENTS = new Set(['anyfunc', 'funcref', 'externref']);

function is64(table) {
  return native.tableType(table).address === 'i64';
}

// An index or delta of this table's address type, as a u32 for the engine
// (an i64 one beyond 2^32 - 1 is out of range for every engine table).
function index64(table, v, what) {
  if (!is64(table)) return toU32(v, what);
  const x = toU64(v, what);
  return x > 0xffffffff ? 0xffffffff : x;
}

function elementDefault(table) {
  return defaultValue(native.tableType(table).element);
}

class Table {
  constructor(descriptor, value) {
    if (!isObject(descriptor)) {
      throw new TypeError('WebAssembly.Table(): Argument 0 must be a table descriptor');
    }
    // A WebIDL dictionary: each member read and converted before the next,
    // in the members' alphabetical order (address, element, initial,
    // maximum, minimum).
    const address = addressType(descriptor, 'WebAssembly.Table()');
    const conv = address === 'i64' ? toU64 : toU32;
    const elem = String(descriptor.element);
    if (!ELEMENTS.has(elem)) {
      throw new TypeError("WebAssembly.Table(): Descriptor property 'element' must be a WebAssembly reference type");
    }
    let initial = descriptor.initial;
    if (initial !== undefined) initial = conv(initial, "WebAssembly.Table(): Property 'initial'");
    const maximum = descriptor.maximum;
    let max = maximum === undefined
      ? undefined : conv(maximum, "WebAssembly.Table(): Property 'maximum'");
    if (initial === undefined) { // type reflection spelling
      const minimum = descriptor.minimum;
      if (minimum !== undefined) initial = conv(minimum, "WebAssembly.Table(): Property 'minimum'");
    }
    if (initial === undefined) {
      throw new TypeError("WebAssembly.Table(): Property 'initial' is required");
    }
    if (initial > MAX_TABLE) {
      throw new RangeError(`WebAssembly.Table(): Property 'initial': value ${initial} is above the upper bound ${MAX_TABLE}`);
    }
    if (max !== undefined && max < initial) {
      throw new RangeError("WebAssembly.Table(): Property 'maximum' is below 'initial'");
    }
    const init = value === undefined ? defaultValue(elem) : value;
    // (an i64 table's maximum beyond what an engine table can hold bounds nothing)
    if (max !== undefined && max > 0xffffffff) max = 0xffffffff;
    native.tableNew(this, elem, initial, max, init, address === 'i64');
    guard(this, 'Table');
  }

  // An i64 table (table64) takes and returns BigInt indexes and sizes.
  get length() {
    const n = native.tableLength(this);
    return is64(this) ? BigInt(n) : n;
  }

  get(index) {
    return native.tableGet(this, index64(this, index, 'WebAssembly.Table.get(): Argument 0'));
  }

  // Only a missing value means the default: an explicit undefined is
  // converted (a TypeError for funcref, as in V8; externref's default is
  // undefined anyway).  grow() and the constructor take undefined as
  // missing, as V8 does.
  set(index, value) {
    const i = index64(this, index, 'WebAssembly.Table.set(): Argument 0');
    native.tableSet(this, i, arguments.length < 2 ? elementDefault(this) : value);
  }

  grow(delta, value) {
    const wide = is64(this);
    const d = index64(this, delta, 'WebAssembly.Table.grow(): Argument 0');
    const old = native.tableGrow(this, d, value === undefined ? elementDefault(this) : value);
    return wide ? BigInt(old) : old;
  }

  // Type reflection (JS API proposal): {element, minimum, maximum?}.
  type() {
    return native.tableType(this);
  }
}

enumerable(Table.prototype, ['grow', 'get', 'set', 'length']);
requiredArgs(Table, 1);
requiredArgs(Table.prototype.grow, 1);
requiredArgs(Table.prototype.set, 1);

// dispose(): see lib/api/dispose.js.
addDispose(Table);

Object.defineProperty(Table.prototype, Symbol.toStringTag, {
  value: 'WebAssembly.Table', configurable: true,
});

module.exports = { Table };
