'use strict';
// require('wasihost'): the WebAssembly JS API (Module, Instance, Memory,
// Table, Global, compile, instantiate, validate, CompileError, LinkError,
// RuntimeError) on wasihost's own engine, plus WASIExit, WASI (lib/wasi.js)
// and `internals`.  Code written for V8's `WebAssembly` switches by changing
// one require.
//
// internals: what the spec-test runner needs beyond the JS API, because JS
// Numbers cannot carry exact NaN bit patterns.
//
//   internals.callRaw(fn, args) -> Array
//     fn: an exported wasm function.  args: one entry per parameter:
//       i32, f32: the 32-bit pattern as a BigInt or a Number (taken modulo
//                 2^32, so -1 and 0xffffffff are the same);
//       i64, f64: the 64-bit pattern as a BigInt (taken modulo 2^64, so
//                 signed and unsigned spellings both work; a Number is
//                 accepted too but cannot hold every pattern);
//       funcref:  null or an exported wasm function;  externref: any JS
//                 value, null being ref.null (as in the JS API).
//     Returns an Array with one entry per result (always an Array, even for
//     0 or 1 results):
//       i32, f32: BigInt, the UNSIGNED 32-bit pattern (0n .. 2n**32n-1n);
//       i64, f64: BigInt, the UNSIGNED 64-bit pattern (0n .. 2n**64n-1n);
//       funcref, externref: JS values as in the JS API (null = ref.null).
//     Traps throw RuntimeError, like a normal call.
//   internals.globalRaw(global) -> the Global's value in the same convention.
//   internals.funcType(fn) -> {params: [...], results: [...]}, each type one
//     of 'i32', 'i64', 'f32', 'f64', 'v128', 'funcref', 'externref'.
const fs = require('fs');
const path = require('path');

const native = require('./api/init');
const errors = require('./errors');
const { Module } = require('./api/module');
const { Instance } = require('./api/instance');
const { Memory } = require('./api/memory');
const { Table } = require('./api/table');
const { Global } = require('./api/global');
const { Tag } = require('./api/tag');
const { Exception, jsTag } = require('./api/exception');
const ns = require('./api/namespace');

const internals = Object.freeze({
  callRaw: (fn, args) => native.callRaw(fn, args),
  globalRaw: (global) => native.globalRaw(global),
  funcType: (fn) => native.funcType(fn),
});

module.exports = {
  Module,
  Instance,
  Memory,
  Table,
  Global,
  Tag,
  Exception,
  JSTag: jsTag(),
  CompileError: errors.CompileError,
  LinkError: errors.LinkError,
  RuntimeError: errors.RuntimeError,
  WASIExit: errors.WASIExit,
  compile: ns.compile,
  instantiate: ns.instantiate,
  validate: ns.validate,
  compileStreaming: ns.compileStreaming,
  instantiateStreaming: ns.instantiateStreaming,
  internals,
  // Embedding extensions (lib/api/run.js): interrupt(instanceOrExport)
  // stops the run in progress ("interrupted"), true when there was one;
  // guestThreads(max?) reads (and sets) the cap on async guest threads:
  // {max, threads, idle, queued, running}.
  interrupt: (target) => native.interrupt(target),
  guestThreads: (max) => native.poolInfo(max),
};

// WASI lives in lib/wasi.js (its own owner); loaded on first use.
if (fs.existsSync(path.join(__dirname, 'wasi.js'))) {
  Object.defineProperty(module.exports, 'WASI', {
    enumerable: true,
    configurable: true,
    get() {
      const m = require('./wasi');
      return m.WASI || m;
    },
  });
}

// Guest-memory helpers for host functions (readString, bytes, getUint32,
// setUint64, ...) on every Memory, and wasihost.view(instance).
const memoryView = require('./memory-view');
memoryView.install(module.exports.Memory);
module.exports.view = memoryView.view;
