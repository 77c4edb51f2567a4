#!/usr/bin/env node
'use strict';
// `wasihost run [options] module.wasm [args...]`: see lib/cli.js or --help.
// The guest runs in this process, so a signal that kills it kills this
// process too and the parent sees the signal itself (a shell reports
// 128 + signo), the same as for a native program.
const { main } = require('../lib/cli.js');

process.exitCode = main(process.argv.slice(2));
