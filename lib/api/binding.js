'use strict';
// The native addon (lib/load-addon.js: $WASIHOST_BINDING, a build from
// source, or the prebuilt binary for this platform).  A leaf: lib/api/init.js
// hands it the JS classes, and every entry point (lib/index.js, lib/wasi.js)
// requires that first.
module.exports = require('../load-addon').load();
