'use strict';
// A C embedder of include/wasihost.h without Node (test/c/embedder.c,
// built here with gcc under ASan+UBSan and linked with src/engine only):
// import matching and its messages, timeouts (an infinite loop stopped by
// the core's watchdog) and the guest thread pool, through the public C API.
const t = require('tap');
const { engineProgramTest } = require('../c/checks');

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

engineProgramTest(t, 'C embedder: extern types, timeouts, guest threads', 'embedder',
  [['imports.wasm', wat], ['spin.wasm', spinWat]], 50);
