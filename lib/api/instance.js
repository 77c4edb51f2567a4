'use strict';
// WebAssembly.Instance (JS API 2.0 §"Instances"), with one extension: a
// third argument of execution limits,
//   new Instance(module, imports, {
//     fuel, maxMemory, maxCallDepth, maxStackSlots, timeout, signal })
// fuel: instruction budget (Number or BigInt; then `instance.fuel` reads and
//   refills it); a run that spends it traps RuntimeError "fuel exhausted".
// maxMemory: cap in bytes on each memory the instance defines (a larger
//   initial size fails instantiation with a RangeError; memory.grow beyond
//   it returns -1).  maxCallDepth: guest frames; maxStackSlots: value stack
//   in 8-byte slots (both trap "call stack exhausted").
// timeout: milliseconds per run (each outermost call of an export, sync or
//   async); signal: an AbortSignal.  Both stop the guest with RuntimeError
//   "interrupted" at its next loop back-edge or call, or within about a
//   millisecond of a blocking WASI call.  After the signal aborted, every
//   run fails at once.  The start function is a run too: a timeout or a
//   signal that stops it makes the constructor throw.
//
// profile: true (sampling every millisecond of run time), 'exact' (counts),
//   or { mode: 'sample' | 'exact', interval: microseconds }: then
//   instance.profile() returns what was recorded so far (lib/profile/).
//
// queue: true or a number of calls allowed to wait: async runs of this
//   instance (callAsync, callBytes) are served one at a time in arrival
//   order instead of failing "instance is busy" (lib/api/queue.js).
//
// instance.callAsync(name, args, { timeout, signal, fuel }) runs an export
// on a guest thread of its own and returns a Promise (lib/api/run.js); the
// older callAsync(name, ...args) still works.  A JS import returning a
// Promise suspends such a run until it settles (src/node/napi_async.c).
// instance.callBytes(name, input, options) is the bytes-in/bytes-out plugin
// call (lib/api/plugin.js).  instance.dispose() releases the instance and
// everything it defines now (lib/api/dispose.js).
const native = require('./binding');
const { isObject } = require('./convert');
const { enumerable, requiredArgs } = require('./webidl');
const {
  runAsync, withAbortCause, checkRunSignal, checkTimeout, checkFuel,
} = require('./run');
const { checkLive } = require('./dispose');
const { RunQueue, checkQueue } = require('./queue');
const { callBytes, bytesOptions } = require('./plugin');
const { guard, guardExports } = require('../uncloneable');

const CLONE_KINDS = { memory: 'Memory', table: 'Table', global: 'Global' };
// The exports' memories, tables and globals were made with these prototypes
// (napi_addon.c): looking at the prototype costs no call into the binding,
// which tries the type tags one kind after another.  Anything else (a
// re-exported import whose prototype the user changed) asks the binding.
const { Memory } = require('./memory');
const { Table } = require('./table');
const { Global } = require('./global');
const CLONE_PROTOS = new Map([
  [Memory.prototype, 'Memory'], [Table.prototype, 'Table'], [Global.prototype, 'Global'],
]);
const cloneKind = (v) => CLONE_PROTOS.get(Object.getPrototypeOf(v)) ?? CLONE_KINDS[native.kindOf(v)];

// { mode: 1 sampling | 2 exact, interval µs } or null.
function checkProfile(v) {
  if (v === undefined || v === false) return null;
  if (v === true || v === 'sample') return { mode: 1, interval: 1000 };
  if (v === 'exact') return { mode: 2, interval: 1000 };
  if (isObject(v)) {
    const mode = v.mode === undefined || v.mode === 'sample' ? 1 : v.mode === 'exact' ? 2 : 0;
    const interval = v.interval === undefined ? 1000 : v.interval;
    if (mode && typeof interval === 'number' && interval >= 10 && interval <= 1e7) {
      return { mode, interval: Math.trunc(interval) };
    }
  }
  throw new TypeError("WebAssembly.Instance(): limits.profile must be true, 'exact' or { mode: 'sample' | 'exact', interval: 10..1e7 microseconds }");
}

const LIMIT_KEYS = ['fuel', 'maxMemory', 'maxCallDepth', 'maxStackSlots', 'timeout'];

function checkLimits(limits) {
  if (limits === undefined) return undefined;
  if (!isObject(limits)) throw new TypeError('WebAssembly.Instance(): limits must be an object');
  const out = {};
  for (const key of LIMIT_KEYS) {
    const v = limits[key];
    if (v === undefined) continue;
    if (key === 'timeout') {
      if (typeof v !== 'number' || !(v >= 0)) {
        throw new TypeError('WebAssembly.Instance(): limits.timeout must be a non-negative number of milliseconds');
      }
      out.timeout = v;
      continue;
    }
    if (typeof v === 'bigint' ? v < 0n : !(typeof v === 'number' && v >= 0 && Number.isFinite(v))) {
      throw new TypeError(`WebAssembly.Instance(): limits.${key} must be a non-negative number`);
    }
    out[key] = typeof v === 'number' ? Math.trunc(v) : v;
  }
  return out;
}

// An instance's abort listener must not keep it alive: it holds a WeakRef,
// and is removed when the instance is disposed or collected.
function disposedError() {
  const e = new Error('WebAssembly.Instance has been disposed');
  e.code = 'ERR_WASIHOST_DISPOSED';
  return e;
}

// { timeout, signal, fuel } of one call, checked.
function runOptions(options, what) {
  if (options === undefined) return {};
  if (!isObject(options)) throw new TypeError(`${what}: options must be an object`);
  return {
    timeout: checkTimeout(options.timeout, what),
    signal: checkRunSignal(options.signal, what),
    fuel: checkFuel(options.fuel, what),
  };
}

const listeners = new FinalizationRegistry(({ signal, listener }) => {
  signal.removeEventListener('abort', listener);
});

class Instance {
  #exports;
  #signal;
  #listener;
  #module;
  #queue = null;
  #metered = false;

  constructor(module, importObject, limits) {
    if (native.kindOf(module) !== 'module') {
      throw new TypeError('WebAssembly.Instance(): Argument 0 must be a WebAssembly.Module');
    }
    if (importObject !== undefined && !isObject(importObject)) {
      throw new TypeError('WebAssembly.Instance(): Argument 1 must be an object');
    }
    const checked = checkLimits(limits);
    const queueMax = checkQueue(limits && limits.queue);
    const profile = checkProfile(limits && limits.profile);
    if (profile && profile.mode === 2) {
      // exact counts run on the counting copy of the interpreter loop,
      // which needs the module translated for it: a private copy
      const { Module } = require('./module');
      module = new Module(native.moduleBytes(module));
      native.moduleSetExact(module);
    }
    const signal = checkRunSignal(limits && limits.signal, 'WebAssembly.Instance()');
    this.#exports = native.instanceNew(this, module, importObject, checked);
    // as the binding decides that the instance has a fuel limit
    this.#metered = !!(checked && checked.fuel !== undefined && checked.fuel != 0);
    if (queueMax !== null) this.#queue = new RunQueue(queueMax);
    // before the start function, which is a run like any other
    if (profile) {
      this.#module = module;
      native.profileStart(this, profile.mode, profile.interval);
    }
    guard(this, 'Instance');
    guardExports(this.#exports, cloneKind);
    // The listener goes on before the start function runs, so that a
    // signal fired from a JS import during start stops it.
    if (signal) {
      this.#signal = signal;
      if (signal.aborted) {
        native.instanceAbort(this);
      } else {
        const ref = new WeakRef(this);
        this.#listener = () => {
          const inst = ref.deref();
          if (inst) native.instanceAbort(inst);
        };
        signal.addEventListener('abort', this.#listener, { once: true });
        listeners.register(this, { signal, listener: this.#listener }, this);
      }
    }
    try {
      native.instanceStart(this);
    } catch (e) {
      this.dispose();
      throw signal ? withAbortCause(e, signal) : e;
    }
  }

  // A frozen object with a null prototype, one property per export.
  get exports() {
    checkLive(this, 'WebAssembly.Instance');
    return this.#exports;
  }

  // wasihost extension: fuel left (undefined unless created with limits.fuel).
  get fuel() {
    return native.instanceFuel(this);
  }

  set fuel(v) {
    native.instanceSetFuel(this, v);
  }

  // wasihost extension: what the profiler recorded since the instance was
  // created (or the last profile({ reset: true })), as a Profile
  // (lib/profile/profile.js: toCpuProfile(), toPprof(), top()).
  profile(options) {
    checkLive(this, 'WebAssembly.Instance');
    const reset = !!(options && options.reset);
    const { Profile } = require('../profile/profile');
    return new Profile(native.profileRead(this, reset), this.#module);
  }

  // Runs exports[name] on a guest thread; resolves with its result.  JS
  // imports are still called on this thread while the guest waits, and one
  // that returns a Promise suspends the guest until it settles.
  //   callAsync(name, [args...], { timeout, signal, fuel })
  //   callAsync(name, ...args)        (the first form's when args[0] is an Array)
  // timeout (ms) counts from this call, time spent in the queue included.
  callAsync(name, ...rest) {
    const what = 'WebAssembly.Instance.callAsync()';
    let args = rest, opts;
    try {
      checkLive(this, 'WebAssembly.Instance');
      if (Array.isArray(rest[0])) {
        if (rest.length > 2) {
          throw new TypeError(`${what}: after an argument Array only an options object may follow (callAsync(name, [args], options))`);
        }
        args = rest[0];
        opts = runOptions(rest[1], what);
      } else {
        opts = {};
      }
    } catch (e) {
      return Promise.reject(e);
    }
    const fn = this.#exports[name];
    if (typeof fn !== 'function') {
      return Promise.reject(new TypeError(`${what}: no exported function '${String(name)}'`));
    }
    const { signal, fuel } = opts;
    const metered = this.#metered;
    return this.#schedule(opts, (remaining) =>
      runAsync(fn, args, { timeout: remaining(), signal, fuel, metered }, what));
  }

  // The bytes-in/bytes-out plugin call (lib/api/plugin.js): writes input (a
  // string as UTF-8, or bytes) into guest memory through the guest's
  // allocator, runs exports[name](ptr, len) on a guest thread, and resolves
  // with a copy of the bytes it returned (a string with encoding: 'utf8').
  //   callBytes(name, input, { alloc: 'malloc', free: 'free', memory: 'memory',
  //                            freeResult: true, encoding, timeout, signal, fuel })
  callBytes(name, input, options) {
    const what = 'WebAssembly.Instance.callBytes()';
    let o, opts;
    try {
      checkLive(this, 'WebAssembly.Instance');
      o = bytesOptions(options);
      opts = runOptions(options, what);
    } catch (e) {
      return Promise.reject(e);
    }
    const exports = this.#exports;
    const { signal, fuel } = opts;
    const metered = this.#metered;
    return this.#schedule(opts, (remaining) =>
      callBytes(exports, name, input, o, { remaining, signal, fuel, metered }));
  }

  // start(remaining) -> Promise, now or when the queue gets to it;
  // remaining() gives the milliseconds left of opts.timeout.
  #schedule({ timeout, signal }, start) {
    const instSignal = this.#signal;
    const deadline = timeout ? performance.now() + timeout : undefined;
    // A positive remainder: a timeout of 0 means none to the binding.
    const remaining = () => deadline === undefined ? undefined
      : Math.max(deadline - performance.now(), 1e-3);
    let p;
    if (this.#queue) {
      p = this.#queue.submit(() => start(remaining), { signal, deadline });
    } else {
      try {
        p = start(remaining);
      } catch (e) {
        p = Promise.reject(e);
      }
    }
    return instSignal ? p.catch((e) => { throw withAbortCause(e, instSignal); }) : p;
  }

  // Releases the instance now, with the functions, memories, tables and
  // globals it defines; any later use of them throws.  Idempotent.  Throws
  // "instance is busy" during a run -- except with a queue: then the calls
  // waiting are rejected (ERR_WASIHOST_DISPOSED), the run in progress is
  // interrupted, and the instance is released when it has stopped.
  dispose() {
    const queue = this.#queue;
    if (queue && queue.running && !native.isDisposed(this)) {
      queue.close(disposedError);
      native.interrupt(this);
      // a failure now leaves the instance to the garbage collector
      queue.whenIdle(() => { try { this.#release(); } catch {} });
      return;
    }
    // Throws "busy" (a sync run) before the queue is closed for good.
    this.#release();
    if (queue) queue.close(disposedError);
  }

  #release() {
    native.dispose(this);
    if (this.#listener) {
      this.#signal.removeEventListener('abort', this.#listener);
      listeners.unregister(this);
      this.#listener = undefined;
    }
  }
}

if (typeof Symbol.dispose === 'symbol') {
  Object.defineProperty(Instance.prototype, Symbol.dispose, {
    value() { this.dispose(); }, writable: true, configurable: true,
  });
}

Object.defineProperty(Instance.prototype, Symbol.toStringTag, {
  value: 'WebAssembly.Instance', configurable: true,
});
enumerable(Instance.prototype, ['exports']);
requiredArgs(Instance, 1); // (module[, importObject]); the limits argument is ours

module.exports = { Instance };
