'use strict';
// The bytes-in/bytes-out plugin call (Instance.callBytes): the ABI most
// plugin guests settle on when they exchange strings or buffers with a
// host (wazero's allocation example, TinyGo and Rust plugin templates,
// Extism-style hosts without Extism's kernel):
//
//   ptr = alloc(len)                 guest export (default 'malloc')
//   host writes the input at [ptr, ptr+len)
//   r = fn(ptr, len)                 -> i64 (outPtr << 32 | outLen)
//                                       or two i32 results [outPtr, outLen]
//   host copies [outPtr, outPtr+outLen)
//   free(ptr, len); free(outPtr, outLen)   (default 'free'; a one-parameter
//                                           free ignores the length)
//
// alloc and free run synchronously on the JS thread (they are short, and
// the caller already owns the instance through its queue); fn runs on a
// guest thread like callAsync, so it may await Promise-returning imports.
// The timeout and signal cover all the steps.
const { runSync, runAsync } = require('./run');

function exportOf(exports, name, kind, what) {
  const v = exports[name];
  const ok = kind === 'function' ? typeof v === 'function'
    : v !== null && typeof v === 'object' && typeof v.copy === 'function';
  if (!ok) {
    throw new TypeError(`WebAssembly.Instance.callBytes(): the plugin has no exported ${kind} '${String(name)}' (${what})`);
  }
  return v;
}

function inputBytes(input) {
  if (typeof input === 'string') return Buffer.from(input, 'utf8');
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  throw new TypeError('WebAssembly.Instance.callBytes(): input must be a string, an ArrayBuffer or a TypedArray/DataView');
}

// { ptr, len } from what fn returned.
function outputSpan(r, name) {
  if (typeof r === 'bigint') {
    const v = BigInt.asUintN(64, r);
    return { ptr: Number(v >> 32n), len: Number(v & 0xffffffffn) };
  }
  if (Array.isArray(r) && r.length === 2 && typeof r[0] === 'number' && typeof r[1] === 'number') {
    return { ptr: r[0] >>> 0, len: r[1] >>> 0 };
  }
  throw new TypeError(`WebAssembly.Instance.callBytes(): '${String(name)}' must return an i64 (ptr << 32 | len) or two i32 results [ptr, len]`);
}

// Checked options, before anything runs.
function bytesOptions(o) {
  if (o === undefined) o = {};
  if (o === null || typeof o !== 'object') {
    throw new TypeError('WebAssembly.Instance.callBytes(): options must be an object');
  }
  const encoding = o.encoding;
  if (encoding !== undefined && encoding !== 'utf8' && encoding !== 'utf-8') {
    throw new TypeError("WebAssembly.Instance.callBytes(): encoding must be 'utf8' or undefined (bytes)");
  }
  return {
    alloc: o.alloc === undefined ? 'malloc' : o.alloc,
    free: o.free === undefined ? 'free' : o.free,
    memory: o.memory === undefined ? 'memory' : o.memory,
    freeResult: o.freeResult === undefined ? true : !!o.freeResult,
    encoding,
  };
}

// remaining(): ms left of the call's timeout, or undefined.
async function callBytes(exports, name, input, o, { remaining, signal, fuel, metered }) {
  const fn = exportOf(exports, name, 'function', 'the plugin function');
  const alloc = exportOf(exports, o.alloc, 'function', 'the allocator: options.alloc');
  const free = o.free === null ? null : exportOf(exports, o.free, 'function', 'options.free, or null');
  const memory = exportOf(exports, o.memory, 'memory', 'options.memory');
  const bytes = inputBytes(input);
  const what = 'WebAssembly.Instance.callBytes()';
  const ptr = runSync(alloc, [bytes.length], { timeout: remaining(), signal }, what);
  if (typeof ptr !== 'number' || (ptr === 0 && bytes.length > 0)) {
    throw new Error(`${what}: '${String(o.alloc)}' returned ${String(ptr)} for ${bytes.length} bytes (out of guest memory?)`);
  }
  let out, failed = true;
  try {
    memory.write(ptr, bytes);
    const r = await runAsync(fn, [ptr, bytes.length], { timeout: remaining(), signal, fuel, metered }, what);
    const span = outputSpan(r, name);
    out = memory.copy(span.ptr, span.len);
    if (free && o.freeResult && span.ptr !== 0 && span.ptr !== (ptr >>> 0)) {
      runSync(free, [span.ptr, span.len], { timeout: remaining(), signal }, what);
    }
    failed = false;
  } finally {
    // After a trap or an interrupt the guest may be unusable (an aborted
    // instance refuses every run): the first error is the one to report.
    if (free) {
      try {
        runSync(free, [ptr, bytes.length], { timeout: remaining(), signal }, what);
      } catch (e) {
        if (!failed) throw e;
      }
    }
  }
  return o.encoding ? out.toString('utf8') : new Uint8Array(out.buffer, out.byteOffset, out.length);
}

module.exports = { callBytes, bytesOptions };
