'use strict';
// Many instances of one compiled Module running at once on guest threads:
// independent results, shared (lazily translated) code, JS imports from
// all of them, WASI commands with their own captured output.
const t = require('tap');
const fs = require('fs');
const { W, wat, wasiWat, cFixture } = require('./fixtures/util');

const N = 64;

// Each instance keeps its own state in memory and a global; a result that
// mixed instances up would be off.
const SRC = `(module
  (import "e" "mix" (func $mix (param i32 i32) (result i32)))
  (memory (export "mem") 1)
  (global $seed (mut i32) (i32.const 0))
  (func $fib (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2)) (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  ;; writes id to every word of a 4 KiB page, sums it back, adds fib(n) and
  ;; a JS import's answer
  (func (export "run") (param $id i32) (param $n i32) (result i32) (local $i i32) (local $s i32)
    (global.set $seed (local.get $id))
    (loop $w
      (i32.store (i32.shl (local.get $i) (i32.const 2)) (global.get $seed))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $w (i32.lt_u (local.get $i) (i32.const 1024))))
    (local.set $i (i32.const 0))
    (loop $r
      (local.set $s (i32.add (local.get $s) (i32.load (i32.shl (local.get $i) (i32.const 2)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $r (i32.lt_u (local.get $i) (i32.const 1024))))
    (i32.add (i32.add (local.get $s) (call $fib (local.get $n)))
             (call $mix (global.get $seed) (local.get $s)))))`;

function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

// First in the file: the process's very first wasm runs, on two guest
// threads at once, each translating its own module (shared translator
// state must be set up safely; npm run test:tsan checks it).
t.test('two modules translated for the first time on two threads at once', async (t) => {
  const a = new W.Module(await wat('(module (func (export "f") (result i32) (i32.const 1)))'));
  const b = new W.Module(await wat('(module (func (export "f") (result i32) (i32.const 2)))'));
  const r = await Promise.all([new W.Instance(a, {}).callAsync('f'), new W.Instance(b, {}).callAsync('f')]);
  t.same(r, [1, 2]);
});

t.test(`${N} concurrent async runs of one Module give independent results`, async (t) => {
  const mod = new W.Module(await wat(SRC));
  const calls = new Array(N).fill(0);
  const insts = [];
  for (let i = 0; i < N; i++) {
    insts.push(new W.Instance(mod, { e: { mix: (id, s) => { calls[id]++; return (id * 7 + s) | 0; } } }));
  }
  const before = W.guestThreads();
  const results = await Promise.all(insts.map((inst, i) => inst.callAsync('run', i, 18 + (i % 5))));
  let ok = 0;
  for (let i = 0; i < N; i++) {
    const s = i * 1024;
    const want = (s + fib(18 + (i % 5)) + i * 7 + s) | 0;
    if (results[i] === want) ok++;
    else t.equal(results[i], want, `instance ${i}`);
  }
  t.equal(ok, N, `all ${N} results correct`);
  t.ok(calls.every((c) => c === 1), 'each import called once, for its own instance');
  for (let i = 0; i < N; i += 9) {
    t.equal(new Uint32Array(insts[i].exports.mem.buffer)[5], i, `instance ${i} kept its own memory`);
  }
  const after = W.guestThreads();
  t.ok(after.threads <= after.max, `guest threads ${after.threads} within the cap ${after.max} (before: ${before.threads})`);
  // Again, the code translated by whichever thread came first is shared.
  const again = await Promise.all(insts.map((inst, i) => inst.callAsync('run', i, 10)));
  t.same(again, insts.map((_, i) => ((i * 1024) * 2 + fib(10) + i * 7) | 0), 'second round');
});

t.test('runs beyond the thread cap wait in the queue', async (t) => {
  const mod = new W.Module(await wat(SRC));
  const old = W.guestThreads().max;
  W.guestThreads(2);
  t.teardown(() => W.guestThreads(old));
  const insts = Array.from({ length: 12 }, () => new W.Instance(mod, { e: { mix: (a) => a } }));
  const results = await Promise.all(insts.map((inst, i) => inst.callAsync('run', i, 5)));
  t.same(results, insts.map((_, i) => (i * 1024 + fib(5) + i) | 0), '12 runs through 2 threads');
  t.throws(() => W.guestThreads(0), RangeError);
});

t.test(`${N} concurrent WASI commands of one Module, each with its own output`, async (t) => {
  // _start prints its argv[1]-derived id: the guest reads args through WASI.
  const src = wasiWat(`
    (drop (call $args_sizes (i32.const 160) (i32.const 164)))
    (drop (call $args_get (i32.const 2048) (i32.const 4096)))
    ;; argv[1] -> print it and a newline
    (call $print (i32.load (i32.const 2052))
      (i32.sub (i32.sub (i32.load (i32.const 164))
                        (i32.sub (i32.load (i32.const 2052)) (i32.const 4096))) (i32.const 1)))
    (call $sleep (i64.const 20000000))
    (call $print (i32.const 1024) (i32.const 1))`, '\\n')
    .replace('(import "wasi_snapshot_preview1" "proc_exit"',
      '(import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes (param i32 i32) (result i32)))\n' +
      '  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))\n' +
      '  (import "wasi_snapshot_preview1" "proc_exit"');
  const mod = new W.Module(await wat(src));
  const ws = [];
  const runs = [];
  for (let i = 0; i < N; i++) {
    const w = new W.WASI({ args: ['prog', `guest-${i}`], stdout: 'pipe' });
    ws.push(w);
    runs.push(w.startAsync(new W.Instance(mod, w.getImportObject())));
  }
  const codes = await Promise.all(runs);
  t.ok(codes.every((c) => c === 0), 'all exit 0');
  let ok = 0;
  for (let i = 0; i < N; i++) {
    if (ws[i].stdout.toString() === `guest-${i}\n`) ok++;
    else t.equal(ws[i].stdout.toString(), `guest-${i}\n`, `output of ${i}`);
  }
  t.equal(ok, N, 'every guest printed its own argument');
});

t.test('C programs: concurrent startAsync of one Module', async (t) => {
  const c = cFixture('limits_sleeper');
  if (c.skip) return t.skip(c.skip);
  const mod = new W.Module(fs.readFileSync(c.wasm));
  const n = 16;
  const ws = Array.from({ length: n }, (_, i) => new W.WASI({ args: ['s', 'echo', String(i)], stdout: 'pipe' }));
  const codes = await Promise.all(ws.map((w) => w.startAsync(new W.Instance(mod, w.getImportObject()))));
  t.same(codes, new Array(n).fill(0));
  const want = (i) => `ID ${i} ${(i * 1000 * (i * 1000 + 1)) / 2}\n`;
  t.same(ws.map((w) => w.stdout.toString()), ws.map((_, i) => want(i)), 'each printed its own sum');
});
