'use strict';
// The committed wasm of the C fixtures and examples (scripts/wasm-fixtures.js)
// is what their sources build to: everywhere, the lock's source hashes must
// match the sources and its wasm hashes the committed files; with clang and
// the pinned toolchain, a rebuild must give the same bytes.
const t = require('tap');
const fs = require('fs');
const path = require('path');
const fx = require('../../scripts/wasm-fixtures.js');

const root = path.join(__dirname, '..', '..');
const lock = fx.readLock();

t.test('every fixture has committed wasm built from its current source', async (t) => {
  t.ok(lock, 'lock file exists');
  const progs = fx.programs();
  t.ok(progs.length >= 13, `${progs.length} programs`);
  t.same(Object.keys(lock.programs).sort(), progs.map((p) => p.src).sort(), 'the lock lists exactly the sources');
  for (const p of progs) {
    const entry = lock.programs[p.src] || {};
    t.equal(entry.source, fx.sourceHash(p), `${p.src} unchanged since its wasm was built`);
    const file = path.join(root, p.wasm);
    t.equal(fs.existsSync(file) && fx.sha(fs.readFileSync(file)), entry.wasm, `${p.wasm} is the locked build`);
  }
});

const missing = fx.clangMissing();
const diff = missing ? [] : fx.toolchainDiff(lock, fx.toolchain());
const skip = missing ? `rebuilding needs clang: ${missing}`
  : diff.length ? `toolchain differs from the pin (${diff.join('; ')})` : false;
t.test('clang rebuilds the same bytes', { skip }, async (t) => {
  for (const r of fx.check()) {
    t.ok(r.same, `${r.wasm} rebuilt byte for byte`);
  }
});
