'use strict';
// Loads the native addon: $WASIHOST_BINDING when set (e.g. the debug or ASan
// build), else build/Release/wasihost.node.
const path = require('path');

const file = process.env.WASIHOST_BINDING
  ? path.resolve(process.env.WASIHOST_BINDING)
  : path.join(__dirname, '..', '..', 'build', 'Release', 'wasihost.node');

module.exports = require(file);

// Whoever loads the binding first (lib/index.js, or lib/wasi.js required on
// its own), lib/index.js must run once to initialise it with the JS classes.
// A cycle when index.js is the entry point: then this is a no-op.
require('../index');
