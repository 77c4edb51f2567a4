'use strict';
// The C flags of the addon, in one place: binding.gyp (node-gyp builds from
// source), scripts/build.js (sanitizer, debug and profile variants) and
// scripts/prebuild.js (the binaries shipped in the npm tarball) all take
// them from here, so a prebuilt binary is compiled exactly as a source
// build on the user's machine is.
// The C test programs (test/engine/c-api.test.js, test/wasi/resolver.test.js,
// the WASI test shim) and the fuzzers (fuzz/build.sh) take `common` too.
//   node scripts/cflags.js           -> the release flags, space-separated, for gyp
//   node scripts/cflags.js --common  -> the flags every build shares
// -Werror where CI=true (CI's run of .ci/run) or WASIHOST_WERROR=1: warnings
// fail CI, while a user's newer compiler with new warnings still installs.
//
// -O2: the project's optimisation level from the start (in a node-gyp build
// it follows gyp's default -O3 on the command line and so wins).
// -fno-strict-aliasing: the interpreter reads slots through differently
// typed pointers.  -fno-omit-frame-pointer and -pthread: what node-gyp adds
// on Linux anyway, so direct compiler runs match it.
const common = [
  '-std=c11', '-D_GNU_SOURCE', '-Wall', '-Wextra', '-Wno-unused-parameter',
  '-fno-strict-aliasing', '-fno-omit-frame-pointer', '-pthread',
  ...(process.env.CI === 'true' || process.env.WASIHOST_WERROR === '1' ? ['-Werror'] : []),
];
const release = [...common, '-O2'];

module.exports = { common, release };

if (require.main === module) {
  process.stdout.write((process.argv.includes('--common') ? common : release).join(' '));
}
