'use strict';
// WebIDL conversions used by the descriptors of the JS API.

// [EnforceRange] unsigned long.
function toU32(v, what) {
  const x = +v; // ToNumber: throws a TypeError for BigInt and Symbol
  if (!Number.isFinite(x)) throw new TypeError(`${what} must be a finite number`);
  const t = Math.trunc(x);
  if (t < 0 || t > 0xffffffff) {
    throw new TypeError(`${what} must be in the unsigned long range`);
  }
  return t === 0 ? 0 : t;
}

function isObject(v) {
  return (typeof v === 'object' && v !== null) || typeof v === 'function';
}

// DefaultValue(type) of the JS API: for externref it is undefined (a non-null
// reference), for funcref null.
function defaultValue(type) {
  switch (type) {
    case 'i64': return 0n;
    case 'externref': return undefined;
    case 'anyfunc':
    case 'funcref': return null;
    default: return 0;
  }
}

module.exports = { toU32, isObject, defaultValue };
