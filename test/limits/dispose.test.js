'use strict';
// dispose(): explicit release of Instance, Module, Memory, Table, Global,
// what it takes with it, what it leaves alone, and that the engine's
// memory (an address-space reservation per linear memory) comes back.
const t = require('tap');
const { W, native, wat, collect, vmSizeGiB, throwsWith } = require('./fixtures/util');

const SRC = `(module
  (import "e" "f" (func $f (result i32)))
  (import "e" "shared" (table $shared 1 funcref))
  (memory (export "mem") 1)
  (table $own (export "tab") 2 funcref)
  (global (export "g") (mut i32) (i32.const 5))
  (func $get (export "get") (result i32) (call $f))
  (elem (table $own) (i32.const 0) func $get)
  (export "shared" (table $shared))
  (func (export "spin") (loop br 0)))`;

// A module with only its own memory, for the address-space checks.
const OWN = `(module (memory (export "mem") 1) (func (export "one") (result i32) (i32.const 1)))`;

const disposed = (what) => (e) => e && e.code === 'ERR_WASIHOST_DISPOSED' && e.message === `${what} has been disposed`;

t.test('Instance.dispose() takes what the instance defines, not its imports', async (t) => {
  const mod = new W.Module(await wat(SRC));
  const shared = new W.Table({ element: 'anyfunc', initial: 1 });
  const inst = new W.Instance(mod, { e: { f: () => 9, shared } });
  const { get, mem, tab, g } = inst.exports;
  const buf = mem.buffer;
  t.equal(get(), 9);
  t.equal(inst.exports.shared, shared, 'a re-exported import is the same object');
  shared.set(0, get);
  inst.dispose();
  throwsWith(t, () => inst.exports, disposed('WebAssembly.Instance'), 'exports');
  throwsWith(t, () => get(), (e) => e.code === 'ERR_WASIHOST_DISPOSED', 'an exported function');
  throwsWith(t, () => mem.buffer, disposed('WebAssembly.Memory'), 'its memory');
  throwsWith(t, () => mem.grow(1), disposed('WebAssembly.Memory'), 'its memory, grow');
  throwsWith(t, () => tab.get(0), disposed('WebAssembly.Table'), 'its table');
  throwsWith(t, () => g.value, disposed('WebAssembly.Global'), 'its global');
  throwsWith(t, () => inst.fuel, disposed('WebAssembly.Instance'), 'fuel');
  t.equal(buf.byteLength, 0, 'the memory\'s ArrayBuffer is detached');
  t.equal(shared.length, 1, 'an imported Table stays usable');
  if (native.features.funcInstance) {
    throwsWith(t, () => shared.get(0)(), (e) => e.code === 'ERR_WASIHOST_DISPOSED',
      'a disposed function reached again through a shared table refuses to run');
  } else {
    // Without wh_func_instance the binding cannot tell whose function a
    // new wrapper holds; the engine keeps the store alive (the table shares
    // it), so the call is memory-safe and still works.
    t.equal(shared.get(0)(), 9, 'engine without wh_func_instance: the shared store keeps it callable');
  }
  t.doesNotThrow(() => inst.dispose(), 'dispose() again is a no-op');
  t.equal(W.interrupt(inst), false, 'nothing to interrupt');
  let err;
  try { await inst.callAsync('get'); } catch (e) { err = e; }
  t.equal(err && err.code, 'ERR_WASIHOST_DISPOSED', 'callAsync');
  const importer = new W.Module(await wat('(module (import "e" "m" (memory 1)))'));
  throwsWith(t, () => new W.Instance(importer, { e: { m: mem } }),
    disposed('WebAssembly.Memory'), 'a disposed Memory as an import');
  if (typeof Symbol.dispose === 'symbol') {
    const i2 = new W.Instance(mod, { e: { f: () => 1, shared } });
    i2[Symbol.dispose]();
    throwsWith(t, () => i2.exports, disposed('WebAssembly.Instance'), '[Symbol.dispose]');
  }
});

t.test('Module, Memory, Table, Global dispose()', async (t) => {
  const mod = new W.Module(await wat(OWN));
  const before = new W.Instance(mod, {});
  mod.dispose();
  throwsWith(t, () => new W.Instance(mod, {}), disposed('WebAssembly.Module'), 'instantiate');
  throwsWith(t, () => W.Module.exports(mod), disposed('WebAssembly.Module'), 'Module.exports');
  t.equal(before.exports.one(), 1, 'instances made before keep their module');
  mod.dispose();

  const mem = new W.Memory({ initial: 1 });
  const view = new Uint8Array(mem.buffer);
  mem.dispose();
  throwsWith(t, () => mem.buffer, disposed('WebAssembly.Memory'), 'Memory.buffer');
  t.equal(view.length, 0, 'its view is detached');
  const tab = new W.Table({ element: 'anyfunc', initial: 1 });
  tab.dispose();
  throwsWith(t, () => tab.length, disposed('WebAssembly.Table'), 'Table.length');
  throwsWith(t, () => tab.grow(1), disposed('WebAssembly.Table'), 'Table.grow');
  const g = new W.Global({ value: 'i32', mutable: true }, 3);
  g.dispose();
  throwsWith(t, () => g.value, disposed('WebAssembly.Global'), 'Global.value');
  throwsWith(t, () => { g.value = 1; }, disposed('WebAssembly.Global'), 'Global set');
  t.throws(() => W.Module.prototype.dispose.call({}), TypeError, 'not a wasihost object');
});

t.test('dispose() gives the linear memory back at once', async (t) => {
  const mod = new W.Module(await wat(OWN));
  await collect();
  const base = vmSizeGiB();
  // A memory reserves address space for its size (src/engine/memory.c):
  // grown to 4 GiB, it holds 4 GiB.
  const insts = Array.from({ length: 20 }, () => new W.Instance(mod, {}));
  for (const i of insts) i.exports.mem.grow(65535);
  const grown = vmSizeGiB();
  t.ok(grown - base > 20 * 3.9, `20 memories of 4 GiB reserve their 4 GiB each (+${(grown - base).toFixed(1)} GiB)`);
  for (const i of insts) i.dispose();
  t.ok(vmSizeGiB() - base < 4, `released without GC (+${(vmSizeGiB() - base).toFixed(1)} GiB left)`);

  // A Memory whose buffer JS took: the detached buffer gives its
  // reference back in a later turn.
  const more = Array.from({ length: 10 }, () => new W.Instance(mod, {}));
  for (const i of more) i.exports.mem.grow(65535);
  t.ok(vmSizeGiB() - base > 10 * 3.9, 'grown again');
  for (const i of more) new Uint8Array(i.exports.mem.buffer)[0] = 1;
  for (const i of more) i.dispose();
  await collect();
  t.ok(vmSizeGiB() - base < 4, `buffers handed out: released after a turn (+${(vmSizeGiB() - base).toFixed(1)} GiB)`);
});

t.test('an async run keeps its instance alive without other references', async (t) => {
  const mod = new W.Module(await wat(`(module (func (export "work") (result i32) (local $i i32)
    (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 3000000)))) (local.get $i)))`));
  const p = new W.Instance(mod, {}).callAsync('work');
  await collect();
  t.equal(await p, 3000000);
});

t.test('dispose() from an argument\'s valueOf, in the middle of a call', async (t) => {
  const mod = new W.Module(await wat(`(module (memory 1)
    (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))`));
  const a = new W.Instance(mod, {});
  const add = a.exports.add;
  throwsWith(t, () => add(1, { valueOf() { a.dispose(); return 2; } }),
    (e) => e.code === 'ERR_WASIHOST_DISPOSED', 'sync call: refused after the conversion');
  const b = new W.Instance(mod, {});
  let err;
  try {
    await b.callAsync('add', 1, { valueOf() { b.dispose(); return 2; } });
  } catch (e) {
    err = e;
  }
  t.equal(err && err.code, 'ERR_WASIHOST_DISPOSED', 'async call: rejected after the conversion');
  const c = new W.Instance(mod, {});
  let first;
  const p = c.callAsync('add', { valueOf() { first = c.callAsync('add', 5, 5); return 1; } }, 2);
  err = undefined;
  try { await p; } catch (e) { err = e; }
  t.equal(err && err.code, 'ERR_WASIHOST_BUSY', 'a run started from valueOf goes first; the outer call is busy');
  t.equal(await first, 10, 'the inner run completes');
});
