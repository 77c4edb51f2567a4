'use strict';
// Child process: host-call cost on wasihost or node:wasi, in process.
//   node hostcall.js wasihost|nodewasi HOSTCALL.wasm CALLS REPS
// Prints one JSON line: ns per call of fd_write (1 byte to /dev/null through
// a host fd; for wasihost also with stdout 'ignore') and of a JS import
// env.noop(), each the median over REPS of (loop with call - empty loop)/CALLS.
const fs = require('fs');
const path = require('path');
const { performance } = require('perf_hooks');

const [runtime, file, callsArg, repsArg] = process.argv.slice(2);
const calls = Number(callsArg);
const reps = Number(repsArg);
const bytes = fs.readFileSync(file);
let noopCount = 0;
const noop = () => { noopCount++; };

function setup(stdout) {
  if (runtime === 'wasihost') {
    const w = require(path.join(__dirname, '..', '..'));
    const wasi = new w.WASI({ version: 'preview1', args: ['hostcall'], env: {}, stdout });
    const inst = new w.Instance(new w.Module(bytes), { ...wasi.getImportObject(), env: { noop } });
    wasi.initialize(inst);
    return inst.exports;
  }
  const { WASI } = require('wasi');
  const wasi = new WASI({ version: 'preview1', args: ['hostcall'], env: {}, stdout, returnOnExit: true });
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { ...wasi.getImportObject(), env: { noop } });
  wasi.initialize(inst);
  return inst.exports;
}

function time(ex, name, n) {
  const t0 = performance.now();
  const r = ex[name](n);
  const t1 = performance.now();
  if (name === 'write' && r !== 0) throw new Error(`fd_write returned errno ${r}`);
  return (t1 - t0) * 1e6;  // ns
}

function median(a) {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function perCall(ex, name) {
  ex[name](Math.min(calls, 10000));  // warm up (translation, tier-up)
  ex.empty(Math.min(calls, 10000));
  const samples = [];
  for (let i = 0; i < reps; i++) {
    const tCall = time(ex, name, calls);
    const tEmpty = time(ex, 'empty', calls);
    samples.push((tCall - tEmpty) / calls);
  }
  return median(samples);
}

const devnull = fs.openSync('/dev/null', 'w');
const out = {};
const ex = setup(devnull);
if (ex.write(1) !== 0) throw new Error('fd_write to /dev/null failed');
out.fdWriteDevNull = perCall(ex, 'write');
out.jsNoop = perCall(ex, 'noop');
if (runtime === 'wasihost') {
  const ex2 = setup('ignore');
  if (ex2.write(1) !== 0) throw new Error("fd_write to 'ignore' failed");
  out.fdWriteIgnore = perCall(ex2, 'write');
}
if (noopCount < calls) throw new Error('env.noop was not called');
process.stdout.write(JSON.stringify(out) + '\n');
