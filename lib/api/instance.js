'use strict';
// WebAssembly.Instance (JS API 2.0 §"Instances"), with one extension: a
// third argument of execution limits,
//   new Instance(module, imports, { fuel, maxMemory, maxCallDepth, maxStackSlots })
// fuel: instruction budget (Number or BigInt; then `instance.fuel` reads and
// refills it); maxMemory: cap in bytes on each memory the instance defines;
// maxCallDepth: guest frames; maxStackSlots: value stack in 8-byte slots.
const native = require('./binding');
const { isObject } = require('./convert');

const LIMIT_KEYS = ['fuel', 'maxMemory', 'maxCallDepth', 'maxStackSlots'];

function checkLimits(limits) {
  if (limits === undefined) return undefined;
  if (!isObject(limits)) throw new TypeError('WebAssembly.Instance(): limits must be an object');
  const out = {};
  for (const key of LIMIT_KEYS) {
    const v = limits[key];
    if (v === undefined) continue;
    if (typeof v === 'bigint' ? v < 0n : !(typeof v === 'number' && v >= 0 && Number.isFinite(v))) {
      throw new TypeError(`WebAssembly.Instance(): limits.${key} must be a non-negative number`);
    }
    out[key] = typeof v === 'number' ? Math.trunc(v) : v;
  }
  return out;
}

class Instance {
  #exports;

  constructor(module, importObject, limits) {
    if (native.kindOf(module) !== 'module') {
      throw new TypeError('WebAssembly.Instance(): Argument 0 must be a WebAssembly.Module');
    }
    if (importObject !== undefined && !isObject(importObject)) {
      throw new TypeError('WebAssembly.Instance(): Argument 1 must be an object');
    }
    this.#exports = native.instanceNew(this, module, importObject, checkLimits(limits));
  }

  // A frozen object with a null prototype, one property per export.
  get exports() {
    return this.#exports;
  }

  // wasihost extension: fuel left (undefined unless created with limits.fuel).
  get fuel() {
    return native.instanceFuel(this);
  }

  set fuel(v) {
    native.instanceSetFuel(this, v);
  }
}

Object.defineProperty(Instance.prototype, Symbol.toStringTag, {
  value: 'WebAssembly.Instance', configurable: true,
});

module.exports = { Instance };
