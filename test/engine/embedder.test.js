'use strict';
// A C embedder of include/wasihost.h without Node (test/c/embedder.c,
// built here with gcc under ASan+UBSan and linked with src/engine only):
// import matching and its messages, timeouts (an infinite loop stopped by
// the core's watchdog) and the guest thread pool, through the public C API.
const t = require('tap');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const wabt = require('wabt');
const { assertChecks, buildEngineProgram, runProgram } = require('../c/checks');

let gcc = true;
try { execFileSync('gcc', ['--version'], { stdio: 'ignore' }); } catch (_) { gcc = false; }

const wat = `(module
  (import "m" "f" (func (param i32) (result i64)))
  (import "m" "mem" (memory 1 2))
  (import "m" "g" (global (mut i32)))
  (import "m" "t" (table 1 funcref)))`;
const spinWat = `(module
  (import "e" "block" (func $block))
  (func (export "spin") (loop br 0))
  (func (export "answer") (result i32) (i32.const 42))
  (func (export "blocked") (call $block)))`;

if (!gcc) {
  t.skip('gcc not installed');
} else {
  t.test('C embedder: extern types, timeouts, guest threads', async (t) => {
    const w = await wabt();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wh-embed-'));
    t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
    const files = [['imports.wasm', wat], ['spin.wasm', spinWat]].map(([name, text]) => {
      const m = w.parseWat(name, text);
      const file = path.join(dir, name);
      fs.writeFileSync(file, Buffer.from(m.toBinary({}).buffer));
      m.destroy();
      return file;
    });
    const exe = path.join(dir, 'embedder');
    buildEngineProgram('embedder', exe);
    const r = runProgram(exe, files);
    assertChecks(t, r, 50);
  });
}
