'use strict';
// A trap carries the wasm frames it unwound, innermost first, with names
// from the name section; the CLI prints them.
const t = require('tap');
const path = require('path');
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const wabt = require('wabt');
const wasihost = require('../..');

const wat = `(module
  (func $inner (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0)))
  (func $middle (param i32) (result i32) (call $inner (local.get 0)))
  (func $outer (export "run") (param i32) (result i32) (call $middle (local.get 0)))
  (func (export "deep") (param i32) (result i32)
    (if (result i32) (local.get 0)
      (then (call 3 (i32.sub (local.get 0) (i32.const 1))))
      (else unreachable))))`;

t.test('trap backtrace', async (t) => {
  const w = await wabt();
  const mod = w.parseWat('bt.wat', wat);
  mod.generateNames();
  const bytes = Buffer.from(mod.toBinary({ write_debug_names: true }).buffer);
  const inst = new wasihost.Instance(new wasihost.Module(bytes), {});
  t.equal(inst.exports.run(2), 0, 'no trap, no backtrace');
  try {
    inst.exports.run(0);
    t.fail('expected a trap');
  } catch (e) {
    t.ok(e instanceof wasihost.RuntimeError);
    t.equal(e.message, 'integer divide by zero');
    t.same(e.wasmBacktrace.map((f) => f.name), ['inner', 'middle', 'outer']);
    t.same(e.wasmBacktrace.map((f) => f.index), [0, 1, 2]);
    // code offsets of the div_s, then of each call (code section relative)
    const offs = e.wasmBacktrace.map((f) => f.offset);
    t.ok(offs.every((o) => Number.isInteger(o)) && offs[0] < offs[1] && offs[1] < offs[2], 'offsets in code order');
  }
  try {
    inst.exports.deep(100);
    t.fail('expected a trap');
  } catch (e) {
    t.equal(e.message, 'unreachable');
    t.equal(e.wasmBacktrace.length, 32, 'capped at WH_BACKTRACE_MAX frames');
    t.ok(e.wasmBacktrace.every((f) => f.index === 3));
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wh-bt-'));
  const file = path.join(dir, 'bt.wasm');
  const m2 = w.parseWat('bt2.wat', wat.replace('(export "run")', '(export "_start")').replace('(param i32) (result i32) (call $middle (local.get 0))', '(drop (call $middle (i32.const 0)))'));
  m2.generateNames();
  fs.writeFileSync(file, Buffer.from(m2.toBinary({ write_debug_names: true }).buffer));
  const r = spawnSync(process.execPath, [path.join(__dirname, '..', '..', 'bin', 'wasihost.js'), 'run', file], { encoding: 'utf8' });
  t.equal(r.status, 134, 'a trap exits 134');
  t.match(r.stderr, /trap: integer divide by zero\nwasm backtrace:\n\s+0: inner @ 0x[0-9a-f]+\n\s+1: middle @ 0x[0-9a-f]+\n\s+2: outer @ 0x[0-9a-f]+/);
  fs.rmSync(dir, { recursive: true, force: true });
});
