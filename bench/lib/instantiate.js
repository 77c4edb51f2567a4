'use strict';
// Child process: compile (`new Module`) and instantiate (`new Instance`)
// times of one module, in process, REPS times each.
//   node instantiate.js wasihost|nodewasi FILE.wasm REPS
// Prints one JSON line: {compile: [ms...], instantiate: [ms...], bytes}.
// The module's imports come from a WASI object (not started); nothing runs.
const fs = require('fs');
const path = require('path');
const { performance } = require('perf_hooks');

const [runtime, file, repsArg] = process.argv.slice(2);
const reps = Number(repsArg);
const bytes = fs.readFileSync(file);
let Module, Instance, imports;
if (runtime === 'wasihost') {
  const w = require(path.join(__dirname, '..', '..'));
  ({ Module, Instance } = w);
  imports = new w.WASI({ version: 'preview1', args: ['big'] }).getImportObject();
} else {
  const { WASI } = require('wasi');
  ({ Module, Instance } = WebAssembly);
  imports = new WASI({ version: 'preview1', args: ['big'] }).getImportObject();
}
const compile = [];
const instantiate = [];
for (let i = 0; i < reps; i++) {
  const t0 = performance.now();
  const mod = new Module(bytes);
  const t1 = performance.now();
  const inst = new Instance(mod, imports);
  const t2 = performance.now();
  if (typeof inst.exports._start !== 'function') throw new Error('no _start export');
  compile.push(t1 - t0);
  instantiate.push(t2 - t1);
}
process.stdout.write(JSON.stringify({ compile, instantiate, bytes: bytes.length }) + '\n');
