'use strict';
// Module.fromFile(path) (wasihost extension): the file read into memory the
// module owns, compiled in place; the same module as new Module(bytes), the
// same CompileError for a bad file, and a read error carrying its code.
const t = require('tap');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { pathToFileURL } = require('url');
const { isV8, wat } = require('./fixtures/impl.js');
const W = require('../..');

if (isV8) {
  t.skip('wasihost extension');
} else {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wh-fromfile-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));

  t.test('compiles a file as new Module compiles its bytes', async (t) => {
    const bytes = await wat(`(module (memory (export "mem") 1) (data (i32.const 16) "hello")
      (func (export "f") (param i32) (result i32) (i32.add (local.get 0) (i32.load8_u (i32.const 16)))))`);
    const file = path.join(dir, 'm.wasm');
    fs.writeFileSync(file, bytes);
    for (const p of [file, Buffer.from(file), pathToFileURL(file)]) {
      const m = W.Module.fromFile(p);
      t.ok(m instanceof W.Module, `a Module from a ${p.constructor.name}`);
      t.same(W.Module.exports(m), W.Module.exports(new W.Module(bytes)), 'same exports');
      const { exports } = new W.Instance(m);
      t.equal(exports.f(1), 1 + 'h'.charCodeAt(0), 'runs, with its data segment');
      t.equal(Buffer.from(exports.mem.buffer, 16, 5).toString(), 'hello', 'data in memory');
    }
    // the file changing afterwards does not change the module: it was read
    const m = W.Module.fromFile(file);
    fs.writeFileSync(file, Buffer.alloc(bytes.length));
    t.equal(new W.Instance(m).exports.f(0), 'h'.charCodeAt(0), 'a rewritten file does not reach the module');
    t.equal(Object.prototype.toString.call(m), '[object WebAssembly.Module]');
  });

  t.test('a bad module: the CompileError new Module gives', async (t) => {
    const bad = Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 5, 1, 0x60, 0, 1, 0x7f, 3, 2, 1, 0, 10, 4, 1, 2, 0, 0x0b]);
    const file = path.join(dir, 'bad.wasm');
    fs.writeFileSync(file, bad);
    let want;
    try { new W.Module(bad); } catch (e) { want = e; }
    t.ok(want instanceof W.CompileError, 'new Module refuses it');
    t.throws(() => W.Module.fromFile(file), { constructor: W.CompileError, message: want.message });
    const empty = path.join(dir, 'empty.wasm');
    fs.writeFileSync(empty, '');
    t.throws(() => W.Module.fromFile(empty), W.CompileError, 'an empty file');
  });

  t.test('files that cannot be read, and bad arguments', async (t) => {
    t.throws(() => W.Module.fromFile(path.join(dir, 'missing.wasm')), { code: 'ENOENT', message: /cannot read .*missing\.wasm/ });
    t.throws(() => W.Module.fromFile(dir), { code: 'EISDIR' });
    t.throws(() => W.Module.fromFile(`${dir}/m.wasm\0x`), TypeError, 'a NUL byte');
    for (const v of [undefined, 42, {}, null]) t.throws(() => W.Module.fromFile(v), TypeError, `path ${v}`);
  });
}
