'use strict';
// WebAssembly.Exception (JS API for exception handling, as V8 has it): a
// wasm exception as JS sees it.  One thrown by wasm that nothing caught
// reaches JS as one of these (the same object each time it comes out);
// one made here and thrown by a JS import goes through wasm, where
// `catch $tag` catches it.  WebAssembly.JSTag is the tag of the other JS
// exceptions passing through wasm (its one externref parameter is the
// thrown value).
const native = require('./binding');
const { guard } = require('../uncloneable');
const { isObject } = require('./convert');
const { enumerable, requiredArgs } = require('./webidl');
const { Tag } = require('./tag');

class Exception {
  constructor(tag, payload, options) {
    if (!(tag instanceof Tag)) throw new TypeError('WebAssembly.Exception(): Argument 0 must be a WebAssembly tag');
    if (tag === jsTag()) throw new TypeError('WebAssembly.Exception(): Argument 0 cannot be WebAssembly.JSTag');
    if (!isObject(payload) || typeof payload[Symbol.iterator] !== 'function') {
      throw new TypeError('WebAssembly.Exception(): Argument 1 must be an iterable object');
    }
    native.exnNew(this, tag, [...payload]);
    if (isObject(options) && options.traceStack) {
      // V8: a `stack` string captured where the Exception was made.
      const holder = {};
      Error.captureStackTrace(holder, Exception);
      Object.defineProperty(this, 'stack', { value: holder.stack, writable: true, configurable: true });
    }
    guard(this, 'Exception');
  }

  is(tag) {
    return native.exnIs(this, tag);
  }

  getArg(tag, index) {
    if (arguments.length < 2) throw new TypeError('WebAssembly.Exception.getArg(): Argument 1 is required');
    if (!(tag instanceof Tag)) throw new TypeError('WebAssembly.Exception.getArg(): Argument 0 must be a WebAssembly tag');
    const i = Number(index);
    if (!Number.isInteger(i) || i < 0) throw new RangeError('WebAssembly.Exception.getArg(): Index out of range');
    return native.exnGetArg(this, tag, i);
  }
}

enumerable(Exception.prototype, ['is', 'getArg']);
requiredArgs(Exception, 2); // (tag, payload[, options]), as the JS API's IDL says

Object.defineProperty(Exception.prototype, Symbol.toStringTag, {
  value: 'WebAssembly.Exception', configurable: true,
});

let theJsTag = null;
function jsTag() {
  if (!theJsTag) theJsTag = native.jsTag();
  return theJsTag;
}

module.exports = { Exception, jsTag };
