'use strict';
// Errors a user meets: a trap's e.stack has its wasm frames in V8's own
// format (checked against V8 on the same bytes); WASI given an instance of
// another engine says what to pass.
const t = require('tap');
const fs = require('fs');
const path = require('path');
const w = require('../..');
const { wat } = require('../api/fixtures/impl.js');

const FRAME = /^ {4}at (?:(\S+) \()?wasm:\/\/wasm\/([0-9a-f]{8}):wasm-function\[(\d+)\]:0x([0-9a-f]+)\)?$/;
const frames = (stack) => stack.split('\n').map((l) => FRAME.exec(l)).filter(Boolean)
  .map((m) => ({ name: m[1], hash: m[2], index: Number(m[3]), offset: parseInt(m[4], 16) }));

t.test('a trap\'s e.stack has the wasm frames as V8 writes them', async (t) => {
  const bytes = await wat(`(module
    (func $inner (drop (i32.div_s (i32.const 1) (i32.const 0))))
    (func $middle nop call $inner)
    (func (export "run") call $middle))`);
  let ours, v8;
  try { new w.Instance(new w.Module(bytes)).exports.run(); } catch (e) { ours = e; }
  try { new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.run(); } catch (e) { v8 = e; }
  t.ok(ours instanceof w.RuntimeError, 'a RuntimeError');
  const lines = ours.stack.split('\n');
  t.equal(lines[0], 'RuntimeError: integer divide by zero', 'the message line first');
  t.ok(lines.slice(1, 4).every((l) => FRAME.test(l)), 'then three frames in V8\'s format', { stack: ours.stack });
  t.match(lines[4], /^ {4}at .*errors\.test\.js/, 'then the JS caller');
  const mine = frames(ours.stack), theirs = frames(v8.stack);
  t.same(mine.map((f) => [f.index, f.offset]), theirs.map((f) => [f.index, f.offset]),
    'the same function indices and byte offsets as V8 gives for the same module');
  t.ok(mine.every((f) => f.hash === mine[0].hash), 'one module hash');
  let again;
  try { new w.Instance(new w.Module(bytes)).exports.run(); } catch (e) { again = e; }
  t.equal(frames(again.stack)[0].hash, mine[0].hash, 'the same bytes give the same wasm:// URL');

  const w2 = await (await require('wabt')()).parseWat('n.wat',
    '(module (func $boom (export "boom") (drop (i32.div_s (i32.const 1) (i32.const 0)))))');
  const named = w2.toBinary({ write_debug_names: true }).buffer;
  let err;
  try { new w.Instance(new w.Module(named)).exports.boom(); } catch (e) { err = e; }
  t.match(err.stack.split('\n')[1], /^ {4}at boom \(wasm:\/\/wasm\/[0-9a-f]{8}:wasm-function\[0\]:0x[0-9a-f]+\)$/,
    'a named function: at name (url)');
  t.match(new w.RuntimeError('made in JS').stack, /^RuntimeError: made in JS\n {4}at /, 'a RuntimeError made in JS keeps its JS stack');
});

t.test('WASI.start/initialize refuse an instance of another engine with a TypeError', async (t) => {
  const bytes = fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'hello.wasm'));
  const wasi = new w.WASI({ version: 'preview1' });
  const v8 = new WebAssembly.Instance(new WebAssembly.Module(bytes), wasi.getImportObject());
  t.throws(() => wasi.start(v8), { name: 'TypeError', message: /wasihost Instance, got V8's WebAssembly\.Instance.*new Instance\(new Module\(bytes\), wasi\.getImportObject\(\)\)/ });
  t.throws(() => new w.WASI({ version: 'preview1' }).initialize({ exports: {} }), { name: 'TypeError', message: /wasihost Instance/ });
  const wasi2 = new w.WASI({ version: 'preview1', stdout: 'pipe' });
  t.throws(() => wasi2.start(v8), TypeError);
  t.equal(wasi2.start(new w.Instance(new w.Module(bytes), wasi2.getImportObject())), 0, 'a refused call does not use up the WASI object');
});
