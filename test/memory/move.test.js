'use strict';
// Linear memories that move when they grow past their reservation
// (src/engine/memory.c): every holder of the base follows the move — the
// interpreter after memory.grow and after calls (its own, a JS import's,
// another instance's), guest threads of async runs, and Memory.buffer
// (the old buffer is detached, the new one shows the same bytes).  A
// memory without a maximum starts with a 1 MiB reservation and doubles, so
// growing to ~70 MiB moves it about seven times.
const t = require('tap');
const { W, wat } = require('../api/fixtures/impl.js');

const PAGE = 65536;

// Grows by one page n times, writing each new page's index at its start
// and counting grows at address 16; then sums every page's marker.
const GROW_LOOP = `
  (func (export "growLoop") (param $n i32) (result i32)
    (local $i i32) (local $sum i32) (local $base i32)
    (local.set $base (memory.size))
    (loop $l
      (if (i32.eq (memory.grow (i32.const 1)) (i32.const -1)) (then (return (i32.const -1))))
      (i32.store (i32.mul (i32.sub (memory.size) (i32.const 1)) (i32.const ${PAGE}))
                 (i32.sub (memory.size) (i32.const 1)))
      (i32.store (i32.const 16) (i32.add (i32.load (i32.const 16)) (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.set $i (local.get $base))
    (loop $v
      (local.set $sum (i32.add (local.get $sum) (i32.load (i32.mul (local.get $i) (i32.const ${PAGE})))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $v (i32.lt_u (local.get $i) (memory.size))))
    (local.get $sum))
  (func (export "count") (result i32) (i32.load (i32.const 16)))
  (func (export "pages") (result i32) (memory.size))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))`;

// The sum of markers of pages from..to-1.
const markers = (from, to) => ((to - 1) * to) / 2 - ((from - 1) * from) / 2;

t.test('the guest grows its own memory page by page past several reservations', async (t) => {
  const mod = new W.Module(await wat(`(module (memory (export "memory") 1) ${GROW_LOOP})`));
  const ex = new W.Instance(mod, {}).exports;
  ex.store(100, 0x5a5a5a5a);
  t.equal(ex.growLoop(1100), markers(1, 1101), 'every page keeps its marker across the moves');
  t.equal(ex.count(), 1100);
  t.equal(ex.load(100), 0x5a5a5a5a, 'bytes written before the first move survive');
  t.equal(ex.pages(), 1101);
  const view = new DataView(ex.memory.buffer);
  t.equal(view.byteLength, 1101 * PAGE);
  t.equal(view.getUint32(1100 * PAGE, true), 1100, 'JS sees the moved memory');
  t.equal(view.getUint32(100, true), 0x5a5a5a5a);
  // Big steps too: one grow that more than doubles the reservation.
  t.equal(ex.grow(3000), 1101);
  ex.store(4101 * PAGE - 4, 7);
  t.equal(ex.load(4101 * PAGE - 4), 7);
  t.equal(ex.load(1100 * PAGE), 1100);
  t.equal(new DataView(ex.memory.buffer).getUint32(4101 * PAGE - 4, true), 7);
});

t.test('a callee that grows: the caller reloads its base on return', async (t) => {
  const ex = new W.Instance(new W.Module(await wat(`(module
    (memory (export "memory") 1)
    (func $grow (param i32) (result i32) (memory.grow (local.get 0)))
    (func (export "run") (result i32)
      (i32.store (i32.const 200) (i32.const 77))
      (drop (call $grow (i32.const 400)))
      ;; the last word of the grown memory, then the old word
      (i32.store (i32.const ${401 * PAGE - 4}) (i32.const 5))
      (i32.add (i32.load (i32.const 200)) (i32.load (i32.const ${401 * PAGE - 4}))))
    (func (export "inline") (result i32)
      (i32.store (i32.const 300) (i32.const 11))
      (drop (memory.grow (i32.const 800)))
      (i32.store (i32.const ${1201 * PAGE - 4}) (i32.const 6))
      (i32.add (i32.load (i32.const 300)) (i32.load (i32.const ${1201 * PAGE - 4})))))`)), {}).exports;
  t.equal(ex.run(), 82);
  t.equal(ex.inline(), 17, 'and after memory.grow in the same function');
  t.equal(new Uint8Array(ex.memory.buffer)[200], 77);
});

t.test('a JS import grows the memory mid-call and the guest keeps using it', async (t) => {
  let ex;
  const calls = [];
  const imports = {
    env: {
      grow(n) { calls.push(n); return ex.memory.grow(n); },
      // Re-enters wasm, which grows.
      growWasm(n) { return ex.grow(n); },
    },
  };
  ex = new W.Instance(new W.Module(await wat(`(module
    (import "env" "grow" (func $grow (param i32) (result i32)))
    (import "env" "growWasm" (func $growWasm (param i32) (result i32)))
    (memory (export "memory") 1)
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
    (func $end (result i32) (i32.sub (i32.mul (memory.size) (i32.const ${PAGE})) (i32.const 4)))
    (func (export "run") (param $n i32) (param $viaWasm i32) (result i32)
      (local $old i32)
      (i32.store (i32.const 1000) (i32.const 0x12345678))
      (local.set $old (call $end))
      (if (local.get $viaWasm)
        (then (drop (call $growWasm (local.get $n))))
        (else (drop (call $grow (local.get $n)))))
      (i32.store (call $end) (i32.const 99))
      (i32.add (i32.load (i32.const 1000))
               (i32.add (i32.load (local.get $old)) (i32.load (call $end))))))`)), imports).exports;
  const before = ex.memory.buffer;
  new Uint8Array(before)[PAGE - 4] = 1;
  t.equal(ex.run(300, 0), 0x12345678 + 1 + 99);
  t.same(calls, [300]);
  t.equal(before.byteLength, 0, 'the buffer from before the call is detached');
  const after = new DataView(ex.memory.buffer);
  t.equal(after.byteLength, 301 * PAGE);
  t.equal(after.getUint32(1000, true), 0x12345678);
  t.equal(after.getUint32(301 * PAGE - 4, true), 99);
  t.equal(ex.run(2000, 1), 0x12345678 + 99 + 99, 'and when the import re-enters wasm to grow');
  t.equal(ex.memory.buffer.byteLength, 2301 * PAGE);
});

t.test('a Memory shared by two instances: one grows, the other follows', async (t) => {
  const memory = new W.Memory({ initial: 1 });
  const b = new W.Instance(new W.Module(await wat(`(module
    (import "env" "mem" (memory 1))
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
    (func (export "load") (param i32) (result i32) (i32.load (local.get 0))))`)),
  { env: { mem: memory } }).exports;
  const a = new W.Instance(new W.Module(await wat(`(module
    (import "env" "mem" (memory 1))
    (import "b" "grow" (func $grow (param i32) (result i32)))
    (func (export "run") (param $n i32) (result i32)
      (i32.store (i32.const 64) (i32.const 41))
      (drop (call $grow (local.get $n)))
      (i32.store (i32.sub (i32.mul (memory.size) (i32.const ${PAGE})) (i32.const 4)) (i32.const 1))
      (i32.add (i32.load (i32.const 64))
               (i32.load (i32.sub (i32.mul (memory.size) (i32.const ${PAGE})) (i32.const 4))))))`)),
  { env: { mem: memory }, b: { grow: b.grow } }).exports;
  const old = memory.buffer;
  t.equal(a.run(500), 42, 'the caller sees the memory its callee moved');
  t.equal(old.byteLength, 0, 'old buffer detached');
  t.equal(memory.buffer.byteLength, 501 * PAGE);
  t.equal(b.load(501 * PAGE - 4), 1, 'the other instance sees the write');
  t.equal(memory.grow(1000), 501, 'a grow from JS moves it again');
  t.equal(b.load(64), 41);
  t.equal(a.run(1), 42);
  t.equal(new DataView(memory.buffer).getUint32(1502 * PAGE - 4, true), 1);
});

t.test('declared maximum, maxMemory cap and the 4 GiB limit hold as before', async (t) => {
  const small = new W.Instance(new W.Module(await wat(`(module (memory (export "memory") 1 200) ${GROW_LOOP})`)), {}).exports;
  t.equal(small.growLoop(199), markers(1, 200));
  t.equal(small.grow(1), -1, 'past the declared maximum');
  t.equal(small.pages(), 200);
  const big = new W.Instance(new W.Module(await wat(`(module (memory (export "memory") 1 2000) ${GROW_LOOP})`)), {}).exports;
  t.equal(big.grow(1999), 1, 'a large maximum is not reserved up front but still reachable');
  t.equal(big.grow(1), -1);
  t.throws(() => big.memory.grow(1), RangeError);
  const none = new W.Instance(new W.Module(await wat(`(module (memory (export "memory") 1) ${GROW_LOOP})`)), {}).exports;
  t.equal(none.grow(65535), 1, 'a memory without maximum reaches 4 GiB');
  t.equal(none.pages(), 65536);
  t.equal(none.grow(1), -1, 'and no further');
  none.store(65536 * PAGE - 4, 123);
  t.equal(none.load(65536 * PAGE - 4), 123);
  t.throws(() => none.load(65536 * PAGE - 3), /out of bounds/);
});

t.test('maxMemory caps growth of a moving memory', { skip: W.Memory === WebAssembly.Memory && 'wasihost extension' }, async (t) => {
  const mod = new W.Module(await wat(`(module (memory (export "memory") 1) ${GROW_LOOP})`));
  const ex = new W.Instance(mod, {}, { maxMemory: 40 * PAGE }).exports;
  t.equal(ex.growLoop(50), -1, 'the loop stops at the cap');
  t.equal(ex.pages(), 40);
  t.equal(ex.count(), 39);
  t.equal(ex.load(39 * PAGE), 39);
});

t.test('async runs: the guest thread grows, JS reads a stale view meanwhile', { skip: !W.Instance.prototype.callAsync && 'wasihost extension' }, async (t) => {
  const mod = new W.Module(await wat(`(module (memory (export "memory") 1) ${GROW_LOOP})`));
  const inst = new W.Instance(mod, {});
  const ex = inst.exports;
  ex.store(100, 0x01020304);
  const stale = new Uint8Array(ex.memory.buffer);
  let reads = 0;
  let pending = true;
  const p = inst.callAsync('growLoop', 3000).finally(() => { pending = false; });
  // Racy by design: whatever the stale view shows, reading it must not fault.
  while (pending) {
    for (let i = 0; i < stale.length; i += 4096) reads += stale[i] >= 0 ? 1 : 0;
    await new Promise((r) => setImmediate(r));
  }
  t.equal(await p, markers(1, 3001));
  t.ok(reads > 0, 'JS read the stale view while the guest ran');
  t.equal(stale.byteLength, 0, 'detached once the run ended');
  const view = new DataView(ex.memory.buffer);
  t.equal(view.byteLength, 3001 * PAGE);
  t.equal(view.getUint32(100, true), 0x01020304);
  t.equal(view.getUint32(3000 * PAGE, true), 3000);
});

t.test('async runs: a JS import grows the memory of a guest on its own thread', { skip: !W.Instance.prototype.callAsync && 'wasihost extension' }, async (t) => {
  let ex;
  const inst = new W.Instance(new W.Module(await wat(`(module
    (import "env" "grow" (func $grow (param i32) (result i32)))
    (memory (export "memory") 1)
    (func (export "run") (param $n i32) (result i32)
      (local $i i32) (local $sum i32)
      (i32.store (i32.const 8) (i32.const 1000))
      (loop $l
        (drop (call $grow (local.get $n)))
        (i32.store (i32.sub (i32.mul (memory.size) (i32.const ${PAGE})) (i32.const 4)) (memory.size))
        (local.set $sum (i32.add (local.get $sum)
          (i32.load (i32.sub (i32.mul (memory.size) (i32.const ${PAGE})) (i32.const 4)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (i32.const 10))))
      (i32.add (local.get $sum) (i32.load (i32.const 8)))))`)),
  { env: { grow: (n) => ex.memory.grow(n) } });
  ex = inst.exports;
  let expect = 1000;
  for (let i = 1; i <= 10; i++) expect += 1 + 100 * i;
  t.equal(await inst.callAsync('run', 100), expect);
  t.equal(ex.memory.buffer.byteLength, 1001 * PAGE);
  t.equal(new DataView(ex.memory.buffer).getUint32(1001 * PAGE - 4, true), 1001);
});

t.test('many memories: each reserves a little, not 4 GiB', { skip: W.Memory === WebAssembly.Memory && 'V8 reserves ~10 GiB per memory' }, async (t) => {
  // 40,000 memories of 4 GiB each would need 160 TiB: more than x86-64's
  // 128 TiB of user address space, and 80,000 kernel mappings.
  const mems = [];
  for (let i = 0; i < 40000; i++) mems.push(new W.Memory({ initial: 1 }));
  t.equal(mems.length, 40000);
  mems[39999].grow(20);
  new Uint8Array(mems[39999].buffer)[20 * PAGE] = 9;
  t.equal(new Uint8Array(mems[39999].buffer)[20 * PAGE], 9);
});
