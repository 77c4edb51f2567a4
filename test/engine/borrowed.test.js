'use strict';
// wh_module_new_borrowed from C (test/c/borrowed.c, gcc under ASan+UBSan,
// src/engine only): bytes read in place, released once by the last
// reference (dropped on another thread), never on failure; and
// wh_module_new's copy is unaffected by changes to the caller's bytes.
const t = require('tap');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const wabt = require('wabt');
const { assertChecks, buildEngineProgram, runProgram } = require('../c/checks');

let gcc = true;
try { execFileSync('gcc', ['--version'], { stdio: 'ignore' }); } catch (_) { gcc = false; }

if (!gcc) {
  t.skip('gcc not installed');
} else {
  t.test('C embedder: a module over borrowed bytes', async (t) => {
    const w = await wabt();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wh-borrow-'));
    t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
    const good = w.parseWat('good.wat', `(module (memory 1) (data (i32.const 8) "\\2a")
      (func (export "answer") (result i32) (i32.load8_u (i32.const 8))))`);
    const files = [path.join(dir, 'good.wasm'), path.join(dir, 'bad.wasm')];
    fs.writeFileSync(files[0], Buffer.from(good.toBinary({}).buffer));
    good.destroy();
    // (func (result i32)) with an empty body: a type mismatch at validation
    fs.writeFileSync(files[1], Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
      1, 5, 1, 0x60, 0, 1, 0x7f, 3, 2, 1, 0, 10, 4, 1, 2, 0, 0x0b]));
    const exe = path.join(dir, 'borrowed');
    buildEngineProgram('borrowed', exe);
    assertChecks(t, runProgram(exe, files), 11);
  });
}
