'use strict';
// `npm run test:asan`: builds the addon with AddressSanitizer and
// UndefinedBehaviorSanitizer (build/asan/wasihost.node) and runs the spec
// suite on it, every function translated up front (WASIHOST_EAGER) so the
// translator sees all of it.  Extra arguments go to scripts/spec.js
// (e.g. file globs); `--tests` runs the whole tap suite instead.
const { execFileSync, spawnSync } = require('child_process');
const path = require('path');

const root = path.join(__dirname, '..');
execFileSync(process.execPath, [path.join(__dirname, 'build.js'), '--sanitize'], { stdio: 'inherit' });
const libasan = execFileSync(process.env.CC || 'gcc', ['-print-file-name=libasan.so']).toString().trim();
const env = {
  ...process.env,
  LD_PRELOAD: libasan,
  // V8 and Node leak by design at exit; memory errors are what we want.
  ASAN_OPTIONS: 'detect_leaks=0:abort_on_error=0',
  UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1',
  WASIHOST_BINDING: path.join(root, 'build', 'asan', 'wasihost.node'),
  WASIHOST_EAGER: '1',
};
const args = process.argv.slice(2);
const r = args[0] === '--tests'
  ? spawnSync(process.execPath, [path.join(__dirname, 'test.js'), ...args.slice(1)], { stdio: 'inherit', env })
  : spawnSync(process.execPath, [path.join(__dirname, 'spec.js'), '--failures', '5', ...args], { stdio: 'inherit', env });
process.exit(r.status === null ? 1 : r.status);
