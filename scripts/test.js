'use strict';
// `npm test`: runs every test/**/*.test.js under tap and closes with the
// totals alone on a line, "N passed, N failed, N skipped", which CI reads.
// Counts are leaf assertions: a subtest's own summary line is not counted.
const { spawn, spawnSync } = require('child_process');
const path = require('path');
const fs = require('fs');

const root = path.join(__dirname, '..');
const tapBin = path.join(root, 'node_modules', 'tap', 'dist', 'esm', 'run.mjs');
const args = process.argv.slice(2);

function countLeaves(text) {
  let passed = 0, failed = 0, skipped = 0;
  const skips = [];
  let prevIndent = -1;
  let yamlIndent = -1;
  for (const line of text.split('\n')) {
    const indent = line.length - line.trimStart().length;
    const body = line.trim();
    if (yamlIndent >= 0) {
      if (indent === yamlIndent && body === '...') yamlIndent = -1;
      continue;
    }
    if (body === '---') { yamlIndent = indent; continue; }
    if (body === '' || body.startsWith('#')) continue;
    const m = /^(not )?ok\b/.exec(body);
    if (m) {
      const isSummary = prevIndent > indent;
      if (!isSummary) {
        if (/#\s*(SKIP|TODO)\b/i.test(body)) {
          skipped++;
          skips.push(body.replace(/^ok \d+ - /, ''));
        }
        else if (m[1]) failed++;
        else passed++;
      } else if (m[1] && /#\s*(time|SKIP|TODO)/i.test(body) === false) {
        // a subtest that failed without a failing leaf (e.g. it threw or timed out)
        failed++;
      }
    }
    prevIndent = indent;
  }
  return { passed, failed, skipped, skips };
}

// Only *.test.js files are tests; the rest of test/ is fixtures and helpers.
function findTests(dir, out = []) {
  for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name);
    if (ent.isDirectory()) {
      if (ent.name !== 'node_modules' && ent.name !== 'fixtures') findTests(p, out);
    } else if (ent.name.endsWith('.test.js')) {
      out.push(path.relative(root, p));
    }
  }
  return out.sort();
}
// tap rebuilds itself when package.json's plugin list changes, but the run that
// rebuilds still starts its test files with the old plugins' --import hooks
// (a fresh install's first run, i.e. every CI run). So build first when the
// built signature still names a plugin package.json removes.
function tapBuiltWithRemovedPlugin() {
  const removed = ((require(path.join(root, 'package.json')).tap || {}).plugin || [])
    .filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  let built;
  try {
    built = fs.readFileSync(path.join(root, 'node_modules', '@tapjs', 'test', 'test-built', 'dist', 'esm', 'index.js'), 'utf8');
  } catch { return false; }
  const m = /export const signature = `([^`]*)`/.exec(built);
  return !!m && removed.some((p) => m[1].split('\n').includes(p));
}
if (tapBuiltWithRemovedPlugin()) {
  const r = spawnSync(process.execPath, [tapBin, 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) process.stderr.write('tap build failed; running with the installed plugins\n');
}

const files = args.length ? args : findTests(path.join(root, 'test'));
const child = spawn(process.execPath, [tapBin, '--reporter=tap', ...files], {
  cwd: root, stdio: ['ignore', 'pipe', 'inherit'],
});
let out = '';
child.stdout.on('data', (d) => { out += d; process.stdout.write(d); });
child.on('close', (code) => {
  const { passed, failed, skipped, skips } = countLeaves(out);
  const bad = failed + (code !== 0 && failed === 0 ? 1 : 0);
  const line = `${passed} passed, ${bad} failed, ${skipped} skipped`;
  fs.mkdirSync(path.join(root, 'build'), { recursive: true });
  fs.writeFileSync(path.join(root, 'build', 'test-totals.txt'), line + '\n');
  // Every skip with its reason, so the closing count is accounted for.
  if (skips.length) process.stdout.write(`\nskipped:\n${skips.map((x) => `  ${x}`).join('\n')}\n`);
  process.stdout.write(`\n${line}\n`);
  process.exit(code === 0 ? 0 : 1);
});
