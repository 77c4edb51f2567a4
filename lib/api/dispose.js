'use strict';
// Explicit release (wasihost extension): Instance, Module, Memory, Table and
// Global have dispose() (and [Symbol.dispose] where the runtime has it),
// which drops the engine objects now instead of at garbage collection.
// Disposing an Instance disposes the functions, memories, tables and
// globals it defines (not what it imported); the engine frees a store when
// nothing holds it any more, so memory comes back as soon as no other
// live object shares it.  Any later use throws an Error with code
// ERR_WASIHOST_DISPOSED ("... has been disposed"); dispose() again is a
// no-op; disposing during a run throws "instance is busy".
const native = require('./binding');

function checkLive(obj, what) {
  if (native.isDisposed(obj)) {
    const e = new Error(`${what} has been disposed`);
    e.code = 'ERR_WASIHOST_DISPOSED';
    throw e;
  }
}

// Adds dispose() and [Symbol.dispose] to a class whose objects the
// binding wraps.
function addDispose(cls) {
  Object.defineProperty(cls.prototype, 'dispose', {
    value: function dispose() { native.dispose(this); },
    writable: true, enumerable: false, configurable: true,
  });
  if (typeof Symbol.dispose === 'symbol') {
    Object.defineProperty(cls.prototype, Symbol.dispose, {
      value() { this.dispose(); }, writable: true, configurable: true,
    });
  }
}

module.exports = { checkLive, addDispose };
