'use strict';
// Tail calls (3.0): return_call and return_call_indirect reuse the caller's
// frame, so deep tail recursion runs where ordinary calls exhaust the
// stack; results agree with V8 (which runs tail calls in Node 20).
const t = require('tap');
const wabt = require('wabt');
const wasihost = require('../..');

const wat = `(module
  (import "env" "host" (func $host (param i32) (result i32)))
  (import "other" "twice" (func $twice (param i64) (result i64)))
  (type $ii (func (param i64 i64) (result i64)))
  (table 4 funcref) (elem (i32.const 0) $sum $odd $bad)
  (func $sum (export "sum") (type $ii)
    (if (i64.eqz (local.get 0)) (then (return (local.get 1))))
    (return_call $sum (i64.sub (local.get 0) (i64.const 1)) (i64.add (local.get 1) (local.get 0))))
  (func $sum_plain (export "sum_plain") (type $ii)
    (if (i64.eqz (local.get 0)) (then (return (local.get 1))))
    (call $sum_plain (i64.sub (local.get 0) (i64.const 1)) (i64.add (local.get 1) (local.get 0))))
  (func $even (export "even") (param i64 i64) (result i64)
    (if (i64.eqz (local.get 0)) (then (return (i64.const 1))))
    (return_call_indirect (type $ii) (i64.sub (local.get 0) (i64.const 1)) (local.get 1) (i32.const 1)))
  (func $odd (param i64 i64) (result i64)
    (if (i64.eqz (local.get 0)) (then (return (i64.const 0))))
    (return_call $even (i64.sub (local.get 0) (i64.const 1)) (local.get 1)))
  (func $bad (param i32) (result i32) (local.get 0))
  (func (export "to_host") (param i32) (result i32) (return_call $host (i32.add (local.get 0) (i32.const 1))))
  (func (export "to_other") (param i64) (result i64) (return_call $twice (local.get 0)))
  (func (export "wrong_type") (result i64) (return_call_indirect (type $ii) (i64.const 1) (i64.const 2) (i32.const 2)))
  (func (export "out_of_table") (result i64) (return_call_indirect (type $ii) (i64.const 1) (i64.const 2) (i32.const 9)))
  ;; more locals than the caller: the frame grows in place
  (func $wide (param i32) (result i32) (local i64 i64 i64 i64 i64 i64 i64 i64)
    (i32.add (local.get 0) (i32.wrap_i64 (local.get 8))))
  (func (export "to_wide") (param i32) (result i32) (return_call $wide (local.get 0))))`;

t.test('tail calls', async (t) => {
  const w = await wabt();
  const bytes = Buffer.from(w.parseWat('tail.wat', wat, { tail_call: true }).toBinary({}).buffer);
  const other = await w.parseWat('o.wat', '(module (func (export "twice") (param i64) (result i64) (i64.mul (local.get 0) (i64.const 2))))');
  const otherBytes = Buffer.from(other.toBinary({}).buffer);
  const make = (api) => {
    const o = new api.Instance(new api.Module(otherBytes), {}).exports;
    return new api.Instance(new api.Module(bytes), { env: { host: (x) => x * 10 }, other: { twice: o.twice } }).exports;
  };
  const ours = make(wasihost);
  const v8 = make(WebAssembly);
  const n = 10_000_000n;
  t.equal(ours.sum(n, 0n), n * (n + 1n) / 2n, `${n} self tail calls`);
  t.equal(ours.sum(n, 0n), v8.sum(n, 0n), 'same as V8');
  t.throws(() => ours.sum_plain(n, 0n), { name: 'RuntimeError', message: /call stack exhausted/ },
    'the same recursion with call exhausts the stack');
  t.equal(ours.even(1_000_001n, 0n), 0n, 'mutual recursion through return_call_indirect');
  t.equal(ours.even(1_000_000n, 0n), v8.even(1_000_000n, 0n));
  t.equal(ours.to_host(4), 50, 'a tail call to a JS import returns its result');
  t.equal(ours.to_other(21n), 42n, 'a tail call into another instance');
  t.throws(() => ours.wrong_type(), { name: 'RuntimeError', message: /indirect call type mismatch/ });
  t.throws(() => ours.out_of_table(), { name: 'RuntimeError', message: /undefined element/ });
  t.equal(ours.to_wide(7), 7, 'the callee zeroes its own locals');
});

t.test('tail calls are validated', async (t) => {
  const w = await wabt();
  const bad = {
    'type mismatch: a tail call must return the caller\'s results':
      '(func $f (result i64) (i64.const 1)) (func (result i32) (return_call $f))',
    'unknown function': '(func (return_call 5))',
    'type mismatch': '(func $f (param i32)) (func (return_call $f (i64.const 1)))',
  };
  for (const [msg, body] of Object.entries(bad)) {
    const bytes = Buffer.from(w.parseWat('b.wat', `(module ${body})`, { tail_call: true }).toBinary({}).buffer);
    t.throws(() => new wasihost.Module(bytes), { name: 'CompileError', message: new RegExp(msg.replace(/[()]/g, '.')) }, msg);
    t.notOk(WebAssembly.validate(bytes), `V8 refuses it too: ${msg}`);
  }
});

// A C program clang compiled with -mtail-call (test/engine/fixtures/
// tail_calls.c): 10^7 levels of mutual and indirect tail recursion.
t.test('a C program with return_call and return_call_indirect', async (t) => {
  const fs = require('fs');
  const path = require('path');
  const os = require('os');
  const { WASI: NodeWASI } = require('node:wasi');
  const bytes = fs.readFileSync(path.join(__dirname, 'fixtures', 'tail_calls.wasm'));
  const args = ['tail', '10000000'];
  const wasi = new wasihost.WASI({ version: 'preview1', args, stdout: 'pipe', returnOnExit: true });
  const inst = new wasihost.Instance(new wasihost.Module(bytes), wasi.getImportObject());
  t.equal(wasi.start(inst), 0);
  const file = path.join(os.tmpdir(), `wh-tail-${process.pid}.txt`);
  const fd = fs.openSync(file, 'w+');
  try {
    const nw = new NodeWASI({ version: 'preview1', args, stdout: fd, returnOnExit: true });
    nw.start(new WebAssembly.Instance(new WebAssembly.Module(bytes), nw.getImportObject()));
  } finally {
    fs.closeSync(fd);
  }
  const v8 = fs.readFileSync(file, 'utf8');
  fs.rmSync(file, { force: true });
  t.match(wasi.stdout.toString(), /^even \d+\nhop 35000000\n$/);
  t.equal(wasi.stdout.toString(), v8, 'same output as node:wasi');
});
