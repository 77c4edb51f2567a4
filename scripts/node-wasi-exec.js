#!/usr/bin/env node
'use strict';
// go_wasip1_wasm_exec on node:wasi (V8's WebAssembly + uvwasi), for
// comparing wasihost with Node's built-in WASI (scripts/gostd.js --node).
// Same grants as bin/go_wasip1_wasm_exec; node:wasi is no sandbox.
const { main } = require('../lib/cli.js');

process.exitCode = main(process.argv.slice(2), { go: true, engine: 'node' });
