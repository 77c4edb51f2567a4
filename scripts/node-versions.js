#!/usr/bin/env node
'use strict';
// `npm run test:node-versions`: runs the test suite under each supported
// Node major (default 22 and 24; the running node covers its own) with the
// `node` binary of the npm registry's node-linux-<arch> package, unpacked
// once under build/node-versions/.  The addon is the one already built: it
// is Node-API, the same binary for every version.
//   node scripts/node-versions.js [22 24 ...] [-- test files...]
// Prints each version's totals line and a summary; exit 1 when any failed.
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const majors = (dash < 0 ? argv : argv.slice(0, dash)).filter((a) => /^\d+$/.test(a));
const files = dash < 0 ? [] : argv.slice(dash + 1);
const wanted = majors.length ? majors : ['22', '24'];

function nodeBinary(major) {
  const pkg = `node-${process.platform}-${process.arch}`;
  const dir = path.join(root, 'build', 'node-versions', major);
  const bin = path.join(dir, 'package', 'bin', 'node');
  if (fs.existsSync(bin)) return bin;
  fs.mkdirSync(dir, { recursive: true });
  const tgz = execFileSync('npm', ['pack', `${pkg}@${major}`, '--silent', '--pack-destination', dir], { cwd: dir })
    .toString().trim().split('\n').pop();
  execFileSync('tar', ['xzf', path.join(dir, tgz), '-C', dir]);
  fs.rmSync(path.join(dir, tgz));
  return bin;
}

const results = [];
for (const major of wanted) {
  const bin = nodeBinary(major);
  const version = execFileSync(bin, ['--version']).toString().trim();
  console.log(`\n=== Node ${version} (${path.relative(root, bin)}) ===`);
  const t0 = Date.now();
  // PATH first: child processes the tests spawn by name ("node") get it too.
  const env = { ...process.env, PATH: `${path.dirname(bin)}${path.delimiter}${process.env.PATH}` };
  const r = spawnSync(bin, [path.join(__dirname, 'test.js'), ...files], { cwd: root, env, stdio: 'inherit' });
  const totals = fs.readFileSync(path.join(root, 'build', 'test-totals.txt'), 'utf8').trim();
  results.push({ version, totals, status: r.status, seconds: (Date.now() - t0) / 1000 });
}
console.log('\nNode versions:');
for (const r of results) console.log(`  ${r.version}: ${r.totals} (${r.seconds.toFixed(0)} s wall)`);
process.exit(results.every((r) => r.status === 0) ? 0 : 1);
