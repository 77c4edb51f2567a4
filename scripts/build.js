'use strict';
// Builds the addon against the running Node's own headers (never a download).
//   node scripts/build.js             -> build/Release/wasihost.node via node-gyp
//   node scripts/build.js --sanitize  -> build/asan/wasihost.node (ASan+UBSan),
//     load it with WASIHOST_BINDING=build/asan/wasihost.node and
//     LD_PRELOAD=$(gcc -print-file-name=libasan.so)
//   node scripts/build.js --tsan      -> build/tsan/wasihost.node (ThreadSanitizer,
//     -O1 -g); load it with WASIHOST_BINDING=build/tsan/wasihost.node and
//     LD_PRELOAD=$(gcc -print-file-name=libtsan.so); `npm run test:tsan`
//     (scripts/tsan.js) does all of that for the concurrency tests
//   node scripts/build.js --debug     -> build/debug/wasihost.node (-O0 -g)
//   node scripts/build.js --profile   -> build/profile/wasihost.node, counts
//     executed instructions and pairs into $WASIHOST_PROFILE at exit
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const nodePrefix = path.dirname(path.dirname(process.execPath));
const nodeInclude = path.join(nodePrefix, 'include', 'node');
if (!fs.existsSync(path.join(nodeInclude, 'node_api.h'))) {
  console.error(`wasihost: Node headers not found at ${nodeInclude}; ` +
    'install the Node development headers that match this node binary.');
  process.exit(1);
}

function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    path.join(nodePrefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  try { candidates.push(require.resolve('node-gyp/bin/node-gyp.js')); } catch (_) { /* not installed */ }
  return candidates.find((p) => p && fs.existsSync(p));
}

function direct(variant, flags) {
  // A plain compiler run for the sanitizer and debug variants: node-gyp has
  // one build dir, and these must sit beside the release build.
  const out = path.join(root, 'build', variant);
  fs.mkdirSync(out, { recursive: true });
  const sources = require('child_process')
    .execFileSync(process.execPath, [path.join(__dirname, 'sources.js')], { cwd: root })
    .toString().split(' ').filter(Boolean);
  const cc = process.env.CC || 'gcc';
  const args = [...require('./cflags').common, '-fPIC', '-shared', ...flags,
    '-I', path.join(root, 'include'), '-I', path.join(root, 'src'), '-I', nodeInclude,
    ...sources.map((s) => path.join(root, s)), '-o', path.join(out, 'wasihost.node'), '-lm'];
  execFileSync(cc, args, { stdio: 'inherit' });
  console.log(`wasihost: built ${path.join(out, 'wasihost.node')}`);
}

const argv = process.argv.slice(2);
if (argv.includes('--sanitize')) {
  direct('asan', ['-O1', '-g', '-fsanitize=address,undefined', '-fno-omit-frame-pointer',
    '-fno-sanitize-recover=undefined']);
} else if (argv.includes('--tsan')) {
  direct('tsan', ['-O1', '-g', '-fsanitize=thread', '-fno-omit-frame-pointer']);
} else if (argv.includes('--profile')) {
  // instruction/pair counts written to $WASIHOST_PROFILE at exit
  direct('profile', ['-O2', '-DWI_PROFILE']);
} else if (argv.includes('--debug')) {
  direct('debug', ['-O0', '-g']);
} else {
  const gyp = nodeGyp();
  if (!gyp) {
    console.error('wasihost: node-gyp not found (it ships with npm)');
    process.exit(1);
  }
  const jobs = String(Math.max(1, require('os').availableParallelism?.() || 2));
  // configure + build rather than rebuild: rebuild deletes build/, which
  // holds the debug/asan/profile variants and test caches too.
  for (const step of [['configure'], ['build', '--jobs', jobs]]) {
    execFileSync(process.execPath, [gyp, ...step, `--nodedir=${nodePrefix}`],
      { cwd: root, stdio: 'inherit' });
  }
}
