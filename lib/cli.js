'use strict';
// The `wasihost` command line (bin/wasihost.js) and Go's exec wrapper
// (bin/go_wasip1_wasm_exec), kept here so both can be unit-tested:
//
//   parseArgs(argv, hostEnv)  -> a run description, or throws UsageError
//   goExecArgs(argv, hostEnv) -> the `wasihost run` argv Go's wrapper uses
//   main(argv, options)       -> exit status (Number)
//
// Capability model: the guest gets exactly what the command line grants.
// No --dir: no file system.  No --env: an empty environment.  Stdio is the
// host's fd 0/1/2.  No --listen: no socket (WASI preview 1 has no way to
// open one; Go programs fall back to an in-process fake network), and even
// with one a guest can only accept connections.
//
// Exit status: the guest's own exit code; TRAP_STATUS when it trapped (the
// value wasmtime's CLI uses on Unix: 128 + SIGABRT); LOAD_STATUS when the
// module cannot be read, compiled or linked; USAGE_STATUS for a bad
// command line.
const fs = require('fs');
const path = require('path');

const TRAP_STATUS = 134;
const LOAD_STATUS = 1;
const USAGE_STATUS = 2;

const USAGE = `Usage: wasihost run [options] module.wasm [args...]

Runs a WASI preview 1 module with exactly the capabilities you grant.
Nothing is ambient: without --dir the module sees no files at all, without
--env its environment is empty, without --listen it has no socket, and it
can never open a connection.
stdin, stdout and stderr are the host's.

Options:
  --dir HOST[::GUEST]      grant the host directory HOST, read-write, seen by
                           the guest as GUEST (default: HOST as written)
  --dir-ro HOST[::GUEST]   the same, read-only
  --mount=HOST:GUEST[:ro]  wazero's spelling of --dir / --dir-ro
  --env K=V                set K in the guest's environment
  --env K                  copy K from the host environment (--env-inherit K)
  --env-inherit K          copy K from the host environment when it is set
  --argv0 NAME             the guest's argv[0] (default: the module path)
  --invoke NAME            call export NAME with the numeric args that follow
                           the module and print its results (a reactor's
                           _initialize runs first)
  --fuel N                 trap with "fuel exhausted" after about N
                           instructions
  --max-memory BYTES       cap each linear memory (suffix K, M or G allowed)
  --timeout MS             trap with "interrupted" when the run (start
                           function, _start or the invoked export) takes
                           longer than MS milliseconds
  --listen ADDR            listen on ADDR (HOST:PORT, [V6]:PORT or :PORT;
                           port 0 picks one and prints it) and hand the
                           socket to the guest as the next fd after the
                           --dir ones (Go: net.FileListener(os.NewFile(3,
                           ""))); repeatable.  The guest can accept, never
                           connect out.  Also spelled --tcplisten, -listen
  --deterministic          fake clocks (from 2022-01-01T00:00:00Z, moving
                           only as the guest reads them or sleeps; sleeps
                           take no real time) and random_get from a seed:
                           the same run prints the same output
  --seed N                 the seed for --deterministic (default 0)
  --trace[=CATS]           print each WASI call with its decoded arguments
                           and result to stderr, e.g.
                             path_open(fd=3 "/data", "x.txt", O_RDONLY) -> ENOENT
                           CATS: comma-separated args, clock, fs, poll,
                           proc, random, sock (default: all)
  --profile FILE           profile the guest and write FILE: .cpuprofile
                           (Chrome DevTools, VS Code) or .pb.gz (go tool pprof)
  --profile-exact          count calls and loop work exactly instead of sampling
  --profile-interval US    sampling interval in microseconds (default 1000)
  -h, --help               this text
  --version                the wasihost version

Exit status: the guest's exit code; ${TRAP_STATUS} when it traps (as wasmtime), with
the trap message on stderr; ${LOAD_STATUS} when the module cannot be loaded or linked;
${USAGE_STATUS} for a bad command line.
`;

class UsageError extends Error {}
Object.defineProperty(UsageError.prototype, 'name', { value: 'UsageError' });

// "64M" -> 67108864.  Binary multiples, as memory sizes usually are.
function parseSize(text, what) {
  const m = /^(\d+)\s*([kmg]i?b?|b)?$/i.exec(String(text).trim());
  if (!m) throw new UsageError(`${what}: not a size: ${JSON.stringify(text)}`);
  const unit = (m[2] || '').toLowerCase()[0];
  const mult = { k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[unit] || 1;
  const n = Number(m[1]) * mult;
  if (!Number.isSafeInteger(n)) throw new UsageError(`${what}: too large: ${text}`);
  return n;
}

function parseCount(text, what) {
  if (!/^\d+$/.test(String(text))) throw new UsageError(`${what}: not a non-negative integer: ${JSON.stringify(text)}`);
  const n = BigInt(text);
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

// "HOST[::GUEST]" (wasmtime).  A guest path defaults to the host path as
// written, so `--dir .` is the preopen "." and `--dir /data` is "/data".
function parseDir(spec, readonly, what) {
  if (!spec) throw new UsageError(`${what}: missing directory`);
  const i = spec.indexOf('::');
  const host = i < 0 ? spec : spec.slice(0, i);
  const guest = i < 0 ? spec : spec.slice(i + 2);
  if (!host || !guest) throw new UsageError(`${what}: expected HOST[::GUEST], got ${JSON.stringify(spec)}`);
  return { host, guest, readonly };
}

// "HOST:GUEST[:ro]" or "HOST" (wazero's -mount).
function parseMount(spec) {
  if (!spec) throw new UsageError('--mount: missing directory');
  let parts = spec.split(':');
  let readonly = false;
  if (parts.length > 1 && parts[parts.length - 1] === 'ro') {
    readonly = true;
    parts = parts.slice(0, -1);
  }
  if (parts.length === 1) return { host: parts[0], guest: parts[0], readonly };
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    throw new UsageError(`--mount: expected HOST:GUEST[:ro], got ${JSON.stringify(spec)}`);
  }
  return { host: parts[0], guest: parts[1], readonly };
}

const VALUE_OPTIONS = new Set(['--dir', '--dir-ro', '--mount', '--env', '--env-inherit',
  '--argv0', '--invoke', '--fuel', '--timeout', '--max-memory', '--listen', '--seed',
  '--profile', '--profile-interval']);
// Flags that take no value (--trace takes one only as --trace=CATS).
const FLAG_OPTIONS = new Set(['--deterministic', '--trace']);
// Single-dash spellings of wazero and Go's wrapper conventions, and
// wasmtime's --tcplisten (what Go's wasitest passes by default).
const ALIASES = {
  '-mount': '--mount', '-env': '--env', '-dir': '--dir', '-listen': '--listen',
  '--tcplisten': '--listen', '-deterministic': '--deterministic',
};
const TRACE_CATEGORIES = ['args', 'clock', 'fs', 'filesystem', 'poll', 'proc', 'random', 'sock', 'all'];

// argv: the words after the program name.  Returns
//   { command: 'help' | 'version' } or
//   { command: 'run', wasm, args, argv0, mounts, env: [[k, v]...], invoke,
//     fuel, maxMemory, timeout, listen: [ADDR...], deterministic, seed,
//     trace: undefined | [category...] }
function parseArgs(argv, hostEnv = process.env) {
  const words = [...argv];
  if (words[0] === 'run') words.shift();
  else if (words[0] === 'help') return { command: 'help' };
  const out = {
    command: 'run', wasm: undefined, args: [], argv0: undefined, mounts: [],
    env: [], invoke: undefined, fuel: undefined, maxMemory: undefined, timeout: undefined,
    listen: [], deterministic: false, seed: undefined, trace: undefined,
  };
  const env = new Map();
  while (words.length) {
    let word = words.shift();
    if (word === '--') break;
    if (!word.startsWith('-') || word === '-') { words.unshift(word); break; }
    if (word === '-h' || word === '--help') return { command: 'help' };
    if (word === '--version' || word === '-V') return { command: 'version' };
    if (word === '--profile-exact') { out.profileExact = true; continue; }
    let value;
    const eq = word.indexOf('=');
    if (eq > 0) { value = word.slice(eq + 1); word = word.slice(0, eq); }
    word = ALIASES[word] || word;
    if (FLAG_OPTIONS.has(word)) {
      if (word === '--deterministic') {
        if (value !== undefined) throw new UsageError('--deterministic takes no value');
        out.deterministic = true;
      } else {
        const cats = value === undefined ? ['all'] : value.split(',').map((c) => c.trim()).filter(Boolean);
        const bad = cats.find((c) => !TRACE_CATEGORIES.includes(c));
        if (bad !== undefined || !cats.length) {
          throw new UsageError(`--trace: unknown category ${JSON.stringify(bad || value)} (one of ${TRACE_CATEGORIES.join(', ')})`);
        }
        out.trace = cats;
      }
      continue;
    }
    if (!VALUE_OPTIONS.has(word)) throw new UsageError(`unknown option ${word}`);
    if (value === undefined) {
      if (!words.length) throw new UsageError(`${word} needs a value`);
      value = words.shift();
    }
    switch (word) {
      case '--dir': out.mounts.push(parseDir(value, false, word)); break;
      case '--dir-ro': out.mounts.push(parseDir(value, true, word)); break;
      case '--mount': out.mounts.push(parseMount(value)); break;
      case '--env': {
        const i = value.indexOf('=');
        if (i === 0) throw new UsageError(`--env: empty name in ${JSON.stringify(value)}`);
        if (i > 0) env.set(value.slice(0, i), value.slice(i + 1));
        else if (hostEnv[value] !== undefined) env.set(value, hostEnv[value]);
        break;
      }
      case '--env-inherit':
        if (!value || value.includes('=')) throw new UsageError(`--env-inherit: expected a variable name, got ${JSON.stringify(value)}`);
        if (hostEnv[value] !== undefined) env.set(value, hostEnv[value]);
        break;
      case '--argv0': out.argv0 = value; break;
      case '--invoke': out.invoke = value; break;
      case '--fuel': out.fuel = parseCount(value, word); break;
      case '--timeout': out.timeout = parseCount(value, word); break;
      case '--max-memory': out.maxMemory = parseSize(value, word); break;
      case '--listen':
        if (!/^(\[[^\]]*\]|[^:\[\]]*):\d{1,5}$/.test(value) || Number(value.slice(value.lastIndexOf(':') + 1)) > 65535) {
          throw new UsageError(`--listen: expected HOST:PORT, [V6]:PORT or :PORT, got ${JSON.stringify(value)}`);
        }
        out.listen.push(value);
        break;
      case '--seed': out.seed = parseCount(value, word); break;
      case '--profile':
        if (!/\.(cpuprofile|pb\.gz|pprof)$/i.test(value)) throw new UsageError(`--profile: the file must end in .cpuprofile or .pb.gz, got ${JSON.stringify(value)}`);
        out.profile = value;
        break;
      case '--profile-interval': out.profileInterval = parseCount(value, word); break;
    }
  }
  if (out.seed !== undefined && !out.deterministic) throw new UsageError('--seed needs --deterministic');
  if (!words.length) throw new UsageError('missing module.wasm');
  out.wasm = words.shift();
  out.args = words;
  out.env = [...env];
  if ((out.profileExact || out.profileInterval !== undefined) && !out.profile) {
    throw new UsageError('--profile-exact and --profile-interval need --profile FILE');
  }
  return out;
}

// Go's exec wrapper contract (cmd/go, GOROOT/lib/wasm/go_wasip1_wasm_exec):
// `go_wasip1_wasm_exec module.wasm args...`, run with the package directory
// as the working directory.  We grant what Go's own wrapper grants wasmtime:
// the host root at "/", PWD and PATH, plus $GOWASIRUNTIMEARGS (split on
// white space, as the shell does with the unquoted variable).
function goExecArgs(argv, hostEnv = process.env, cwd = process.cwd()) {
  if (!argv.length) throw new UsageError('usage: go_wasip1_wasm_exec module.wasm [args...]');
  let pwd = cwd;
  if (hostEnv.PWD) {
    try {
      const a = fs.statSync(hostEnv.PWD);
      const b = fs.statSync(cwd);
      if (a.ino === b.ino && a.dev === b.dev) pwd = hostEnv.PWD;
    } catch (_) { /* PWD names nothing: use the real cwd */ }
  }
  const extra = (hostEnv.GOWASIRUNTIMEARGS || '').split(/\s+/).filter(Boolean);
  const out = ['run', '--mount=/:/', `--env=PWD=${pwd}`];
  if (hostEnv.PATH !== undefined) out.push(`--env=PATH=${hostEnv.PATH}`);
  out.push(...extra, '--', ...argv);
  return out;
}

// ---------------------------------------------------------------------
// Engines: wasihost (the default) and node:wasi on V8, the latter only for
// comparisons (scripts/node-wasi-exec.js); node:wasi is no sandbox.

class LoadError extends Error {}

function wasihostEngine() {
  let wh, WASI;
  try {
    wh = require('./index.js');
    ({ WASI } = require('./wasi.js'));
  } catch (e) {
    if (e && e.code === 'ERR_WASIHOST_NO_ADDON') throw new LoadError(e.message.replace(/^wasihost: /, '')); // says what to install
    if (e && e.code === 'MODULE_NOT_FOUND') {
      throw new LoadError(`cannot load the wasihost addon (${e.message.split('\n')[0]}); ` +
        'build it with `npm run build`, or point WASIHOST_BINDING at a build');
    }
    throw e;
  }
  return {
    name: 'wasihost',
    isTrap: (e) => e instanceof wh.RuntimeError,
    WASIExit: wh.WASIExit,
    // one copy of the bytes (the module's), not a Buffer beside it
    compileFile: (file) => wh.Module.fromFile(file),
    exportNames: (mod) => wh.Module.exports(mod).map((e) => e.name),
    instantiate: (mod, imports, limits) => new wh.Instance(mod, imports, limits),
    wasi: (o) => new WASI({
      version: 'preview1', args: o.args, env: o.env, mounts: o.mounts, returnOnExit: true,
      sockets: o.listen.map((listen) => ({ listen })),
      deterministic: o.deterministic, seed: o.seed === undefined ? undefined : BigInt(o.seed),
      trace: o.trace ? { fd: 2 } : undefined, traceCategories: o.trace,
    }),
    paramTypes: (fn) => (wh.internals && wh.internals.funcType ? wh.internals.funcType(fn).params : undefined),
  };
}

const keepAlive = [];

function nodeEngine() {
  // node:wasi warns that it is experimental on first use; the comparison
  // runs should not print anything the guest did not.
  const emit = process.emitWarning;
  process.emitWarning = function (warning, ...rest) {
    const type = typeof rest[0] === 'string' ? rest[0] : rest[0] && rest[0].type;
    if (type === 'ExperimentalWarning' && /WASI/.test(String(warning))) return;
    return emit.call(this, warning, ...rest);
  };
  const { WASI } = require('node:wasi');
  return {
    name: 'node:wasi',
    // V8 reports wasm stack overflow as a RangeError.
    isTrap: (e) => e instanceof WebAssembly.RuntimeError || e instanceof RangeError,
    WASIExit: undefined,
    compileFile: (file) => new WebAssembly.Module(fs.readFileSync(file)),
    exportNames: (mod) => WebAssembly.Module.exports(mod).map((e) => e.name),
    instantiate: (mod, imports, limits) => {
      if (limits) throw new UsageError('node:wasi has no --fuel / --max-memory / --timeout');
      return new WebAssembly.Instance(mod, imports);
    },
    wasi: (o) => {
      if (o.listen.length || o.deterministic || o.trace) {
        throw new UsageError('node:wasi has no --listen / --deterministic / --trace');
      }
      const preopens = {};
      for (const m of o.mounts) {
        if (m.readonly) throw new UsageError(`node:wasi cannot grant ${m.host} read-only`);
        preopens[m.guest] = m.host;
      }
      const wasi = new WASI({ version: 'preview1', args: o.args, env: o.env, preopens, returnOnExit: true });
      // node:wasi aborts the process if the WASI object is garbage-collected
      // while the guest still runs (node_wasi.cc: current_uvwasi_memory_ == 0),
      // which V8 may do once nothing below start() mentions it.
      keepAlive.push(wasi);
      return wasi;
    },
    paramTypes: () => undefined,
  };
}

function loadEngine(name) {
  return name === 'node' ? nodeEngine() : wasihostEngine();
}

// ---------------------------------------------------------------------
// Running

function trapText(err, engine) {
  const lines = [`wasihost: trap: ${err.message}`];
  // A wasm backtrace when the engine records one: an Array of frames
  // {index, name, offset} (innermost first).  V8 puts wasm frames in the
  // JS stack instead ("at name (wasm://wasm/...:wasm-function[N]:0x...)").
  const frames = err.wasmBacktrace;
  if (Array.isArray(frames) && frames.length) {
    lines.push('wasm backtrace:');
    frames.forEach((f, i) => {
      const at = f.offset !== undefined ? ` @ 0x${Number(f.offset).toString(16)}` : '';
      const inl = f.inlined ? ' (inlined)' : '';
      lines.push(`  ${String(i).padStart(2)}: ${f.name || `<wasm function ${f.index}>`}${at}${inl}`);
      if (f.file) lines.push(`        at ${f.file}:${f.line}${f.column ? `:${f.column}` : ''}`);
    });
  } else if (engine.name === 'node:wasi' && typeof err.stack === 'string') {
    const wasm = err.stack.split('\n').filter((l) => l.includes('wasm://'));
    if (wasm.length) lines.push('wasm backtrace:', ...wasm.map((l) => `  ${l.trim()}`));
  }
  return lines.join('\n') + '\n';
}

// Numeric arguments for --invoke: i64 params take BigInt, the others Number.
function invokeArgs(words, types) {
  return words.map((w, i) => {
    const t = types && types[i];
    if (t === 'i64') {
      try { return BigInt(w); } catch (_) { throw new UsageError(`--invoke: argument ${i + 1} is not an integer: ${w}`); }
    }
    const n = Number(w);
    if (w.trim() === '' || Number.isNaN(n) && w !== 'NaN') throw new UsageError(`--invoke: argument ${i + 1} is not a number: ${w}`);
    return n;
  });
}

function isExit(err, engine) {
  return err && engine.WASIExit && err instanceof engine.WASIExit;
}

// Runs a parsed command line.  io: { stdout, stderr } writers (for the
// CLI's own output; the guest writes to fd 1 and 2 directly).
function run(opts, engine, io) {
  try {
    // read by compileFile below; refused here with the CLI's own message
    fs.closeSync(fs.openSync(opts.wasm, 'r'));
    if (fs.statSync(opts.wasm).isDirectory()) fs.readFileSync(opts.wasm); // throws EISDIR
  } catch (e) {
    io.stderr(`wasihost: cannot read ${opts.wasm}: ${e.code === 'ENOENT' ? 'no such file' : e.message}\n`);
    return LOAD_STATUS;
  }
  for (const m of opts.mounts) {
    let st;
    try { st = fs.statSync(m.host); } catch (_) { st = null; }
    if (!st || !st.isDirectory()) {
      io.stderr(`wasihost: --dir ${m.host}: not a directory\n`);
      return LOAD_STATUS;
    }
  }
  let mod, wasi, inst;
  try {
    mod = engine.compileFile(opts.wasm);
    const args = [opts.argv0 !== undefined ? opts.argv0 : opts.wasm, ...(opts.invoke ? [] : opts.args)];
    wasi = engine.wasi({
      args, env: Object.fromEntries(opts.env), mounts: opts.mounts, listen: opts.listen,
      deterministic: opts.deterministic, seed: opts.seed, trace: opts.trace,
    });
    // A port the OS picked is worth knowing: nothing else could tell.
    (wasi.sockets || []).forEach((s, i) => {
      if (/:0$/.test(opts.listen[i])) io.stderr(`wasihost: listening on ${s.family === 'IPv6' ? `[${s.address}]` : s.address}:${s.port} (fd ${s.fd})\n`);
    });
    const limits = {};
    if (opts.fuel !== undefined) limits.fuel = opts.fuel;
    if (opts.maxMemory !== undefined) limits.maxMemory = opts.maxMemory;
    if (opts.timeout !== undefined) limits.timeout = Number(opts.timeout);
    if (opts.profile) {
      if (engine.name === 'node:wasi') throw new UsageError('--profile needs the wasihost engine');
      limits.profile = { mode: opts.profileExact ? 'exact' : 'sample', interval: Number(opts.profileInterval || 1000) };
    }
    inst = engine.instantiate(mod, wasi.getImportObject(), Object.keys(limits).length ? limits : undefined);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    if (engine.isTrap(e)) { io.stderr(trapText(e, engine)); return TRAP_STATUS; }
    io.stderr(`wasihost: ${opts.wasm}: ${e && e.name ? `${e.name}: ` : ''}${e && e.message || e}\n`);
    return LOAD_STATUS;
  }
  const exportsList = engine.exportNames(mod);
  try {
    return runLoaded(opts, engine, io, wasi, inst, exportsList);
  } finally {
    // whatever way the run ended (exit, trap), the profile is written
    if (opts.profile) saveProfile(opts, inst, io);
  }
}

function saveProfile(opts, inst, io) {
  try {
    const { writeProfile } = require('./profile/profile');
    writeProfile(inst.profile(), opts.profile);
  } catch (e) {
    io.stderr(`wasihost: --profile ${opts.profile}: ${e && e.message || e}\n`);
  }
}

function runLoaded(opts, engine, io, wasi, inst, exportsList) {
  try {
    if (!opts.invoke) {
      if (!exportsList.includes('_start')) {
        io.stderr(`wasihost: ${opts.wasm} has no _start export` +
          (exportsList.includes('_initialize') ? ' (it is a reactor: use --invoke NAME)' : '') + '\n');
        return LOAD_STATUS;
      }
      return wasi.start(inst);
    }
    if (exportsList.includes('_initialize')) wasi.initialize(inst);
    const fn = inst.exports[opts.invoke];
    if (typeof fn !== 'function') {
      io.stderr(`wasihost: ${opts.wasm} exports no function ${JSON.stringify(opts.invoke)}\n`);
      return LOAD_STATUS;
    }
    const types = engine.paramTypes(fn);
    let result;
    try {
      result = fn(...invokeArgs(opts.args, types));
    } catch (e) {
      // Without type reflection (V8), an i64 parameter shows up as a
      // TypeError about BigInt: retry with BigInts.
      if (types || !(e instanceof TypeError) || !/BigInt/.test(e.message)) throw e;
      result = fn(...invokeArgs(opts.args, opts.args.map((w) => (/^-?\d+$/.test(w) ? 'i64' : 'f64'))));
    }
    for (const r of Array.isArray(result) ? result : result === undefined ? [] : [result]) {
      io.stdout(`${r}\n`);
    }
    return 0;
  } catch (e) {
    if (isExit(e, engine)) return e.code;
    if (e instanceof UsageError) throw e;
    if (engine.isTrap(e)) { io.stderr(trapText(e, engine)); return TRAP_STATUS; }
    throw e;
  }
}

function version() {
  try {
    return require(path.join(__dirname, '..', 'package.json')).version;
  } catch (_) {
    return 'unknown';
  }
}

// argv: words after the program name.  options: { env, engine: 'wasihost'
// | 'node', stdout, stderr, go: true for the exec-wrapper convention }.
function main(argv, options = {}) {
  const io = {
    stdout: options.stdout || ((s) => fs.writeSync(1, s)),
    stderr: options.stderr || ((s) => fs.writeSync(2, s)),
  };
  const hostEnv = options.env || process.env;
  try {
    const words = options.go ? goExecArgs(argv, hostEnv) : argv;
    const opts = parseArgs(words, hostEnv);
    if (opts.command === 'help') { io.stdout(USAGE); return 0; }
    if (opts.command === 'version') { io.stdout(`wasihost ${version()}\n`); return 0; }
    return run(opts, loadEngine(options.engine), io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`${options.go ? 'go_wasip1_wasm_exec' : 'wasihost'}: ${e.message}\n` +
        (options.go ? '' : "Try 'wasihost --help'.\n"));
      return USAGE_STATUS;
    }
    if (e instanceof LoadError) {
      io.stderr(`wasihost: ${e.message}\n`);
      return LOAD_STATUS;
    }
    io.stderr(`wasihost: internal error: ${e && e.stack || e}\n`);
    return LOAD_STATUS;
  }
}

module.exports = {
  main, parseArgs, goExecArgs, parseSize, UsageError, USAGE,
  TRAP_STATUS, LOAD_STATUS, USAGE_STATUS,
};
