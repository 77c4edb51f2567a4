'use strict';
// WASI preview 1 with node:wasi's shape, on wasihost's C implementation
// (src/wasi): the import functions are native host functions, so the
// engine calls them directly with the calling instance's memory 0 (no
// `memory` binding step; `start()` does not need the instance to export
// memory for us).
//
//   const { WASI } = require('wasihost');
//   const wasi = new WASI({
//     version: 'preview1',
//     args: ['prog', 'x'], env: { K: 'v' },
//     preopens: { '/guest': './host' },                  // like node:wasi
//     mounts: [{ host: './data', guest: '/data', readonly: true }],
//     stdin: 'inherit' | 'ignore' | fd | Buffer | string,
//     stdout: 'inherit' | 'pipe' | 'ignore' | fd,        // same for stderr
//     returnOnExit: true,                                // default true
//     sockets: [{ listen: '127.0.0.1:8080' }, { host, port }, { fd }, server],
//     deterministic: true, seed: 42,                     // fake clocks, seeded random
//     trace: (line) => ..., | process.stderr,            // a line per WASI call
//     traceCategories: ['fs', 'sock'],                   // default: all
//   });
//   wasi.sockets  // [{ fd: 3, address: '127.0.0.1', port: 8080, family: 'IPv4' }]
//   const instance = new Instance(module, wasi.getImportObject());
//   const code = wasi.start(instance);
//   wasi.stdout, wasi.stderr  // Buffers of what was captured with 'pipe'
//
//   // or off the JS thread, the event loop staying free:
//   const code = await wasi.startAsync(instance, { timeout: 5000, signal });
//
// start(instance, { timeout, signal }) and startAsync(instance, { timeout,
// signal }): timeout in ms and an AbortSignal stop the guest with
// RuntimeError "interrupted" (at its next loop back-edge or call, or within
// about a millisecond of a blocking WASI read or sleep); both add to the
// instance's own limits.  startAsync runs the guest on a thread of its own
// (lib/api/run.js): WASI calls run there, JS imports on the JS thread.
// While it runs, wasi.stdout/stderr throw (the guest is still writing).
//
// Differences from node:wasi, on purpose: a real sandbox (paths cannot
// leave their preopen, symlinks included); read-only mounts (every write
// fails with EROFS); guest stdio descriptors are our own, so closing fd 1
// never closes the host's stdout; proc_raise never signals the process
// (ENOSYS).  Captured output is exposed as wasi.stdout / wasi.stderr
// (Buffers), and start() keeps node's return value: the exit code.
const path = require('path');
const native = require('./api/init');
const { WASIExit } = require('./errors');
const { runSync, runAsync } = require('./api/run');
const { guard } = require('./uncloneable');

// wh_stdio_kind in include/wasihost.h
const STDIO = { inherit: 0, null: 1, fd: 2, bytes: 3, capture: 4 };

// Every wasi_snapshot_preview1 function, in witx order.
const NAMES = [
  'args_get', 'args_sizes_get', 'environ_get', 'environ_sizes_get',
  'clock_res_get', 'clock_time_get', 'fd_advise', 'fd_allocate', 'fd_close',
  'fd_datasync', 'fd_fdstat_get', 'fd_fdstat_set_flags', 'fd_fdstat_set_rights',
  'fd_filestat_get', 'fd_filestat_set_size', 'fd_filestat_set_times', 'fd_pread',
  'fd_prestat_get', 'fd_prestat_dir_name', 'fd_pwrite', 'fd_read', 'fd_readdir',
  'fd_renumber', 'fd_seek', 'fd_sync', 'fd_tell', 'fd_write',
  'path_create_directory', 'path_filestat_get', 'path_filestat_set_times',
  'path_link', 'path_open', 'path_readlink', 'path_remove_directory',
  'path_rename', 'path_symlink', 'path_unlink_file', 'poll_oneoff', 'proc_exit',
  'proc_raise', 'sched_yield', 'random_get', 'sock_accept', 'sock_recv',
  'sock_send', 'sock_shutdown',
];

function typeError(msg) {
  const e = new TypeError(msg);
  e.code = 'ERR_INVALID_ARG_TYPE';
  return e;
}

// node:wasi's wording for what it received, so that its messages and ours
// read alike ("Received null", "Received function _start", ...).
function received(v) {
  if (v === null || v === undefined) return `Received ${v}`;
  if (typeof v === 'function') return `Received function ${v.name}`;
  return `Received type ${typeof v}`;
}

function stringArray(v, what) {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw typeError(`options.${what} must be an array`);
  return v.map((s) => {
    const str = String(s);
    if (str.includes('\0')) throw typeError(`options.${what} entries cannot contain NUL`);
    return str;
  });
}

function fdNumber(v, name) {
  if (!Number.isInteger(v) || v < 0) throw typeError(`options.${name} must be a non-negative integer fd`);
  return v;
}

// Trace categories (WH_WASI_TRACE_* in include/wasihost.h).
const TRACE = { args: 1, clock: 2, fs: 4, filesystem: 4, poll: 8, proc: 16, random: 32, sock: 64, all: 127 };

function traceMask(v) {
  if (v === undefined) return 0;
  const list = typeof v === 'string' ? v.split(',').map((x) => x.trim()).filter(Boolean) : v;
  if (!Array.isArray(list)) throw typeError('options.traceCategories must be an array or a comma-separated string');
  let mask = 0;
  for (const c of list) {
    if (!Object.hasOwn(TRACE, c)) {
      throw typeError(`options.traceCategories: unknown category ${JSON.stringify(c)} (one of ${Object.keys(TRACE).join(', ')})`);
    }
    mask |= TRACE[c];
  }
  return mask;
}

// trace: a function called with each line, or a writable stream (its fd is
// written directly when it has one, as process.stderr does; else .write()).
// An exception from the user's function is rethrown outside the guest.
function traceSpec(v) {
  if (v === undefined || v === null || v === false) return undefined;
  const report = (e) => process.nextTick(() => { throw e; });
  if (typeof v === 'function') {
    return (line) => { try { v(line); } catch (e) { report(e); } };
  }
  if (typeof v === 'object' && Number.isInteger(v.fd) && v.fd > 0) return { fd: v.fd };
  if (typeof v === 'object' && typeof v.write === 'function') {
    return (line) => { try { v.write(`${line}\n`); } catch (e) { report(e); } };
  }
  throw typeError('options.trace must be a function or a writable stream');
}

// One entry of options.sockets -> { listen, backlog } | { fd }, plus the
// net.Server to close once its socket is ours.
function socketSpec(v, i) {
  const what = `options.sockets[${i}]`;
  if (typeof v === 'number') return { spec: { fd: fdNumber(v, what) } };
  if (v === null || typeof v !== 'object') {
    throw typeError(`${what} must be { listen: 'HOST:PORT' }, { host, port }, { fd } or a listening net.Server`);
  }
  const backlog = v.backlog === undefined ? 0 : v.backlog;
  if (!Number.isInteger(backlog) || backlog < 0) throw typeError(`${what}.backlog must be a non-negative integer`);
  if (typeof v.listen === 'string') return { spec: { listen: v.listen, backlog } };
  if (v.port !== undefined) {
    const port = Number(v.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw typeError(`${what}.port must be 0-65535`);
    const host = v.host === undefined ? '127.0.0.1' : String(v.host);
    return { spec: { listen: host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`, backlog } };
  }
  if (v.fd !== undefined) return { spec: { fd: fdNumber(v.fd, `${what}.fd`) } };
  // A listening net.Server: its socket is handed over (duplicated, and the
  // server closed, or Node and the guest would race to accept).
  if (typeof v.listen === 'function' && typeof v.close === 'function') {
    const fd = v._handle && v._handle.fd;
    if (!v.listening || !Number.isInteger(fd) || fd < 0) {
      throw typeError(`${what}: a net.Server must be listening on a TCP port (its handle has no fd yet)`);
    }
    return { spec: { fd }, server: v };
  }
  throw typeError(`${what} must be { listen: 'HOST:PORT' }, { host, port }, { fd } or a listening net.Server`);
}

function parseAddress(a) {
  const m = /^\[(.*)\]:(\d+)$/.exec(a) || /^(.*):(\d+)$/.exec(a);
  if (!m) return { address: a, port: undefined, family: undefined };
  return { address: m[1], port: Number(m[2]), family: m[1].includes(':') ? 'IPv6' : 'IPv4' };
}

function stdinSpec(v) {
  if (v === undefined || v === 'inherit') return { kind: STDIO.inherit };
  if (v === 'ignore' || v === null) return { kind: STDIO.null };
  if (typeof v === 'number') return { kind: STDIO.fd, fd: fdNumber(v, 'stdin') };
  if (typeof v === 'string') return { kind: STDIO.bytes, data: Buffer.from(v) };
  if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return { kind: STDIO.bytes, data: v };
  throw typeError("options.stdin must be 'inherit', 'ignore', an fd, a string or a Buffer");
}

function outSpec(v, name) {
  if (v === undefined || v === 'inherit') return { kind: STDIO.inherit };
  if (v === 'ignore' || v === null) return { kind: STDIO.null };
  if (v === 'pipe') return { kind: STDIO.capture };
  if (typeof v === 'number') return { kind: STDIO.fd, fd: fdNumber(v, name) };
  throw typeError(`options.${name} must be 'inherit', 'pipe', 'ignore' or an fd`);
}

// WASI's functions are wasihost host functions: they run only in
// wasihost's engine, with the calling instance's memory.
function foreignInstance(instance, method) {
  const v8 = instance instanceof WebAssembly.Instance;
  return `WASI.${method}(): instance must be a wasihost Instance, got ${v8 ? "V8's WebAssembly.Instance" : 'an object that is not one'}; ` +
    "create it with require('wasihost'): new Instance(new Module(bytes), wasi.getImportObject()) " +
    '(or await instantiate(bytes, wasi.getImportObject())). For V8 instances use node:wasi.';
}

class WASI {
  #handle;
  #imports;
  #started = false;
  #returnOnExit;
  #capture;
  #running = false;
  #sockets;

  constructor(options = {}) {
    if (options === null || typeof options !== 'object') throw typeError('options must be an object');
    // (node:wasi requires the version; missing, it is preview1 here)
    const { version = 'preview1' } = options;
    if (typeof version !== 'string') throw typeError(`The "options.version" property must be of type string. ${received(version)}`);
    if (version !== 'preview1') {
      const e = new TypeError(`The property 'options.version' is invalid. Received '${version}' (wasihost implements wasi_snapshot_preview1 only)`);
      e.code = 'ERR_INVALID_ARG_VALUE';
      throw e;
    }
    const args = stringArray(options.args, 'args');
    const env = [];
    if (options.env !== undefined) {
      if (options.env === null || typeof options.env !== 'object') throw typeError('options.env must be an object');
      for (const [k, v] of Object.entries(options.env)) {
        if (v === undefined) continue;
        const kv = `${k}=${v}`;
        if (kv.includes('\0')) throw typeError('options.env entries cannot contain NUL');
        env.push(kv);
      }
    }
    const mounts = [];
    if (options.preopens !== undefined) {
      if (options.preopens === null || typeof options.preopens !== 'object') throw typeError('options.preopens must be an object');
      for (const [guest, host] of Object.entries(options.preopens)) {
        mounts.push({ guest: String(guest), host: path.resolve(String(host)), readonly: false });
      }
    }
    if (options.mounts !== undefined) {
      if (!Array.isArray(options.mounts)) throw typeError('options.mounts must be an array');
      for (const m of options.mounts) {
        if (!m || typeof m.host !== 'string' || typeof m.guest !== 'string') {
          throw typeError('each of options.mounts needs string host and guest');
        }
        mounts.push({ guest: m.guest, host: path.resolve(m.host), readonly: !!m.readonly });
      }
    }
    const { returnOnExit = true } = options;
    if (typeof returnOnExit !== 'boolean') throw typeError('options.returnOnExit must be a boolean');
    this.#returnOnExit = returnOnExit;
    const stdio = [stdinSpec(options.stdin), outSpec(options.stdout, 'stdout'), outSpec(options.stderr, 'stderr')];
    this.#capture = [false, stdio[1].kind === STDIO.capture, stdio[2].kind === STDIO.capture];
    let listeners = [];
    if (options.sockets !== undefined) {
      if (!Array.isArray(options.sockets)) throw typeError('options.sockets must be an array');
      listeners = options.sockets.map(socketSpec);
    }
    const { deterministic = false } = options;
    if (typeof deterministic !== 'boolean') throw typeError('options.deterministic must be a boolean');
    let seed;
    if (options.seed !== undefined) {
      if (!deterministic) throw typeError('options.seed needs deterministic: true');
      if (typeof options.seed === 'bigint' ? options.seed < 0n || options.seed >= 1n << 64n
        : !Number.isSafeInteger(options.seed) || options.seed < 0) {
        throw typeError('options.seed must be a non-negative integer (Number or BigInt below 2^64)');
      }
      seed = BigInt(options.seed);
    }
    const trace = traceSpec(options.trace);
    const mask = traceMask(options.traceCategories);
    this.#handle = native.wasiCreate({
      args, env, mounts, stdio, listeners: listeners.map((l) => l.spec),
      deterministic, seed, trace, traceMask: mask,
    });
    guard(this, 'WASI');
    for (const l of listeners) if (l.server) l.server.close();
    this.#sockets = native.wasiListeners(this.#handle).map((l) => ({ fd: l.fd, ...parseAddress(l.address) }));
    guard(this, 'WASI');
  }

  // The sockets granted with options.sockets, in order: the guest fd each
  // became and the address it listens on ({ fd, address, port, family }).
  get sockets() {
    return this.#sockets.map((s) => ({ ...s }));
  }

  // The 46 functions, as native function objects (created once).
  get wasiImport() {
    if (!this.#imports) {
      const imports = {};
      for (const name of NAMES) imports[name] = native.wasiImport(this.#handle, name);
      this.#imports = imports;
    }
    return this.#imports;
  }

  getImportObject() {
    return { wasi_snapshot_preview1: this.wasiImport };
  }

  // Captured bytes (stdout/stderr: 'pipe'), or undefined when not captured.
  get stdout() {
    return this.#captured(1, 'stdout');
  }

  get stderr() {
    return this.#captured(2, 'stderr');
  }

  #captured(fd, name) {
    if (!this.#capture[fd]) return undefined;
    // The guest thread appends to the buffer while it runs.
    if (this.#running) throw new Error(`wasi.${name} is not available while startAsync() runs; await it first`);
    return native.wasiCaptured(this.#handle, fd);
  }

  // The checks and their codes are node:wasi's.
  #begin(instance, method) {
    if (this.#started) {
      const e = new Error(`WASI instance has already started (WASI.${method}())`);
      e.code = 'ERR_WASI_ALREADY_STARTED';
      throw e;
    }
    if (instance === null || typeof instance !== 'object') {
      throw typeError(`The "instance" argument must be of type object. ${received(instance)}`);
    }
    const exports = instance.exports;
    if (exports === null || typeof exports !== 'object') {
      throw typeError(`The "instance.exports" property must be of type object. ${received(exports)}`);
    }
    if (native.kindOf(instance) !== 'instance') throw typeError(foreignInstance(instance, method));
    this.#started = true;
    return exports;
  }

  #exit(code) {
    if (!this.#returnOnExit) process.exit(code);
    return code;
  }

  #command(instance, method) {
    const exports = this.#begin(instance, method);
    if (typeof exports._start !== 'function') {
      throw typeError(`The "instance.exports._start" property must be of type function. ${received(exports._start)}`);
    }
    if (exports._initialize !== undefined) {
      throw typeError(`The "instance.exports._initialize" property must be undefined for ${method}(). ${received(exports._initialize)}`);
    }
    return exports._start;
  }

  // Runs a command: calls _start and returns the exit code (0 when _start
  // returns).  With returnOnExit: false, proc_exit ends the Node process.
  start(instance, options) {
    const start = this.#command(instance, 'start');
    try {
      if (options === undefined) start();
      else runSync(start, [], options, 'WASI.start()');
    } catch (e) {
      if (e instanceof WASIExit) return this.#exit(e.code);
      throw e;
    }
    return this.#returnOnExit ? 0 : undefined;
  }

  // start() on a guest thread: a Promise of the exit code.  Argument errors
  // throw; a trap, an interrupt or a JS import's exception rejects.
  startAsync(instance, options = {}) {
    if (options === null || typeof options !== 'object') throw typeError('options must be an object');
    const start = this.#command(instance, 'startAsync');
    this.#running = true;
    return runAsync(start, [], options, 'WASI.startAsync()').then(() => {
      this.#running = false;
      return this.#returnOnExit ? 0 : undefined;
    }, (e) => {
      this.#running = false;
      if (e instanceof WASIExit) return this.#exit(e.code);
      throw e;
    });
  }

  // Initialises a reactor: calls _initialize when present.
  initialize(instance) {
    const exports = this.#begin(instance, 'initialize');
    if (exports._start !== undefined) {
      throw typeError(`The "instance.exports._start" property must be undefined for initialize(). ${received(exports._start)}`);
    }
    if (exports._initialize === undefined) return undefined;
    if (typeof exports._initialize !== 'function') {
      throw typeError(`The "instance.exports._initialize" property must be of type function. ${received(exports._initialize)}`);
    }
    try {
      exports._initialize();
    } catch (e) {
      if (e instanceof WASIExit) return this.#exit(e.code);
      throw e;
    }
    return undefined;
  }
}

module.exports = { WASI, WASIExit };
