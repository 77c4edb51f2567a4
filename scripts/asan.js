'use strict';
// `npm run test:asan`: builds the addon with AddressSanitizer and
// UndefinedBehaviorSanitizer (build/asan/wasihost.node) and runs on it the
// spec suite, every function translated up front (WASIHOST_EAGER) so the
// translator sees all of it, then the abuse battery (test/abuse: user JS
// that disposes, throws or re-enters inside every native operation).
// Extra arguments go to scripts/spec.js (e.g. file globs; the battery is
// skipped then); `--tests` runs the whole tap suite instead, `--abuse` only
// the battery.
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
const run = (script, rest) => spawnSync(process.execPath, [path.join(__dirname, script), ...rest],
  { stdio: 'inherit', env });
const status = (r) => (r.status === null ? 1 : r.status);
const fs = require('fs');
const battery = () => run('test.js', fs.readdirSync(path.join(root, 'test', 'abuse'))
  .filter((f) => f.endsWith('.test.js')).map((f) => path.join(root, 'test', 'abuse', f)));
if (args[0] === '--tests') process.exit(status(run('test.js', args.slice(1))));
if (args[0] === '--abuse') process.exit(status(battery()));
const spec = status(run('spec.js', ['--failures', '5', ...args]));
process.exit(args.length ? spec : spec || status(battery()));
