'use strict';
// What a compiled module keeps, made smaller (src/engine/decode.c, module.c):
//  - a module whose data segments are all active at an i32.const keeps no
//    array of them: validation and every instantiation read them again from
//    the section; other modules (a passive segment, an offset from a global)
//    read the section twice, the second time into the array;
//  - the locals' types of every function sit in one block;
//  - the name section's function names are read on first use (a trap's
//    backtrace), from the module's own copy of the bytes;
//  - a thread's translator scratch is given back when it grew large, after
//    compiling and after each lazy translation.
// Each case runs on wasihost and on V8 (instance memory, results, traps and
// compile errors compared), with new Module(bytes) (the caller's bytes
// zeroed after compiling) and Module.fromFile.
const t = require('tap');
const fs = require('fs');
const os = require('os');
const path = require('path');
const wabt = require('wabt');
const w = require('../..');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wh-module-memory-'));
t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));

let W;
t.before(async () => { W = await wabt(); });
const bin = (wat, names = false) => {
  const m = W.parseWat('m.wat', wat, { bulk_memory: true, extended_const: true });
  const b = Buffer.from(m.toBinary({ write_debug_names: names }).buffer);
  m.destroy();
  return b;
};

// The module compiled each way wasihost offers; new Module(bytes)'s bytes are
// zeroed once it is compiled.
function wasihostModules(bytes) {
  const copy = Buffer.from(bytes);
  const a = new w.Module(copy);
  copy.fill(0);
  const file = path.join(dir, `m${Math.random().toString(36).slice(2)}.wasm`);
  fs.writeFileSync(file, bytes);
  return [['new Module(bytes)', a], ['Module.fromFile', w.Module.fromFile(file)]];
}

const uleb = (n) => { const o = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; o.push(b); } while (n); return o; };
// (for the small non-negative constants used here)
const sleb = (n) => { const o = []; for (;;) { const b = n & 0x7f; n >>= 7; if ((n === 0 && !(b & 0x40))) { o.push(b); return o; } o.push(b | 0x80); } };

// Runs `calls` on a fresh instance; returns results/traps and the memory.
function run(ns, mod, imports, calls) {
  let inst;
  try {
    inst = new ns.Instance(mod, imports);
  } catch (e) {
    return { inst: e instanceof ns.RuntimeError ? 'trap' : e.constructor.name };
  }
  const out = calls.map(([name, ...args]) => {
    try { return inst.exports[name](...args); } catch (e) { return e instanceof ns.RuntimeError ? 'trap' : String(e); }
  });
  const mem = inst.exports.mem ? Buffer.from(inst.exports.mem.buffer).toString('hex') : null;
  return { out, mem };
}

function same(t, wat, { imports = {}, calls = [], instances = 2 } = {}) {
  const bytes = bin(wat);
  const v8mod = new WebAssembly.Module(bytes);
  const want = [];
  for (let i = 0; i < instances; i++) want.push(run(WebAssembly, v8mod, imports, calls));
  for (const [how, mod] of wasihostModules(bytes)) {
    const got = [];
    for (let i = 0; i < instances; i++) got.push(run(w, mod, imports, calls));
    t.same(got, want, how);
  }
}

// Many segments, overlapping (a later one wins), at both ends of memory.
const segs = [];
for (let i = 0; i < 3000; i++) segs.push(`(data (i32.const ${(i * 37) % 65000}) "seg${i}\\00\\ff")`);

t.test('all active at an i32.const (no segment array): every instance gets them', (t) => {
  same(t, `(module (memory (export "mem") 1) ${segs.join(' ')}
    (data (i32.const 65530) "endend")
    (func (export "init0") (param i32) (memory.init 1 (i32.const 0) (i32.const 0) (local.get 0)))
    (func (export "drop") (data.drop 2))
    (func (export "load") (param i32) (result i32) (i32.load (local.get 0))))`,
  { calls: [['load', 0], ['load', 65532], ['init0', 0], ['init0', 1], ['drop'], ['drop'], ['init0', 0]], instances: 3 });
  t.end();
});

t.test('an active segment past the end: instantiation traps, earlier ones written', (t) => {
  same(t, `(module (memory (export "mem") 1) (data (i32.const 8) "first") (data (i32.const 65534) "toolong") (data (i32.const 0) "x"))`);
  t.end();
});

t.test('mixed: passive, offsets from globals and constants (the array, read twice)', (t) => {
  const globals = (ns) => ({ env: { a: new ns.Global({ value: 'i32' }, 100), b: new ns.Global({ value: 'i32' }, 300) } });
  // mostly offsets from globals: the second reading must not append their
  // offsets again after the first's (the array has room for one of each)
  const many = [];
  for (let i = 0; i < 200; i++) many.push(`(data (global.get ${i % 2 ? '$a' : '$b'}) "g${i}")`);
  const wat = `(module (import "env" "a" (global $a i32)) (import "env" "b" (global $b i32))
    (memory (export "mem") 1)
    (data (i32.const 10) "c0") (data (global.get $a) "ga") (data (i32.const 20) "c1")
    (data $p "passive!") ${many.join(' ')} (data (global.get $b) "gb")
    (func (export "init") (param i32) (memory.init $p (local.get 0) (i32.const 0) (i32.const 8)))
    (func (export "drop") (data.drop $p)))`;
  const bytes = bin(wat);
  const calls = [['init', 500], ['drop'], ['init', 600], ['init', 0]];
  const want = run(WebAssembly, new WebAssembly.Module(bytes), globals(WebAssembly), calls);
  t.equal(want.out[2], 'trap', 'V8: memory.init after data.drop traps');
  for (const [how, mod] of wasihostModules(bytes)) {
    t.same(run(w, mod, globals(w), calls), want, how);
    t.same(run(w, mod, globals(w), calls), want, `${how}, a second instance`);
  }
  t.end();
});

t.test('invalid segments are refused as V8 refuses them', (t) => {
  const cases = [
    // an active segment with no memory
    '(module (data (i32.const 0) "x"))',
    // an offset of the wrong type, among constant ones
    '(module (memory 1) (data (i32.const 0) "a") (data (i64.const 0) "b"))',
  ];
  for (const wat of cases) {
    let bytes;
    try { bytes = bin(wat); } catch (_) { continue; } // wabt refused it first
    t.equal(WebAssembly.validate(bytes), false, `V8 refuses ${wat}`);
    t.throws(() => new w.Module(bytes), w.CompileError, `wasihost refuses ${wat}`);
  }
  // data count 2 with no data section; memory index 1 with one memory (hand-made)
  const head = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0];
  const noData = Buffer.from([...head, 5, 3, 1, 0, 1, 12, 1, 2]);
  const badMem = Buffer.from([...head, 5, 3, 1, 0, 1, 11, 7, 1, 2, 1, 0x41, 0, 0x0b, 0]);
  for (const [what, b] of [['data count without a data section', noData], ['memory index 1', badMem]]) {
    t.equal(WebAssembly.validate(b), false, `V8 refuses ${what}`);
    t.throws(() => new w.Module(b), w.CompileError, `wasihost refuses ${what}`);
  }
  // memory64 (3.0, not in this V8): an i32.const offset is a type mismatch,
  // even when every segment is constant (the case without the array)
  const m64 = (off) => {
    const m = W.parseWat('m64.wat', `(module (memory i64 1) (data (i32.const 0) "a") (data (${off} 8) "b"))`, { memory64: true });
    const b = Buffer.from(m.toBinary({}).buffer);
    m.destroy();
    return b;
  };
  t.throws(() => new w.Module(m64('i32.const')), w.CompileError, 'wasihost refuses i32.const offsets into a 64-bit memory');
  t.throws(() => new w.Module(m64('i64.const')), w.CompileError, 'and one among i64.const offsets');
  t.end();
});

t.test('locals of every function, from one block', (t) => {
  const fs_ = [];
  for (let i = 0; i < 300; i++) {
    const n = i % 7;
    const decl = Array.from({ length: n }, (_, k) => ['i32', 'i64', 'f32', 'f64'][(i + k) % 4]).join(' ');
    // the declared locals start at zero; the last one is returned through its type
    const last = n ? ['i32', 'i64', 'f32', 'f64'][(i + n - 1) % 4] : null;
    const ret = !last ? '(local.get 0)'
      : last === 'i32' ? `(i32.add (local.get 0) (local.get ${n}))`
        : last === 'i64' ? `(i32.add (local.get 0) (i32.wrap_i64 (local.get ${n})))`
          : last === 'f32' ? `(i32.add (local.get 0) (i32.trunc_f32_s (local.get ${n})))`
            : `(i32.add (local.get 0) (i32.trunc_f64_s (local.get ${n})))`;
    fs_.push(`(func (export "f${i}") (param i32) (result i32) ${n ? `(local ${decl})` : ''} ${ret})`);
  }
  same(t, `(module ${fs_.join('\n')})`, { calls: Array.from({ length: 300 }, (_, i) => [`f${i}`, i]), instances: 1 });
  t.end();
});

t.test('lazy translation after the translator scratch was given back (large functions, both ways)', (t) => {
  // Nesting 600 blocks deep needs more translator scratch (control frames)
  // than a thread keeps between translations: each call grows it again.
  // Made by hand: wabt's parser recurses on nesting that deep.
  const deep = (depth, k) => {
    const code = [];
    for (let i = 0; i < depth; i++) code.push(0x02, 0x7f); // block (result i32)
    code.push(0x20, 0); // local.get 0
    for (let i = 0; i < depth; i++) code.push(0x41, ...sleb((i * k) % 97), 0x6a, 0x20, 0, 0x45, 0x0d, 0, 0x0b);
    return [0, ...code, 0x0b]; // no locals; end
  };
  const small = (i) => [0, 0x20, 0, 0x41, ...sleb(i), 0x6a, 0x0b];
  const bodies = [deep(600, 3), deep(900, 5), ...Array.from({ length: 400 }, (_, i) => small(i))];
  const names = ['a', 'b', ...Array.from({ length: 400 }, (_, i) => `s${i}`)];
  const vec = (items) => [...uleb(items.length), ...items.flat()];
  const section = (id, payload) => [id, ...uleb(payload.length), ...payload];
  const bytes = Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, vec([[0x60, 1, 0x7f, 1, 0x7f]])),
    ...section(3, vec(bodies.map(() => [0]))),
    ...section(7, vec(names.map((n, i) => [n.length, ...Buffer.from(n), 0, ...uleb(i)]))),
    ...section(10, vec(bodies.map((b) => [...uleb(b.length), ...b])))]);
  const calls = [['a', 1], ['s1', 1], ['b', 2], ['a', 0], ['s399', 7], ['b', 0]];
  const want = [0, 1].map(() => run(WebAssembly, new WebAssembly.Module(bytes), {}, calls));
  for (const [how, mod] of wasihostModules(bytes)) t.same([0, 1].map(() => run(w, mod, {}, calls)), want, how);
  t.end();
});

// A name section: wabt's, then hand-made ones appended.
const nameEntry = (idx, s) => [...uleb(idx), s.length, ...Buffer.from(s)];
const nameSection = (entries, tail = []) => {
  const sub = [...uleb(entries.length), ...entries.flat(), ...tail];
  const payload = [4, ...Buffer.from('name'), 1, ...uleb(sub.length), ...sub];
  return Buffer.from([0, ...uleb(payload.length), ...payload]);
};
const TRAPPER = `(module (func $outer (export "run") (call $middle)) (func $middle (call $inner)) (func $inner unreachable))`;
const frames = (mod) => {
  const inst = new w.Instance(mod, {});
  try { inst.exports.run(); } catch (e) { return e.wasmBacktrace.map((f) => f.name || null); }
  return 'no trap';
};

t.test('function names, read on first use from the module\'s own bytes', (t) => {
  for (const [how, mod] of wasihostModules(bin(TRAPPER, true))) {
    t.same(frames(mod), ['inner', 'middle', 'outer'], how);
    t.same(frames(mod), ['inner', 'middle', 'outer'], `${how}, again`);
  }
  const plain = bin(TRAPPER);
  for (const [how, mod] of wasihostModules(plain)) t.same(frames(mod).length, 3, `${how}: no name section, still 3 frames`);
  // two sections: the first name of an index wins; a malformed entry ends
  // its section (the names before it stay)
  const two = Buffer.concat([plain, nameSection([nameEntry(2, 'in')], [9]), nameSection([nameEntry(2, 'late'), nameEntry(1, 'mid'), nameEntry(7, 'none')])]);
  for (const [how, mod] of wasihostModules(two)) t.same(frames(mod), ['in', 'mid', null], `${how}: two sections`);
  const broken = Buffer.concat([plain, nameSection([nameEntry(0, 'out'), nameEntry(1, 'mid')], [2, 200])]);
  for (const [how, mod] of wasihostModules(broken)) t.same(frames(mod), [null, 'mid', 'out'], `${how}: a truncated entry`);
  t.end();
});

// The same from C (test/c/lazy_names.c, gcc under ASan+UBSan, src/engine
// only): four threads ask for the names at once.
const { assertChecks, buildEngineProgram, runProgram, hasGcc } = require('../c/checks');
t.test('C: names read by four threads at once, after the caller\'s bytes are gone', (t) => {
  if (!hasGcc) { t.skip('gcc not installed'); return t.end(); }
  const funcs = Array.from({ length: 200 }, (_, i) => `(func $f${i} (export "f${i}") (result i32) (i32.const ${i}))`).join('\n');
  const files = [[true, 'named.wasm'], [false, 'plain.wasm']].map(([names, f]) => {
    fs.writeFileSync(path.join(dir, f), bin(`(module ${funcs})`, names));
    return path.join(dir, f);
  });
  const exe = path.join(dir, 'lazy_names');
  buildEngineProgram('lazy_names', exe);
  assertChecks(t, runProgram(exe, files), 8);
  t.end();
});
