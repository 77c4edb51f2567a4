'use strict';
// Exception handling through the engine's C API (test/c/eh_api.c, built
// with gcc under ASan+UBSan with leak checks, linked with src/engine only):
// host functions throwing into wasm, wasm exceptions reaching the host,
// and no exception left allocated once everything is dropped.
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
  (import "e" "host" (func $host (param i32)))
  (import "e" "tag" (tag $t (param i32)))
  (tag $own (export "own") (param i32))
  (global $kept (mut exnref) (ref.null exn))
  (func (export "catch_host") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $t $h) (call $host (local.get 0)))
      (i32.const -1)))
  (func (export "throw_own") (param i32) (throw $own (local.get 0)))
  ;; per round: a catch, a rethrow out of a catch body, a branch out of one
  (func (export "loops") (param i32) (result i32)
    (local $n i32)
    (loop $l
      (try (do (throw $own (i32.const 1))) (catch $own (local.get $n) (i32.add) (local.set $n)))
      (try (do (try (do (throw $own (i32.const 1))) (catch_all (rethrow 0))))
        (catch $own (local.get $n) (i32.add) (local.set $n)))
      (block $out
        (try (do (call $host (i32.const 1))) (catch $t (local.get $n) (i32.add) (local.set $n) (br $out))))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br_if $l (local.get 0)))
    (local.get $n))
  ;; an exnref kept in a global, thrown again and caught by tag
  (func (export "stored") (param i32) (result i32)
    (block $h (result exnref)
      (try_table (catch_all_ref $h) (throw $own (local.get 0)))
      (unreachable))
    (global.set $kept)
    (block $c (result i32)
      (try_table (catch $own $c) (throw_ref (global.get $kept)))
      (i32.const -1)))
  (func (export "trap_in_catch") (param i32) (result i32)
    (try (result i32) (do (throw $own (local.get 0)))
      (catch $own (drop) (unreachable)))))`;

if (!gcc) {
  t.skip('gcc not installed');
} else {
  t.test('engine C API: exception handling', async (t) => {
    const w = await wabt();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wh-eh-'));
    t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
    const m = w.parseWat('eh.wat', wat, { exceptions: true });
    const file = path.join(dir, 'eh.wasm');
    fs.writeFileSync(file, Buffer.from(m.toBinary({}).buffer));
    m.destroy();
    const exe = path.join(dir, 'eh_api');
    buildEngineProgram('eh_api', exe);
    assertChecks(t, runProgram(exe, [file]), 20);
  });
}
