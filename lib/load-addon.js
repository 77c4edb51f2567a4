'use strict';
// Finds and loads the native addon, in this order:
//   1. $WASIHOST_BINDING (a debug, ASan or TSan build);
//   2. build/Release/wasihost.node, a build from source (a git checkout,
//      `npm install --build-from-source`, or a platform without a prebuilt
//      binary, where the install script ran node-gyp);
//   3. prebuilds/<platform>-<arch>/wasihost.<libc>.node, the binary the npm
//      tarball ships for this platform (prebuildify's layout, as
//      node-gyp-build reads it).  Node-API is ABI-stable, so one binary per
//      platform serves every Node version from the `engines` range.
// When none loads, the error says what was tried and what to install.
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');

// 'glibc' or 'musl' on Linux, '' elsewhere.  As detect-libc does: the
// text of ldd first (a read of one small file), else the runtime glibc
// version in Node's diagnostic report header (~25 ms to build).
function libc() {
  if (process.platform !== 'linux') return '';
  try {
    const ldd = fs.readFileSync('/usr/bin/ldd', 'latin1');
    if (ldd.includes('musl')) return 'musl';
    if (ldd.includes('GNU C Library') || ldd.includes('GLIBC')) return 'glibc';
  } catch (_) { /* no ldd: ask the report */ }
  try {
    const header = process.report.getReport().header;
    return header.glibcVersionRuntime ? 'glibc' : 'musl';
  } catch (_) {
    return 'glibc';
  }
}

function prebuiltPath(platform = process.platform, arch = process.arch, lib = libc()) {
  const name = lib ? `wasihost.${lib}.node` : 'wasihost.node';
  return path.join(root, 'prebuilds', `${platform}-${arch}`, name);
}

// Paths are made on demand: the prebuilt one needs libc(), and a build
// from source usually loads first.
function* candidates() {
  if (process.env.WASIHOST_BINDING) {
    yield path.resolve(process.env.WASIHOST_BINDING);
    return;
  }
  yield path.join(root, 'build', 'Release', 'wasihost.node');
  yield prebuiltPath();
}

// prebuiltFailed: the prebuilt binary exists but did not load here.
function howToInstall(prebuiltFailed = false) {
  const target = `${process.platform}-${process.arch}${process.platform === 'linux' ? ` (${libc()})` : ''}`;
  const tools = {
    linux: 'python3, make and a C compiler (Debian/Ubuntu: `apt-get install python3 make gcc`; ' +
      'Alpine: `apk add python3 make gcc musl-dev linux-headers`; Fedora: `dnf install python3 make gcc`)',
    darwin: 'the Xcode command line tools (`xcode-select --install`) and python3',
    win32: 'Visual Studio Build Tools with the "Desktop development with C++" workload and python3',
  }[process.platform] || 'python3, make and a C11 compiler';
  const shipped = ['linux-x64 (glibc)', 'linux-arm64 (glibc)'].includes(target);
  const prebuilt = prebuiltFailed
    ? `the prebuilt binary for ${target} does not load here, so wasihost must be built from source`
    : shipped ? `this copy of wasihost has no prebuilt binary for ${target} (a git checkout, or installed without prebuilds/) and no build from source`
      : `wasihost ships prebuilt binaries for linux-x64 and linux-arm64 (glibc), none for ${target}`;
  // An installed copy sits in node_modules; a checkout builds in place.
  const build = root.split(path.sep).includes('node_modules')
    ? 'then build it: `npm --prefix node_modules/wasihost run build` (or `npm rebuild wasihost` where ' +
      'npm runs its install script: npm 11 runs it only once approved with `npm install-scripts approve wasihost`).'
    : `then run \`npm run build\` in ${root}.`;
  return `${prebuilt}. Install ${tools} and the Node headers of this node binary (nvm and the ` +
    'official tarballs include them; distribution packages call them nodejs-dev or libnode-dev), ' + build;
}

function load() {
  const tried = [];
  let prebuiltFailed = false;
  for (const file of candidates()) {
    if (!fs.existsSync(file)) {
      tried.push(`${file}: not found`);
      continue;
    }
    try {
      return require(file);
    } catch (e) {
      // A prebuilt binary that exists but does not load (an older glibc, a
      // corrupted download) must not hide behind "not found".
      tried.push(`${file}: ${String(e && e.message).split('\n')[0]}`);
      if (file === prebuiltPath()) prebuiltFailed = true;
    }
  }
  const advice = process.env.WASIHOST_BINDING
    ? 'WASIHOST_BINDING names the addon to load: point it at a build (e.g. build/Release/wasihost.node) or unset it.'
    : howToInstall(prebuiltFailed);
  const err = new Error(`wasihost: cannot load the native addon.\n  ${tried.join('\n  ')}\n${advice}`);
  err.code = 'ERR_WASIHOST_NO_ADDON';
  throw err;
}

module.exports = { load, candidates, prebuiltPath, libc, howToInstall };
