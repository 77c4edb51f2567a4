'use strict';
// Errors a user meets: WASI given an instance of another engine says what
// to pass.  (Wasm frames in e.stack: test/profile, the prof branch.)
const t = require('tap');
const fs = require('fs');
const path = require('path');
const w = require('../..');

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
