'use strict';
// The engine's public C API driven from a plain C program (test/c/
// engine_threads.c, built here with gcc under ASan+UBSan, linked with
// src/engine only): interrupts reaching nested runs and start functions,
// and execution stacks freed at thread exit and trimmed on request.
const t = require('tap');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const wabt = require('wabt');
const { assertChecks, buildEngineProgram, runProgram } = require('../c/checks');

let gcc = true;
try { execFileSync('gcc', ['--version'], { stdio: 'ignore' }); } catch (_) { gcc = false; }

const locals = Array.from({ length: 64 }, () => 'i64').join(' ');
const body = (start) => `(module
  (import "e" "cb" (func $cb))
  (func $spin (export "spin") (loop br 0))
  (func (export "callThenSpin") (call $cb) (loop br 0))
  (func $deep (export "deep") (param $n i32) (result i32) (local ${locals})
    (if (result i32) (i32.eqz (local.get $n)) (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $deep (i32.sub (local.get $n) (i32.const 1)))))))
  ${start ? '(start $spin)' : ''})`;

if (!gcc) {
  t.skip('gcc not installed');
} else {
  t.test('engine C API: interrupts, start functions, thread stacks', async (t) => {
    const w = await wabt();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wh-capi-'));
    t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
    const files = [false, true].map((start) => {
      const m = w.parseWat('c.wat', body(start));
      const file = path.join(dir, start ? 'start.wasm' : 'plain.wasm');
      fs.writeFileSync(file, Buffer.from(m.toBinary({}).buffer));
      m.destroy();
      return file;
    });
    const exe = path.join(dir, 'engine_threads');
    buildEngineProgram('engine_threads', exe);
    const r = runProgram(exe, files);
    assertChecks(t, r, 17);
  });
}
