'use strict';
// npm's install hook.  Uses the prebuilt binary the package ships for this
// platform when it loads here; otherwise builds from source with node-gyp
// (scripts/build.js), and when that fails too says what to install.
//   npm install --build-from-source   (or WASIHOST_BUILD_FROM_SOURCE=1)
// skips the prebuilt binary.  With --ignore-scripts this never runs and
// lib/load-addon.js finds the prebuilt binary on its own.
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const addon = require('../lib/load-addon');

const root = path.join(__dirname, '..');
const fromSource = process.env.npm_config_build_from_source === 'true' ||
  process.env.WASIHOST_BUILD_FROM_SOURCE === '1';

function loads(file) {
  const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(file)})`], { encoding: 'utf8' });
  return r.status === 0 ? null : (r.stderr.split('\n').find((l) => /Error/.test(l)) || `exit ${r.status}`);
}

if (!fromSource) {
  const file = addon.prebuiltPath();
  if (fs.existsSync(file)) {
    const why = loads(file);
    if (!why) {
      console.log(`wasihost: using the prebuilt binary ${path.relative(root, file)}`);
      process.exit(0);
    }
    console.log(`wasihost: the prebuilt binary ${path.relative(root, file)} does not load here (${why}); building from source`);
  } else {
    console.log(`wasihost: no prebuilt binary for ${path.basename(path.dirname(file))}; building from source`);
  }
}

const r = spawnSync(process.execPath, [path.join(__dirname, 'build.js')], { cwd: root, stdio: 'inherit' });
if (r.status !== 0) {
  console.error(`\nwasihost: building the native addon from source failed.\n${addon.howToInstall(fs.existsSync(addon.prebuiltPath()))}`);
  process.exit(1);
}
