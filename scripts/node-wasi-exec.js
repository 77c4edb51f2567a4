#!/usr/bin/env node
'use strict';
// go_wasip1_wasm_exec on node:wasi (V8's WebAssembly + uvwasi), for
// comparing wasihost with Node's built-in WASI (scripts/gostd.js --node,
// GO_TEST_RUNTIME=node).  Same grants as bin/go_wasip1_wasm_exec; node:wasi
// is no sandbox.
//
// It re-runs itself with two V8 flags, without which Go test binaries crash
// Node 20 rather than fail: --stack-size (V8's ~1 MB default overflows on
// Go's deeper tests, e.g. regexp; Go's own wrapper gives wasmtime 8 MB) and
// --no-turbo-fast-api-calls (node:wasi's fast-call poll_oneoff can trigger a
// GC inside the fast call: "Fatal error ... unreachable code" or SIGSEGV
// under MarkCompactCollector when stdout is a pipe).
const FLAGS = ['--stack-size=7000', '--no-turbo-fast-api-calls'];

if (!FLAGS.every((f) => process.execArgv.includes(f))) {
  const { spawnSync } = require('child_process');
  const r = spawnSync(process.execPath, [...FLAGS, __filename, ...process.argv.slice(2)], { stdio: 'inherit' });
  if (r.error) throw r.error;
  // Die of the same signal the child died of, so the caller sees it too.
  if (r.signal) process.kill(process.pid, r.signal);
  process.exitCode = r.status;
} else {
  const { main } = require('../lib/cli.js');
  process.exitCode = main(process.argv.slice(2), { go: true, engine: 'node' });
}
