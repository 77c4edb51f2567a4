'use strict';
// WebAssembly.Module (JS API 2.0 §"Modules").  Compilation is synchronous.
// `new Module(bytes)` copies the bytes, as the JS API requires: the caller
// may change its buffer afterwards and the module must not see it (V8
// copies too).  Module.fromFile(path) reads a file into memory the module
// owns and compiles it there: no second copy for the life of the module.
const native = require('./binding');
const { addDispose } = require('./dispose');
const { guard } = require('../uncloneable');
const { enumerable } = require('./webidl');

class Module {
  constructor(bytes) {
    if (arguments.length < 1) {
      throw new TypeError('WebAssembly.Module(): Argument 0 must be a buffer source');
    }
    native.moduleNew(this, bytes);
    guard(this, 'Module');
  }

  // [{module, name, kind}], kind: 'function' | 'table' | 'memory' | 'global'
  static imports(module) {
    return native.moduleImports(module);
  }

  // [{name, kind}]
  static exports(module) {
    return native.moduleExports(module);
  }

  // Copies of the payloads of the custom sections called `sectionName`.
  static customSections(module, sectionName) {
    if (native.kindOf(module) !== 'module') {
      throw new TypeError('WebAssembly.Module.customSections(): Argument 0 must be a WebAssembly.Module');
    }
    // As V8: undefined counts as missing; WebIDL's ToString refuses a Symbol
    // (String(symbol) would not).
    if (sectionName === undefined) {
      throw new TypeError('WebAssembly.Module.customSections(): Argument 1 is required');
    }
    const name = `${sectionName}`;
    // A name with a lone surrogate equals no section's (names are UTF-8);
    // converted to UTF-8 it would read U+FFFD and could match one.
    if (!name.isWellFormed()) return [];
    return native.moduleCustomSections(module, name);
  }
}

// Module.fromFile(path) (wasihost extension): the same as
// new Module(fs.readFileSync(path)) with one copy of the bytes instead of
// two (the Buffer and the module's own), and no Buffer for the garbage
// collector.  A file that cannot be read throws an Error with its `code`
// ('ENOENT', 'EISDIR', ...).
Module.fromFile = function fromFile(path) {
  if (path instanceof URL) path = require('url').fileURLToPath(path);
  else if (Buffer.isBuffer(path)) path = path.toString();
  if (typeof path !== 'string') {
    throw new TypeError('WebAssembly.Module.fromFile(): the path must be a string, Buffer or file: URL');
  }
  const target = Object.create(Module.prototype);
  native.moduleFromFile(target, path);
  return guard(target, 'Module');
};

// Sharing with Workers (wasihost extension).  A Module cannot be posted to
// a Worker (structured cloning throws a DataCloneError, lib/uncloneable.js);
// share() gives a plain handle that can be, and Module.fromShared(handle)
// in the Worker wraps the same compiled module: no bytes are copied and
// nothing is compiled or validated again.
//   worker.postMessage(module.share());            // main thread
//   const module = Module.fromShared(handle);      // in the Worker
// A handle stays valid while a Module that shared it is alive in some
// thread (not collected and not disposed): keep the Module you share.
const sharedIds = new WeakMap(); // Module -> id, once per Module object
const unshare = new FinalizationRegistry((id) => native.moduleUnshare(id));
const SHARED = 'wasihost.Module';

Module.prototype.share = function share() {
  if (native.kindOf(this) !== 'module') {
    throw new TypeError('WebAssembly.Module.share(): the receiver must be a WebAssembly.Module');
  }
  let id = sharedIds.get(this);
  if (id === undefined) {
    id = native.moduleShare(this);
    sharedIds.set(this, id);
    unshare.register(this, id, this);
  }
  return Object.freeze({ type: SHARED, id });
};

Module.fromShared = function fromShared(handle) {
  if (handle === null || typeof handle !== 'object' || handle.type !== SHARED || typeof handle.id !== 'string') {
    throw new TypeError('WebAssembly.Module.fromShared(): the argument must be the result of module.share()');
  }
  const target = Object.create(Module.prototype);
  const r = native.moduleFromShared(target, handle.id);
  if (r === false) {
    throw new TypeError('WebAssembly.Module.fromShared(): no Module shares this handle any more ' +
      '(the Module that shared it was disposed or garbage-collected)');
  }
  return r === true ? guard(target, 'Module') : r;
};

enumerable(Module, ['exports', 'imports', 'customSections']);

// dispose(): see lib/api/dispose.js.
addDispose(Module);
{
  // Disposing a Module that shared itself ends its share.
  const dispose = Module.prototype.dispose;
  Object.defineProperty(Module.prototype, 'dispose', {
    value: function disposeModule() {
      const id = sharedIds.get(this);
      dispose.call(this);
      if (id !== undefined && native.isDisposed(this)) {
        sharedIds.delete(this);
        unshare.unregister(this);
        native.moduleUnshare(id);
      }
    },
    writable: true, configurable: true, enumerable: false,
  });
}

Object.defineProperty(Module.prototype, Symbol.toStringTag, {
  value: 'WebAssembly.Module', configurable: true,
});

module.exports = { Module };
