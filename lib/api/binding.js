'use strict';
// Loads the native addon (lib/load-addon.js: $WASIHOST_BINDING, a build
// from source, or the prebuilt binary for this platform).
module.exports = require('../load-addon').load();

// Whoever loads the binding first (lib/index.js, or lib/wasi.js required on
// its own), lib/index.js must run once to initialise it with the JS classes.
// A cycle when index.js is the entry point: then this is a no-op.
require('../index');
