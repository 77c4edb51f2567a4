'use strict';
// The `spectest` module every spec script may import (see the reference
// interpreter's host/spectest.ml). It is built as a real wasm module so the
// print functions carry their wasm types: imports.wast checks that importing
// e.g. `print_i32` with another signature is unlinkable, which untyped JS
// functions could never be. If the engine cannot compile it, a JS-API
// version (untyped no-op functions) stands in and the caller is told why.

function uleb(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function str(s) {
  const b = [...Buffer.from(s, 'utf8')];
  return [...uleb(b.length), ...b];
}

function vec(items) {
  return [...uleb(items.length), ...items.flat()];
}

function section(id, body) {
  return [id, ...uleb(body.length), ...body];
}

const I32 = 0x7f, I64 = 0x7e, F32 = 0x7d, F64 = 0x7c, FUNCREF = 0x70;

const FUNCS = [
  ['print', []],
  ['print_i32', [I32]],
  ['print_i64', [I64]],
  ['print_f32', [F32]],
  ['print_f64', [F64]],
  ['print_i32_f32', [I32, F32]],
  ['print_f64_f64', [F64, F64]],
];

function f32Bytes(x) {
  const b = Buffer.alloc(4); b.writeFloatLE(x); return [...b];
}
function f64Bytes(x) {
  const b = Buffer.alloc(8); b.writeDoubleLE(x); return [...b];
}

const GLOBALS = [
  // 666 as a signed LEB128 is 0x9a 0x05.
  ['global_i32', [I32, 0x00, 0x41, 0x9a, 0x05, 0x0b]],
  ['global_i64', [I64, 0x00, 0x42, 0x9a, 0x05, 0x0b]],
  ['global_f32', [F32, 0x00, 0x43, ...f32Bytes(666.6), 0x0b]],
  ['global_f64', [F64, 0x00, 0x44, ...f64Bytes(666.6), 0x0b]],
];

function spectestBytes(with64 = true) {
  const types = FUNCS.map(([, params]) => [0x60, ...vec(params.map((p) => [p])), 0x00]);
  const funcs = FUNCS.map((_, i) => uleb(i));
  // table64 (3.0): the reference interpreter's i64 table of 10..20
  // (an engine without table64, as Node 20's V8, gets the module without it)
  const table = [[FUNCREF, 0x01, ...uleb(10), ...uleb(20)]];
  if (with64) table.push([FUNCREF, 0x05, ...uleb(10), ...uleb(20)]);
  const memory = [[0x01, ...uleb(1), ...uleb(2)]];
  const globals = GLOBALS.map(([, g]) => g);
  const exports = [
    ...FUNCS.map(([name], i) => [...str(name), 0x00, ...uleb(i)]),
    [...str('table'), 0x01, 0x00],
    ...(with64 ? [[...str('table64'), 0x01, 0x01]] : []),
    [...str('memory'), 0x02, 0x00],
    ...GLOBALS.map(([name], i) => [...str(name), 0x03, ...uleb(i)]),
  ];
  const code = FUNCS.map(() => [0x02, 0x00, 0x0b]); // size 2: no locals, end
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(3, vec(funcs)),
    ...section(4, vec(table)),
    ...section(5, vec(memory)),
    ...section(6, vec(globals)),
    ...section(7, vec(exports)),
    ...section(10, vec(code.map((c) => [...c]))),
  ]);
}

function jsSpectest(api) {
  const noop = () => {};
  let table;
  try {
    table = new api.Table({ element: 'anyfunc', initial: 10, maximum: 20 });
  } catch {
    table = new api.Table({ element: 'funcref', initial: 10, maximum: 20 });
  }
  return {
    print: noop, print_i32: noop, print_i64: noop, print_f32: noop, print_f64: noop,
    print_i32_f32: noop, print_f64_f64: noop,
    global_i32: new api.Global({ value: 'i32', mutable: false }, 666),
    global_i64: new api.Global({ value: 'i64', mutable: false }, 666n),
    global_f32: new api.Global({ value: 'f32', mutable: false }, 666.6),
    global_f64: new api.Global({ value: 'f64', mutable: false }, 666.6),
    table,
    memory: new api.Memory({ initial: 1, maximum: 2 }),
  };
}

// A fresh spectest instance's exports for one script: { exports, note }.
// note is null, or says why the untyped JS stand-in is used.
function makeSpectest(api) {
  try {
    let mod;
    try {
      mod = new api.Module(spectestBytes(true));
    } catch {
      mod = new api.Module(spectestBytes(false));
    }
    const inst = new api.Instance(mod, {});
    return { exports: inst.exports, note: null };
  } catch (e) {
    return {
      exports: jsSpectest(api),
      note: `spectest wasm module failed (${e && e.message}); using untyped JS functions`,
    };
  }
}

module.exports = { makeSpectest, spectestBytes };
