'use strict';
// Error classes of the JS API (WebAssembly JS API 2.0 §"Error Objects"),
// plus WASIExit for proc_exit.  They are plain subclasses of Error; they are
// NOT the same classes as the global WebAssembly.CompileError etc.

function defineName(cls, name) {
  Object.defineProperty(cls.prototype, 'name', {
    value: name, writable: true, enumerable: false, configurable: true,
  });
}

// A module failed to decode or validate; the message says where
// ("... (at offset N)").
class CompileError extends Error {}
defineName(CompileError, 'CompileError');

// An import is missing (`unknown import: <module>::<name>`) or has the wrong
// kind or type (`incompatible import type for <module>::<name>: ...`).
class LinkError extends Error {}
defineName(LinkError, 'LinkError');

// The guest trapped; the message is the spec's trap text, e.g.
// "integer divide by zero", "call stack exhausted".
class RuntimeError extends Error {}
defineName(RuntimeError, 'RuntimeError');

// The guest called wasi_snapshot_preview1.proc_exit(code).  The binding
// throws `new WASIExit(code)` out of the wasm call; WASI.start() catches it.
class WASIExit extends Error {
  constructor(code, options) {
    super(`WASI exit with code ${code}`, options);
    this.code = code;
  }
}
defineName(WASIExit, 'WASIExit');

module.exports = { CompileError, LinkError, RuntimeError, WASIExit };
