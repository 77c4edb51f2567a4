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

// [EnforceRange] unsigned long long through ToBigInt: the AddressValue of
// an i64 memory or table (JS API memory64).  Returned as a Number when it
// is a safe integer (every size the engine can hold is), else Infinity.
function toU64(v, what) {
  if (typeof v === 'number') throw new TypeError(`${what} must be a BigInt for an i64 address`);
  let b;
  try {
    b = BigInt(v);
  } catch {
    throw new TypeError(`${what} must be a BigInt`);
  }
  if (b < 0n || b >= 1n << 64n) throw new TypeError(`${what} must be in the unsigned long long range`);
  return b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : Infinity;
}

// The address type of a descriptor: 'i32' (default) or 'i64'.
function addressType(descriptor, what) {
  const a = descriptor.address;
  if (a === undefined) return 'i32';
  const s = String(a);
  if (s !== 'i32' && s !== 'i64') throw new TypeError(`${what}: 'address' must be 'i32' or 'i64'`);
  return s;
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

module.exports = { toU32, toU64, addressType, isObject, defaultValue };
