'use strict';
// The engine's public C API driven from a plain C program (test/c/
// engine_threads.c, built here with gcc under ASan+UBSan, linked with
// src/engine only): interrupts reaching nested runs and start functions,
// and execution stacks freed at thread exit and trimmed on request.
const t = require('tap');
const { engineProgramTest } = require('../c/checks');

const locals = Array.from({ length: 64 }, () => 'i64').join(' ');
const body = (start) => `(module
  (import "e" "cb" (func $cb))
  (func $spin (export "spin") (loop br 0))
  (func (export "callThenSpin") (call $cb) (loop br 0))
  (func $deep (export "deep") (param $n i32) (result i32) (local ${locals})
    (if (result i32) (i32.eqz (local.get $n)) (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $deep (i32.sub (local.get $n) (i32.const 1)))))))
  ${start ? '(start $spin)' : ''})`;

engineProgramTest(t, 'engine C API: interrupts, start functions, thread stacks', 'engine_threads',
  [['plain.wasm', body(false)], ['start.wasm', body(true)]], 17);
