'use strict';
// Runs of exported functions with per-run limits, shared by
// Instance.callAsync and WASI.start/startAsync:
//   runSync(fn, args, { timeout, signal })  -> the result
//   runAsync(fn, args, { timeout, signal, fuel, metered }) -> Promise
// timeout (ms) adds to the instance's own; signal interrupts this run only
// (the instance's own signal, given to its constructor, ends all runs).
// fuel: this run's instruction budget, taken out of the instance's own
// when it has one (metered).
// An interrupted run fails with RuntimeError "interrupted"; when a signal
// caused it, the error's `cause` is the signal's reason.
//
// Async runs execute on a dedicated guest thread (src/engine/pool.c: at
// most WASIHOST_MAX_THREADS, default 64, at once; more wait in a queue).
// JS imports are called on the JS thread while the guest waits; WASI
// imports run on the guest thread; a JS import that returns a Promise
// suspends the guest until it settles (src/node/napi_async.c).  One run per
// instance at a time: a call into a busy instance throws "instance is busy"
// (an Instance created with limits.queue makes its callers wait instead:
// lib/api/queue.js).
const native = require('./binding');
const { RuntimeError } = require('../errors');

function checkTimeout(timeout, what) {
  if (timeout === undefined) return undefined;
  if (typeof timeout !== 'number' || !(timeout >= 0)) {
    throw new TypeError(`${what}: timeout must be a non-negative number of milliseconds`);
  }
  return timeout;
}

function checkRunSignal(signal, what) {
  if (signal === undefined) return undefined;
  if (signal === null || typeof signal !== 'object' || typeof signal.aborted !== 'boolean' ||
      typeof signal.addEventListener !== 'function') {
    throw new TypeError(`${what}: signal must be an AbortSignal`);
  }
  return signal;
}

function checkFuel(fuel, what) {
  if (fuel === undefined) return undefined;
  if (typeof fuel === 'bigint' ? fuel > 0n && fuel < 2n ** 64n
    : typeof fuel === 'number' && fuel >= 1 && Number.isFinite(fuel)) {
    return typeof fuel === 'number' ? Math.trunc(fuel) : fuel;
  }
  throw new TypeError(`${what}: fuel must be a positive Number or BigInt`);
}

function withAbortCause(e, signal) {
  if (signal && signal.aborted && e instanceof RuntimeError && e.message === 'interrupted' &&
      e.cause === undefined) {
    Object.defineProperty(e, 'cause', {
      value: signal.reason, writable: true, enumerable: false, configurable: true,
    });
  }
  return e;
}

function interrupted(signal) {
  return withAbortCause(new RuntimeError('interrupted'), signal);
}

function runSync(fn, args, { timeout, signal } = {}, what = 'run') {
  timeout = checkTimeout(timeout, what);
  signal = checkRunSignal(signal, what);
  if (!signal) return native.callSync(fn, args, timeout);
  if (signal.aborted) throw interrupted(signal);
  // A sync run blocks this thread: the signal can fire only from a JS
  // import the guest calls.
  const onAbort = () => native.interrupt(fn);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return native.callSync(fn, args, timeout);
  } catch (e) {
    throw withAbortCause(e, signal);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

function runAsync(fn, args, { timeout, signal, fuel, metered } = {}, what = 'run') {
  try {
    timeout = checkTimeout(timeout, what);
    signal = checkRunSignal(signal, what);
    fuel = checkFuel(fuel, what);
  } catch (e) {
    return Promise.reject(e);
  }
  if (!signal) return native.callAsync(fn, args, timeout, fuel, !!metered);
  if (signal.aborted) return Promise.reject(interrupted(signal));
  const onAbort = () => native.interrupt(fn);
  signal.addEventListener('abort', onAbort, { once: true });
  return native.callAsync(fn, args, timeout, fuel, !!metered).then((v) => {
    signal.removeEventListener('abort', onAbort);
    return v;
  }, (e) => {
    signal.removeEventListener('abort', onAbort);
    throw withAbortCause(e, signal);
  });
}

module.exports = {
  runSync, runAsync, withAbortCause, interrupted, checkTimeout, checkRunSignal, checkFuel,
};
