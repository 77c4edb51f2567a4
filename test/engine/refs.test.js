'use strict';
// Typed function references (3.0): call_ref, return_call_ref,
// ref.as_non_null, br_on_null, br_on_non_null, non-nullable locals, tables
// and globals, through fixtures/typed_refs.wat (built with wasm-tools:
// wabt 1.0.32 cannot read the syntax).  No differential test: Node 20's V8
// (11.3) reads the pre-standard encoding of these types even with
// --experimental-wasm-typed-funcref / --experimental-wasm-gc (the module
// below fails there with "invalid value type 'stringview_wtf8ref'").
const t = require('tap');
const fs = require('fs');
const path = require('path');
const wasihost = require('../..');

const bytes = fs.readFileSync(path.join(__dirname, 'fixtures', 'typed_refs.wasm'));

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const section = (id, body) => [id, body.length, ...body];
const mod = (...sections) => Buffer.from([...HEADER, ...sections.flat()]);
// type 0 = (func), type 1 = [] -> [] whose body is `code`; locals: `locals`
const func = (locals, code) => mod(
  section(1, [1, 0x60, 0, 0]), section(3, [1, 0]),
  section(10, [1, locals.length + code.length + 1, ...locals, ...code, 0x0b]));

t.test('calls through typed references', async (t) => {
  const seen = [];
  const env = { host: (x) => { seen.push(x); return x + 100; }, takes: (f) => f(41) };
  const e = new wasihost.Instance(new wasihost.Module(bytes), { env }).exports;
  t.equal(e.call_local(5), 10, 'a non-nullable local');
  t.equal(e.call_table(5, 0), 6, 'a table of (ref $t) starts as its initializer');
  e.set_table(1);
  t.equal(e.call_table(5, 1), 10, 'table.set of a (ref $t) global');
  t.throws(() => e.call_global(1), { name: 'RuntimeError', message: /null function reference/ }, 'call_ref of null');
  e.set_global();
  t.equal(e.call_global(1), 2, 'a mutable (ref null $t) global');
  t.equal(e.call_host(1), 101, 'call_ref of an import');
  t.same(seen, [1]);
  t.equal(e.call_takes(), 42, 'call_ref of a JS function whose signature names a concrete type');
  t.equal(e.select_ref(1), 4, 'typed select, first');
  t.equal(e.select_ref(0), 6, 'typed select, second');
  t.equal(e.sum(1000000n), 500000500000n, 'return_call_ref 10^6 times');
});

t.test('null checks and branches on null', async (t) => {
  const e = new wasihost.Instance(new wasihost.Module(bytes), { env: { host: (x) => x, takes: () => 0 } }).exports;
  const inc = e.get_ref();
  t.equal(typeof inc, 'function', 'a (ref $t) result is a function');
  t.equal(inc(1), 2);
  t.equal(e.null_ref(), null, 'a (ref null $t) result may be null');
  t.equal(e.as_non_null(inc), 6);
  t.throws(() => e.as_non_null(null), { name: 'RuntimeError', message: /null reference/ }, 'ref.as_non_null traps');
  t.equal(e.on_null(null), -1, 'br_on_null taken');
  t.equal(e.on_null(inc), 11, 'br_on_null not taken');
  t.equal(e.on_non_null(null), -2, 'br_on_non_null not taken');
  t.equal(e.on_non_null(inc), 21, 'br_on_non_null taken');
  t.equal(e.need_ref(inc), 41);
  t.throws(() => e.need_ref(null), { name: 'TypeError', message: /non-nullable/ }, 'null for a (ref $t) parameter');
  t.equal(e.call_param(inc, 1), 2, 'a JS-provided reference of the right type');
  // a JS value is typed by its family (funcref) only: the call checks it
  t.throws(() => e.call_param(e.sum, 1), { name: 'RuntimeError', message: /indirect call type mismatch/ });
  t.equal(typeof e.gref.value, 'function', 'an exported (ref $t) global');
});

t.test('validation', async (t) => {
  const invalid = (bytes, msg, what) =>
    t.throws(() => new wasihost.Module(bytes), { name: 'CompileError', message: msg }, what);
  // (local (ref func)) read before it is set
  invalid(func([1, 1, 0x64, 0x70], [0x20, 0x00, 0x1a]), /uninitialized local 0/, 'a non-nullable local read unset');
  // (ref null func) where (ref func) is needed: ref.null func; call_ref... use local.set
  invalid(func([1, 1, 0x64, 0x70], [0xd0, 0x70, 0x21, 0x00]), /type mismatch/, 'a nullable value in a non-nullable local');
  // a table of (ref func) without an initializer
  invalid(mod(section(4, [1, 0x64, 0x70, 0x00, 0x01])), /needs an initializer/, 'non-nullable table without initializer');
  // ref.as_non_null on an i32
  invalid(func([0], [0x41, 0x00, 0xd4, 0x1a]), /expected a reference/, 'ref.as_non_null of a number');
  // a typed reference to a later type
  invalid(mod(section(1, [2, 0x60, 1, 0x64, 0x01, 0, 0x60, 0, 0])), /unknown type 1/, 'forward type reference');
  // valid: set then read, in the same block (ref.func 0 needs a declaration)
  const declared = (code) => mod(
    section(1, [1, 0x60, 0, 0]), section(3, [1, 0]), section(9, [1, 0x03, 0x00, 1, 0x00]),
    section(10, [1, 4 + code.length + 1, 1, 1, 0x64, 0x70, ...code, 0x0b]));
  t.ok(new wasihost.Module(declared([0xd2, 0x00, 0x21, 0x00, 0x20, 0x00, 0x1a])), 'set, then read');
  t.ok(new wasihost.Module(declared([0x02, 0x40, 0xd2, 0x00, 0x21, 0x00, 0x20, 0x00, 0x1a, 0x0b])),
    'set, then read inside one block');
  // set inside a block, read after it: the block's initialization is forgotten
  invalid(declared([0x02, 0x40, 0xd2, 0x00, 0x21, 0x00, 0x0b, 0x20, 0x00, 0x1a]),
    /uninitialized local 0/, 'initialized only inside a block');
});

t.test('imports of typed globals are checked by their concrete type', async (t) => {
  const ex = new wasihost.Instance(new wasihost.Module(bytes), { env: { host: (x) => x, takes: () => 0 } });
  // (import "m" "gref" (global (ref $t))) with $t = [i32] -> [i32], then [] -> []
  const importer = (sig) => mod(section(1, [1, 0x60, ...sig]),
    section(2, [1, 1, 0x6d, 4, 0x67, 0x72, 0x65, 0x66, 3, 0x64, 0x00, 0x00]));
  t.ok(new wasihost.Instance(new wasihost.Module(importer([1, 0x7f, 1, 0x7f])), { m: { gref: ex.exports.gref } }),
    'the same signature links');
  t.throws(() => new wasihost.Instance(new wasihost.Module(importer([0, 0])), { m: { gref: ex.exports.gref } }),
    { name: 'LinkError' }, 'another signature does not');
});
