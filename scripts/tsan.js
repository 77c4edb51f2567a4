'use strict';
// `npm run test:tsan`: builds the addon with ThreadSanitizer
// (build/tsan/wasihost.node, node scripts/build.js --tsan) and runs the
// concurrency tests on it -- async runs on guest threads, the watchdog,
// WASI calls interrupted from other threads, dispose, bodies validated on
// threads when a module compiles -- each test file as
// its own node process with libtsan preloaded (not the tap runner: Node is
// not built with TSan, and the fewer uninstrumented threads the better).
// scripts/tsan-suppressions.txt silences V8-internal false positives only.
//
//   npm run test:tsan                      # build, then the default files
//   node scripts/tsan.js --no-build [files...]
//
// Fails when a test fails or ThreadSanitizer reports anything.
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const DEFAULT = ['async', 'concurrency', 'wasi', 'limits', 'dispose', 'worker']
  .map((f) => path.join('test', 'limits', `${f}.test.js`))
  .concat([path.join('test', 'engine', 'compile-par.test.js')]); // bodies validated on threads

let args = process.argv.slice(2);
const build = !args.includes('--no-build');
args = args.filter((a) => a !== '--no-build');
const files = args.length ? args : DEFAULT;

if (build) execFileSync(process.execPath, [path.join(__dirname, 'build.js'), '--tsan'], { stdio: 'inherit' });
const libtsan = execFileSync(process.env.CC || 'gcc', ['-print-file-name=libtsan.so']).toString().trim();
if (!fs.existsSync(libtsan)) {
  console.error(`tsan: ${libtsan} not found (install gcc's libtsan)`);
  process.exit(1);
}
const env = {
  ...process.env,
  LD_PRELOAD: libtsan,
  WASIHOST_BINDING: path.join(root, 'build', 'tsan', 'wasihost.node'),
  TSAN_OPTIONS: [
    `suppressions=${path.join(__dirname, 'tsan-suppressions.txt')}`,
    'halt_on_error=0', 'report_signal_unsafe=0', 'second_deadlock_stack=1', 'exitcode=66',
    process.env.TSAN_OPTIONS || '',
  ].filter(Boolean).join(' '),
  TAP_TIMEOUT: '900', // everything is 5-20x slower under TSan
};

// TSan often cannot symbolize frames of the addon itself (its external
// symbolizer runs with libtsan preloaded): name them with addr2line.
function symbolize(text) {
  const addrs = [...new Set([...text.matchAll(/\(wasihost\.node\+(0x[0-9a-f]+)\)/g)].map((m) => m[1]))];
  if (!addrs.length) return text;
  let names;
  try {
    names = execFileSync('addr2line', ['-f', '-C', '-e', env.WASIHOST_BINDING, ...addrs])
      .toString().split('\n');
  } catch (_) {
    return text;
  }
  const map = new Map(addrs.map((a, i) => [a, `${names[2 * i]} ${names[2 * i + 1]}`]));
  return text.replace(/<null> <null> \(wasihost\.node\+(0x[0-9a-f]+)\)/g,
    (all, a) => `${map.get(a) || '<null>'} (wasihost.node+${a})`);
}

let bad = 0;
for (const file of files) {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [path.join(root, file)], { env, cwd: root, maxBuffer: 256 << 20 });
  const out = r.stdout.toString();
  const err = r.stderr.toString();
  const warnings = (err.match(/WARNING: ThreadSanitizer:/g) || []).length;
  const totals = (out.match(/^# \{ total: .*\}$/m) || ['# no totals'])[0].slice(2);
  const ok = r.status === 0 && warnings === 0;
  if (!ok) {
    bad++;
    process.stdout.write(out.split('\n').filter((l) => /^\s*not ok/.test(l)).join('\n') + '\n');
    process.stderr.write(symbolize(err));
  }
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${file}: ${totals}, ThreadSanitizer warnings: ${warnings}, ` +
    `exit ${r.status === null ? r.signal : r.status}, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
console.log(bad ? `tsan: ${bad} of ${files.length} files failed` : `tsan: all ${files.length} files clean`);
process.exit(bad ? 1 : 0);
