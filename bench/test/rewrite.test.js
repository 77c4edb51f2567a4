'use strict';
// The bench rewriter (bench/lib/wasm-rewrite.js) and the region timing
// (bench/lib/marked.js).  Run: node scripts/test.js bench/test/rewrite.test.js
const t = require('tap');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { rewrite, stripMarkers } = require('../lib/wasm-rewrite');
const { runMarked } = require('../lib/marked');

const RUN_WASM = path.join(__dirname, '..', 'lib', 'run-wasm.js');

let wabt;
async function wat(text) {
  wabt = wabt || await require('wabt')();
  const m = wabt.parseWat('t.wat', text, { simd: true });
  m.resolveNames();
  m.validate();
  const { buffer } = m.toBinary({ write_debug_names: true });
  m.destroy();
  return Buffer.from(buffer);
}

// A guest that calls bench.start/end around a loop, reaches a function
// through a table (element segment), a ref.func in a global and an export,
// so every kind of function index is renumbered by the rewrite.
const GUEST = `(module
  (type $v (func))
  (import "bench" "start" (func $start))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "bench" "end" (func $end))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (table 2 funcref)
  (elem (i32.const 1) $work)
  (global $g funcref (ref.func $work))
  (data (i32.const 65472) "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
  (func $work (result i32)
    (local $i i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (i32.mul (local.get $i) (local.get $i))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 3000000))))
    (local.get $s))
  (func $twice (export "twice") (result i32)
    (i32.add (call_indirect (type 1) (i32.const 1)) (call $work)))
  (type (func (result i32)))
  (func (export "_start")
    (call $start)
    (i32.store (i32.const 0) (call $twice))
    (call $end)
    ;; prints "ok\\n" when the top 64 bytes survived the markers
    (i32.store (i32.const 16) (i32.const 0x0a6b6f))
    (i32.store (i32.const 8) (i32.const 16))
    (i32.store (i32.const 12) (i32.const 3))
    (if (i64.eq (i64.load (i32.const 65472)) (i64.const 0x3736353433323130))
      (then (drop (call $fd_write (i32.const 1) (i32.const 8) (i32.const 1) (i32.const 20)))))
    ;; and e-acute, newline (UTF-8) to stderr
    (i32.store (i32.const 16) (i32.const 0x0aa9c3))
    (drop (call $fd_write (i32.const 2) (i32.const 8) (i32.const 1) (i32.const 20)))))`;

// Instantiates the rewritten guest with JS stand-ins for WASI.
function fakeWasi(clock) {
  const written = [];
  let mem;
  const fns = {
    clock_time_get: (id, prec, out) => {
      if (clock === null) return 58; // ENOTSUP, as wazero and wasmi answer
      new DataView(mem.buffer).setBigUint64(out, clock, true);
      return id === 2 ? 0 : 28;
    },
    fd_write: (fd, iov, n, nout) => {
      const dv = new DataView(mem.buffer);
      let s = '';
      for (let i = 0; i < n; i++) s += Buffer.from(mem.buffer, dv.getUint32(iov + 8 * i, true), dv.getUint32(iov + 8 * i + 4, true)).toString('latin1');
      written.push([fd, s]);
      dv.setUint32(nout, s.length, true);
      return 0;
    },
    fd_read: (fd, iov, n, nout) => {
      written.push([fd, 'read']);
      new DataView(mem.buffer).setUint32(nout, 1, true);
      return 0;
    },
    proc_exit: (c) => { throw new Error(`exit ${c}`); },
  };
  return { imports: { wasi_snapshot_preview1: fns }, written, setMemory: (m) => { mem = m; } };
}

t.test('bench.start/end become markers; every function index still points at the same function', async (t) => {
  const orig = await wat(GUEST);
  const r = rewrite(orig);
  t.equal(r.markers, true);
  t.equal(r.simd, false);
  t.ok(WebAssembly.validate(r.wasm), 'the rewritten module validates on V8');
  const imports = WebAssembly.Module.imports(new WebAssembly.Module(r.wasm));
  t.notOk(imports.some((i) => i.module === 'bench'), 'no bench imports left');
  t.same(imports.map((i) => i.name).sort(), ['clock_time_get', 'fd_read', 'fd_write', 'proc_exit']);

  const w = fakeWasi(0x123456789abcdefn);
  const inst = new WebAssembly.Instance(new WebAssembly.Module(r.wasm), w.imports);
  w.setMemory(inst.exports.memory);
  inst.exports._start();
  const expected = 2 * Array.from({ length: 3000000 }, (_, i) => i).reduce((s, i) => (s + Math.imul(i, i)) | 0, 0) | 0;
  t.equal(new Int32Array(inst.exports.memory.buffer)[0], expected, 'call_indirect through the element segment and the direct call reach $work');
  t.same(w.written, [
    [2, '#wh-bench:s 0123456789abcdef\n'], [0, 'read'],
    [2, '#wh-bench:e 0123456789abcdef\n'], [0, 'read'],
    [1, 'ok\n'], [2, '\u00c3\u00a9\n'],
  ], 'one marker line to stderr and one byte read from stdin per marker; the borrowed bytes are restored');
});

t.test('a runtime without a CPU clock writes all ones', async (t) => {
  const r = rewrite(await wat(GUEST));
  const w = fakeWasi(null);
  const inst = new WebAssembly.Instance(new WebAssembly.Module(r.wasm), w.imports);
  w.setMemory(inst.exports.memory);
  inst.exports._start();
  t.equal(w.written[0][1], '#wh-bench:s ffffffffffffffff\n');
  t.same(stripMarkers(`a${w.written[0][1]}b`), { text: 'ab', marks: [{ tag: 's', clock: null }] });
});

t.test('markEntry puts the start and end markers at the entry of named functions', async (t) => {
  const orig = await wat(`(module
    (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
    (memory (export "memory") 1)
    (func $start_time) (func $stop_time)
    (func (export "_start") (call $start_time) (call $stop_time)))`);
  const untouched = rewrite(orig);
  t.equal(untouched.markers, false, 'no bench imports and no markEntry: unchanged');
  t.equal(untouched.wasm.compare(orig), 0);
  const r = rewrite(orig, { markEntry: { start_time: 'start', stop_time: 'end' } });
  t.equal(r.markers, true);
  const w = fakeWasi(5n);
  const inst = new WebAssembly.Instance(new WebAssembly.Module(r.wasm), w.imports);
  w.setMemory(inst.exports.memory);
  inst.exports._start();
  t.same(w.written.filter(([fd]) => fd === 2).map(([, s]) => s), ['#wh-bench:s 0000000000000005\n', '#wh-bench:e 0000000000000005\n']);
});

t.test('SIMD is detected from the code, not from stray 0xfd bytes', async (t) => {
  const scalar = rewrite(await wat(`(module (import "bench" "start" (func)) (memory 1)
    (func (result i32) (i32.const 253)) (func (result i64) (i64.const 0xfdfdfd)))`));
  t.equal(scalar.simd, false);
  const simd = rewrite(await wat(`(module (import "bench" "start" (func)) (memory 1)
    (func (result i32) (i32x4.extract_lane 1 (v128.const i32x4 1 2 3 4))))`));
  t.equal(simd.simd, true);
  t.ok(WebAssembly.validate(simd.wasm));
});

t.test('what the rewriter cannot handle is a clear error', async (t) => {
  t.throws(() => rewrite(Buffer.from('not wasm at all')), /not a WebAssembly 1.0 binary module/);
  const gcTypes = Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 5, 1, 0x5f, 1, 0x7f, 0]);
  t.throws(() => rewrite(gcTypes), /only function types/);
});

t.test('the region CPU time is read from /proc while the guest waits (node:wasi)', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-rewrite-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'guest.wasm');
  fs.writeFileSync(file, rewrite(await wat(GUEST)).wasm);
  const res = await runMarked([process.execPath, '--no-warnings', RUN_WASM, 'nodewasi', file], {
    cwd: dir, env: { ...process.env, BENCH_PREOPEN: '.' }, workDir: dir, timeoutMs: 60000,
  });
  t.equal(res.error, null);
  t.equal(res.stdout, 'ok\n');
  t.equal(res.stderr, '\u00e9\n', 'the markers are removed from stderr, the rest is decoded as UTF-8');
  t.ok(res.regionCpuMs > 0, `region ${res.regionCpuMs} ms of CPU`);
  t.ok(res.regionCpuMs <= res.cpuMs + 10, 'the region is part of the process');
  // node:wasi has CLOCK_PROCESS_CPUTIME_ID: its own reading and ours agree.
  t.ok(Math.abs(res.guestClockMs - res.regionCpuMs) < 5, `guest clock ${res.guestClockMs} ms vs /proc ${res.regionCpuMs} ms`);
});

t.test('a module without memory cannot be marked', async (t) => {
  const noMem = await wat('(module (import "bench" "start" (func $s)) (func (export "_start") (call $s)))');
  t.throws(() => rewrite(noMem), /no memory for the markers/);
});
