'use strict';
// Native memory kept alive by JS objects is reported to V8
// (napi_adjust_external_memory), so that dropping objects without dispose()
// still makes the GC run and free them.  V8's own statistics do not show
// these reports: the binding's externalBytes(obj) says what obj reports.
// bench/gc-pressure.js measures the RSS this buys.
const t = require('tap');
const { W, native, wat } = require('./fixtures/util');

const MiB = 1 << 20;

t.test('memories, tables, modules and instances report what they hold', async (t) => {
  const m = new W.Memory({ initial: 16 });
  t.equal(native.externalBytes(m), 16 * 65536, 'a JS memory: its size');
  m.buffer;
  t.equal(native.externalBytes(m), 0, 'with a live ArrayBuffer: V8 counts its length, not we');
  m.grow(16);
  t.equal(native.externalBytes(m), 32 * 65536, 'grown from JS: the new size');
  m.dispose();
  t.equal(native.externalBytes(m), 0, 'disposed: nothing');

  const tab = new W.Table({ element: 'anyfunc', initial: 100000 });
  t.ok(native.externalBytes(tab) >= 800000, `a table of 1e5 funcrefs: ${native.externalBytes(tab)} bytes`);
  const before = native.externalBytes(tab);
  tab.grow(100000);
  t.ok(native.externalBytes(tab) >= before + 800000, 'grown: more');
  tab.dispose();
  t.equal(native.externalBytes(tab), 0, 'disposed: nothing');

  const bytes = await wat(`(module (memory (export "mem") 4 1000) (table 1000 funcref)
    (data (i32.const 0) "${'x'.repeat(4096)}")
    (func (export "grow") (param i32) (result i32) local.get 0 memory.grow))`);
  const mod = new W.Module(bytes);
  t.ok(native.externalBytes(mod) >= bytes.length, `a module: at least its bytes (${native.externalBytes(mod)} >= ${bytes.length})`);
  const inst = new W.Instance(mod, {});
  const fresh = native.externalBytes(inst);
  t.ok(fresh >= 4096 + 8000 && fresh < 4 * 65536,
    `an instance nothing ran on: its table and the page its data segment wrote, not its untouched memory (${fresh})`);
  // what it holds with its whole memory counted
  const i0 = fresh - 4096 + 4 * 65536;
  inst.exports.grow(0);
  t.equal(native.externalBytes(inst), i0, 'after a run: its whole memory and table');
  t.equal(native.externalBytes(inst.exports.mem), 0, 'its exported memory counts with the instance, not twice');
  inst.exports.grow(60);
  t.equal(native.externalBytes(inst) - i0, 60 * 65536, 'a memory.grow in wasm is reported when the run ends');
  inst.exports.mem.grow(16);
  t.equal(native.externalBytes(inst) - i0, 76 * 65536, 'so is a grow from JS');
  const r = await inst.callAsync('grow', 4);
  t.equal(r, 80, 'an async run grows too');
  t.equal(native.externalBytes(inst) - i0, 80 * 65536, 'and is reported when it settles');
  inst.dispose();
  t.equal(native.externalBytes(inst), 0, 'a disposed instance: nothing');
  mod.dispose();
  t.equal(native.externalBytes(mod), 0, 'a disposed module: nothing');
});

t.test('an instance counted before it ran counts whole once its memory may be touched', async (t) => {
  const bytes = await wat(`(module (memory (export "mem") 4)
    (func (export "f") (param i32) (result i32) local.get 0))`);
  const mod = new W.Module(bytes);
  const fresh = () => new W.Instance(mod, {});
  const a = fresh();
  const small = native.externalBytes(a);
  t.ok(small < 65536, `no code ran, no data segment: its memory counts nothing (${small})`);
  a.exports.mem.buffer;
  t.equal(native.externalBytes(a), small, 'the host got a view of its memory: V8 counts it, through the ArrayBuffer');
  a.exports.mem.grow(0);
  t.equal(native.externalBytes(a), small + 4 * 65536, 'that buffer detached: the memory counts here again');
  const b = fresh();
  const user = new W.Instance(new W.Module(await wat(`(module (import "m" "mem" (memory 1))
    (func (export "grow") (result i32) i32.const 1 memory.grow))`)), { m: { mem: b.exports.mem } });
  t.equal(native.externalBytes(b), small + 4 * 65536, 'its memory imported by another instance');
  b.exports.mem.buffer;
  t.equal(native.externalBytes(b), small, 'with a live buffer: V8 counts it');
  t.equal(user.exports.grow(), 4);
  t.equal(native.externalBytes(b), small + 5 * 65536, 'grown by the other instance: the buffer detached, counted here again');
  const c = fresh();
  new W.Instance(new W.Module(await wat(`(module (import "m" "f" (func (param i32) (result i32))))`)), { m: { f: c.exports.f } });
  t.equal(native.externalBytes(c), small + 4 * 65536, 'its function imported by another instance');
  const d = fresh();
  const tab = new W.Table({ element: 'anyfunc', initial: 1 });
  tab.set(0, d.exports.f);
  t.equal(native.externalBytes(d), small + 4 * 65536, 'its function put into a table');
  const e = fresh();
  t.equal(e.exports.f(1), 1);
  t.equal(native.externalBytes(e), small + 4 * 65536, 'it ran');
});

t.test('dropped without dispose(): the collector frees them during a synchronous loop', async (t) => {
  const bytes = await wat(`(module (memory 256)
    (func (export "touch") (local i32)
      (loop (i32.store8 (local.get 0) (i32.const 1))
        (br_if 0 (i32.lt_u (local.tee 0 (i32.add (local.get 0) (i32.const 4096))) (i32.const 16777216))))))`);
  const mod = new W.Module(bytes);
  const rss0 = process.memoryUsage.rss();
  let peak = 0;
  for (let i = 0; i < 150; i++) {
    new W.Instance(mod, {}).exports.touch();
    peak = Math.max(peak, process.memoryUsage.rss());
  }
  // 150 x 16 MiB = 2.4 GiB if nothing were freed before the loop ends.
  t.ok(peak - rss0 < 1024 * MiB, `RSS grew by ${((peak - rss0) / MiB).toFixed(0)} MiB over 150 dropped 16 MiB instances (< 1 GiB)`);
});
