'use strict';
// WebAssembly.Module (JS API 2.0 §"Modules").  Compilation is synchronous
// and copies the bytes.
const native = require('./binding');
const { addDispose } = require('./dispose');

class Module {
  constructor(bytes) {
    if (arguments.length < 1) {
      throw new TypeError('WebAssembly.Module(): Argument 0 must be a buffer source');
    }
    native.moduleNew(this, bytes);
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
    return native.moduleCustomSections(module, `${sectionName}`);
  }
}

// dispose(): see lib/api/dispose.js.
addDispose(Module);

Object.defineProperty(Module.prototype, Symbol.toStringTag, {
  value: 'WebAssembly.Module', configurable: true,
});

module.exports = { Module };
