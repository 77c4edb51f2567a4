'use strict';
// Structured cloning (postMessage to a Worker, structuredClone) of a
// wasihost object would copy its own enumerable properties, of which it has
// none, and deliver `{}`: the engine object behind it stays in this thread.
// The serializer reads own enumerable properties through their getters, so
// one such getter that throws turns that silent `{}` into a DataCloneError
// that says what to do.  (worker_threads.markAsUncloneable, Node >= 22.10,
// gives the error without the hint, and not on Node 20.)  JSON.stringify and
// object spread read it too and throw the same error.
const KEY = 'wasihost: not cloneable';

const hints = {
  Module: 'pass module.share() to the Worker and call Module.fromShared(handle) there (no recompilation)',
  Instance: 'instances live in one thread: share the Module (module.share()) and instantiate it in the Worker',
  Memory: 'memories live in one thread: copy the bytes you need (memory.copy(ptr, len)) or run the guest in the Worker',
  Table: 'tables live in one thread: instantiate the module in the Worker',
  Global: 'globals live in one thread: send global.value instead',
  WASI: 'create the WASI object in the Worker',
};

// One descriptor (and getter) per kind, shared by every object of that
// kind: a getter made per object would give each object a map of its own
// (V8 keeps accessors in the map), a few hundred bytes of heap per instance
// for the collector to mark.
const descriptors = {};

function descriptorOf(what) {
  let d = descriptors[what];
  if (d === undefined) {
    d = descriptors[what] = {
      enumerable: true,
      configurable: false,
      get() {
        throw new DOMException(`a wasihost ${what} cannot be cloned or serialized: ${hints[what]}`, 'DataCloneError');
      },
    };
  }
  return d;
}

function guard(obj, what) {
  if (obj === null || typeof obj !== 'object' || Object.prototype.hasOwnProperty.call(obj, KEY)) return obj;
  Object.defineProperty(obj, KEY, descriptorOf(what));
  return obj;
}

// The memories, tables and globals among an instance's exports.
function guardExports(exports, kinds) {
  for (const name of Object.keys(exports)) {
    const v = exports[name];
    // functions are never guarded: no need to ask their kind
    const kind = v !== null && typeof v === 'object' && kinds(v);
    if (kind) guard(v, kind);
  }
  return exports;
}

module.exports = { guard, guardExports, KEY };
