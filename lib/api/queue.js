'use strict';
// The opt-in run queue of an Instance (limits.queue): async runs of one
// instance are served one at a time in arrival order, instead of the second
// failing with "instance is busy" (one wh_instance runs on one thread at a
// time).  At most `max` calls wait; one more is refused with
// ERR_WASIHOST_QUEUE_FULL, so a flood of callers shows up as errors, not
// as unbounded memory and latency.
//
// A waiting call whose signal fires or whose deadline passes leaves the
// queue without running (RuntimeError "interrupted", as if the run had
// been stopped); close() refuses everything waiting and later.
const { RuntimeError } = require('../errors');
const { withAbortCause } = require('./run');

const DEFAULT_MAX = 1000;

function queueFull(max) {
  const e = new Error(`WebAssembly.Instance: run queue is full (${max} calls waiting)`);
  e.code = 'ERR_WASIHOST_QUEUE_FULL';
  return e;
}

class RunQueue {
  #max;
  #waiting = [];
  #running = false;
  #closed = null;
  #idle = [];

  constructor(max) {
    this.#max = max;
  }

  get running() { return this.#running; }
  get length() { return this.#waiting.length; }

  // start(): Promise, called when the call's turn comes.  deadline:
  // absolute performance.now() milliseconds or undefined.
  submit(start, { signal, deadline } = {}) {
    if (this.#closed) return Promise.reject(this.#closed());
    if (!this.#running) return this.#run(start);
    if (this.#waiting.length >= this.#max) return Promise.reject(queueFull(this.#max));
    if (signal && signal.aborted) {
      return Promise.reject(withAbortCause(new RuntimeError('interrupted'), signal));
    }
    return new Promise((resolve, reject) => {
      const entry = { start, resolve, reject, signal, onAbort: null, timer: null };
      this.#waiting.push(entry);
      if (!signal && deadline === undefined) return;
      const leave = (e) => {
        const i = this.#waiting.indexOf(entry);
        if (i < 0) return;
        this.#waiting.splice(i, 1);
        this.#unhook(entry);
        reject(e);
      };
      if (signal) {
        entry.onAbort = () => leave(withAbortCause(new RuntimeError('interrupted'), signal));
        signal.addEventListener('abort', entry.onAbort, { once: true });
      }
      if (deadline !== undefined) {
        // The timer must not keep the process alive on its own: the run
        // before it does as long as it matters.
        entry.timer = setTimeout(() => leave(new RuntimeError('interrupted')),
          Math.max(0, deadline - performance.now()));
        if (entry.timer.unref) entry.timer.unref();
      }
    });
  }

  // Refuses the waiting calls and any later ones with makeError(); the run
  // in progress goes on (the caller interrupts it).
  close(makeError) {
    if (this.#closed) return;
    this.#closed = makeError;
    const waiting = this.#waiting.splice(0);
    for (const entry of waiting) {
      this.#unhook(entry);
      entry.reject(makeError());
    }
  }

  // Calls fn once no run is in progress (at once when none is).
  whenIdle(fn) {
    if (!this.#running) fn();
    else this.#idle.push(fn);
  }

  #unhook(entry) {
    if (entry.onAbort) entry.signal.removeEventListener('abort', entry.onAbort);
    if (entry.timer) clearTimeout(entry.timer);
  }

  #run(start) {
    this.#running = true;
    let p;
    try {
      p = Promise.resolve(start());
    } catch (e) {
      p = Promise.reject(e);
    }
    const next = () => {
      this.#running = false;
      const entry = this.#waiting.shift();
      if (entry) {
        this.#unhook(entry);
        this.#run(entry.start).then(entry.resolve, entry.reject);
        return;
      }
      for (const fn of this.#idle.splice(0)) fn();
    };
    return p.finally(next);
  }
}

// limits.queue: true (DEFAULT_MAX waiting), a non-negative integer, or
// false/undefined (no queue: null).
function checkQueue(v) {
  if (v === undefined || v === false) return null;
  if (v === true) return DEFAULT_MAX;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  throw new TypeError('WebAssembly.Instance(): limits.queue must be true, false or a non-negative integer (calls allowed to wait)');
}

module.exports = { RunQueue, checkQueue };
