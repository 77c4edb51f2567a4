'use strict';
// A C embedder of include/wasihost.h without Node (test/c/embedder.c,
// built here with gcc under ASan+UBSan and linked with src/engine only):
// import matching and its messages through the public C API.
const t = require('tap');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync, spawnSync } = require('child_process');
const wabt = require('wabt');
const { assertChecks } = require('../c/checks');

const root = path.join(__dirname, '..', '..');
let gcc = true;
try { execFileSync('gcc', ['--version'], { stdio: 'ignore' }); } catch (_) { gcc = false; }

const wat = `(module
  (import "m" "f" (func (param i32) (result i64)))
  (import "m" "mem" (memory 1 2))
  (import "m" "g" (global (mut i32)))
  (import "m" "t" (table 1 funcref)))`;

if (!gcc) {
  t.skip('gcc not installed');
} else {
  t.test('C embedder: extern types', async (t) => {
    const w = await wabt();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wh-embed-'));
    t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
    const m = w.parseWat('e.wat', wat);
    const file = path.join(dir, 'imports.wasm');
    fs.writeFileSync(file, Buffer.from(m.toBinary({}).buffer));
    m.destroy();
    const engine = path.join(root, 'src', 'engine');
    const sources = fs.readdirSync(engine).filter((f) => f.endsWith('.c')).map((f) => path.join(engine, f));
    const exe = path.join(dir, 'embedder');
    execFileSync('gcc', [...require('../../scripts/cflags').common, '-O1', '-g',
      '-fsanitize=address,undefined', '-fno-sanitize-recover=undefined',
      '-I', path.join(root, 'include'), '-I', path.join(root, 'src'),
      path.join(root, 'test', 'c', 'embedder.c'), ...sources, '-lpthread', '-lm',
      '-o', exe], { stdio: ['ignore', 'inherit', 'inherit'] });
    const r = spawnSync(exe, [file], {
      encoding: 'utf8', timeout: 120000,
      env: { ...process.env, LD_PRELOAD: '', ASAN_OPTIONS: 'detect_leaks=1' },
    });
    assertChecks(t, r, 22);
  });
}
