'use strict';
// Child process: runs one WASI command module on wasihost or node:wasi and
// exits with the guest's exit code.  For wasihost the compile phase
// includes reading the file.
//   node run-wasm.js wasihost|nodewasi FILE.wasm [guest args...]
// Guest stdio is inherited (the harness pipes stdout to check the output).
// When BENCH_REPORT names a file, writes there a JSON line with the phase
// times (ms) and the guest's final memory size (bytes).  BENCH_PREOPEN=DIR
// preopens DIR at `.` (the Sightglass convention: the working directory).
const fs = require('fs');
const path = require('path');
const { performance } = require('perf_hooks');

const [runtime, file, ...guestArgs] = process.argv.slice(2);
const t0 = performance.now();
// wasihost compiles the file in place (Module.fromFile, as `wasihost run`
// does: one copy of the bytes); V8 needs them in a Buffer first.
const bytes = runtime === 'wasihost' ? null : fs.readFileSync(file);
const args = [file.replace(/.*\//, ''), ...guestArgs];
const preopens = process.env.BENCH_PREOPEN ? { '.': process.env.BENCH_PREOPEN } : {};
let Module, Instance, wasi;
if (runtime === 'wasihost') {
  const w = require(path.join(__dirname, '..', '..'));
  const { WASI } = w;
  ({ Module, Instance } = w);
  wasi = new WASI({ version: 'preview1', args, env: {}, preopens });
} else if (runtime === 'nodewasi') {
  const { WASI } = require('wasi');
  ({ Module, Instance } = WebAssembly);
  wasi = new WASI({ version: 'preview1', args, env: {}, preopens, returnOnExit: true });
} else {
  throw new Error(`unknown runtime ${runtime}`);
}
const t1 = performance.now();
const mod = bytes ? new Module(bytes) : Module.fromFile(file);
const t2 = performance.now();
const inst = new Instance(mod, wasi.getImportObject());
const t3 = performance.now();
const code = wasi.start(inst);
const t4 = performance.now();
if (process.env.BENCH_REPORT) {
  const mem = inst.exports.memory;
  fs.writeFileSync(process.env.BENCH_REPORT, JSON.stringify({
    load: t1 - t0, compile: t2 - t1, instantiate: t3 - t2, run: t4 - t3,
    memoryBytes: mem && mem.buffer ? mem.buffer.byteLength : null,
    exitCode: code,
  }) + '\n');
}
process.exitCode = code;
