'use strict';
// Seeds fuzz/corpus/ from the spec suite's binaries (/work/shared or
// $SPEC_JSON_DIR): valid modules first (they reach the instantiation and
// call paths), a few invalid/malformed ones per file, SIMD skipped (the
// engine rejects v128), small files only, under ~2 MB in total.  Names are
// the source files' names, so reruns are deterministic.  Skips cleanly
// when the suite is absent.  Usage: node fuzz/make-corpus.js
const fs = require('fs');
const path = require('path');

const jsonDir = process.env.SPEC_JSON_DIR || '/work/shared/spec-2.0/json';
const outDir = path.join(__dirname, 'corpus');
const MAX_FILE = 24 << 10, MAX_TOTAL = 1900 << 10;
const VALID_PER_WAST = 8, INVALID_PER_WAST = 2;
// Seeds that hit an engine bug already reported (each one a reproducer in
// test/fuzz-regressions/): they would stall every fuzzing job.  Put them
// back once the engine is fixed.
const EXCLUDE = new Set([
]);

if (!fs.existsSync(jsonDir)) {
  console.log(`make-corpus: ${jsonDir} absent, nothing to do`);
  process.exit(0);
}
fs.mkdirSync(outDir, { recursive: true });
const picked = [];
for (const f of fs.readdirSync(jsonDir).sort()) {
  if (!f.endsWith('.json') || f.startsWith('simd')) continue;
  const { commands } = JSON.parse(fs.readFileSync(path.join(jsonDir, f), 'utf8'));
  let valid = 0, invalid = 0;
  for (const c of commands) {
    if (!c.filename || !c.filename.endsWith('.wasm') || c.module_type === 'text') continue;
    if (EXCLUDE.has(c.filename)) continue;
    const file = path.join(jsonDir, c.filename);
    if (!fs.existsSync(file)) continue;
    const size = fs.statSync(file).size;
    if (size > MAX_FILE) continue;
    if (c.type === 'module' && valid < VALID_PER_WAST) { valid++; picked.push([file, size]); }
    else if (/assert_(invalid|malformed|unlinkable|trap|uninstantiable)/.test(c.type) &&
             invalid < INVALID_PER_WAST) { invalid++; picked.push([file, size]); }
  }
}
let total = 0, n = 0;
for (const [file, size] of picked) {
  if (total + size > MAX_TOTAL) break;
  fs.copyFileSync(file, path.join(outDir, path.basename(file)));
  total += size; n++;
}
console.log(`make-corpus: ${n} files, ${total} bytes in ${outDir}`);
