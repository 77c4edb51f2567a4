'use strict';
// Module: compile, validate, reflection, CompileError; the namespace
// functions compile / instantiate / validate.
const t = require('tap');
const { W, wat, isV8 } = require('./fixtures/impl.js');

const BAD_VERSION = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00]);
const EMPTY = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

const SRC = `(module
  (import "env" "f" (func (param i32)))
  (import "env" "mem" (memory 1))
  (import "env" "tab" (table 1 funcref))
  (import "env" "g" (global i32))
  (func (export "run") (param i32) (result i32) local.get 0)
  (export "m" (memory 0))
  (table (export "t") 1 funcref)
  (global (export "gl") (mut i64) (i64.const 0)))`;

t.test('Module from every kind of BufferSource', async (t) => {
  const bytes = await wat('(module (func (export "f") (result i32) i32.const 7))');
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  // (a DataView is accepted by wasihost as the spec says, not by Node 20's V8)
  for (const src of [bytes, ab, Buffer.from(bytes), new Uint16Array(ab)]) {
    const m = new W.Module(src);
    t.equal(new W.Instance(m).exports.f(), 7, src.constructor.name);
  }
  // an offset view: bytes in the middle of a bigger buffer
  const big = new Uint8Array(bytes.length + 10);
  big.set(bytes, 5);
  t.equal(new W.Instance(new W.Module(big.subarray(5, 5 + bytes.length))).exports.f(), 7);
  t.equal(Object.prototype.toString.call(new W.Module(bytes)), '[object WebAssembly.Module]');
});

t.test('Module rejects non-buffers with TypeError', async (t) => {
  for (const v of [undefined, null, 42, 'abc', {}, [0, 97, 115, 109]]) {
    t.throws(() => new W.Module(v), TypeError, String(v));
  }
  t.throws(() => W.Module(EMPTY), TypeError, 'needs new');
});

t.test('CompileError with offset', async (t) => {
  t.ok(new W.Module(EMPTY), 'the empty module compiles');
  t.throws(() => new W.Module(BAD_VERSION), W.CompileError);
  t.throws(() => new W.Module(new Uint8Array([1, 2, 3])), W.CompileError);
  try {
    new W.Module(BAD_VERSION);
  } catch (e) {
    t.ok(e instanceof Error, 'CompileError is an Error');
    t.equal(e.name, 'CompileError');
    if (!isV8) t.match(e.message, /at offset \d+/);
  }
  // valid binary, invalid module: type mismatch
  const bad = await wat('(module (func (result i32) i32.const 1))');
  // patch i32.const (0x41) to f32-less garbage by removing the result: use a
  // hand-built module instead: (func (result i32) (i64.const 0))
  const invalid = new Uint8Array([
    0, 97, 115, 109, 1, 0, 0, 0,
    1, 5, 1, 0x60, 0, 1, 0x7f, // type: [] -> [i32]
    3, 2, 1, 0, // func 0: type 0
    10, 6, 1, 4, 0, 0x42, 0, 0x0b, // body: i64.const 0 end
  ]);
  t.ok(W.validate(bad));
  t.notOk(W.validate(invalid));
  t.throws(() => new W.Module(invalid), W.CompileError);
});

t.test('validate', async (t) => {
  t.equal(W.validate(EMPTY), true);
  t.equal(W.validate(BAD_VERSION), false);
  t.equal(W.validate(await wat(SRC)), true);
  t.throws(() => W.validate('not bytes'), TypeError);
});

t.test('imports, exports', async (t) => {
  const m = new W.Module(await wat(SRC));
  t.same(W.Module.imports(m), [
    { module: 'env', name: 'f', kind: 'function' },
    { module: 'env', name: 'mem', kind: 'memory' },
    { module: 'env', name: 'tab', kind: 'table' },
    { module: 'env', name: 'g', kind: 'global' },
  ]);
  t.same(W.Module.exports(m), [
    { name: 'run', kind: 'function' },
    { name: 'm', kind: 'memory' },
    { name: 't', kind: 'table' },
    { name: 'gl', kind: 'global' },
  ]);
  t.throws(() => W.Module.imports({}), TypeError);
  t.throws(() => W.Module.exports(null), TypeError);
});

t.test('names are UTF-8 and may hold NUL', async (t) => {
  const m = new W.Module(await wat('(module (func (export "h\\00\\c3\\a9\\e2\\9c\\93")) (func (export "")))'));
  t.same(W.Module.exports(m).map((e) => e.name), ['h\u0000é✓', '']);
  const ex = new W.Instance(m).exports;
  t.equal(typeof ex['h\u0000é✓'], 'function');
  t.equal(typeof ex[''], 'function');
});

t.test('customSections', async (t) => {
  // two sections "hi" and one "other", hand-appended to an empty module
  const sec = (name, payload) => {
    const n = Buffer.from(name);
    const body = [n.length, ...n, ...payload];
    return [0, body.length, ...body];
  };
  const bytes = new Uint8Array([...EMPTY, ...sec('hi', [1, 2, 3]), ...sec('other', [9]), ...sec('hi', [])]);
  const m = new W.Module(bytes);
  const hi = W.Module.customSections(m, 'hi');
  t.equal(hi.length, 2);
  t.ok(hi[0] instanceof ArrayBuffer);
  t.same([...new Uint8Array(hi[0])], [1, 2, 3]);
  t.equal(hi[1].byteLength, 0);
  t.same(W.Module.customSections(m, 'missing'), []);
  // a copy: changing it does not change the next answer
  new Uint8Array(hi[0])[0] = 42;
  t.same([...new Uint8Array(W.Module.customSections(m, 'hi')[0])], [1, 2, 3]);
  t.throws(() => W.Module.customSections({}, 'hi'), TypeError);
});

t.test('compile and instantiate', async (t) => {
  const bytes = await wat('(module (import "m" "x" (global i32)) (func (export "f") (result i32) global.get 0))');
  const m = await W.compile(bytes);
  t.ok(m instanceof W.Module);
  const inst = await W.instantiate(m, { m: { x: 5 } });
  t.ok(inst instanceof W.Instance, 'instantiate(module) gives an Instance');
  t.equal(inst.exports.f(), 5);
  const pair = await W.instantiate(bytes, { m: { x: 6 } });
  t.ok(pair.module instanceof W.Module, 'instantiate(bytes) gives {module, instance}');
  t.ok(pair.instance instanceof W.Instance);
  t.equal(pair.instance.exports.f(), 6);
  await t.rejects(W.compile(BAD_VERSION), W.CompileError);
  await t.rejects(W.compile(42), TypeError);
  await t.rejects(W.instantiate(BAD_VERSION, {}), W.CompileError);
  await t.rejects(W.instantiate(bytes, { m: {} }), W.LinkError);
  await t.rejects(W.instantiate(bytes, 7), TypeError);
});

t.test('compile copies the bytes at once', async (t) => {
  const bytes = await wat('(module (func (export "f") (result i32) i32.const 1))');
  const p = W.compile(bytes);
  bytes.fill(0);
  const m = await p;
  t.equal(new W.Instance(m).exports.f(), 1);
});
