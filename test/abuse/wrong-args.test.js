'use strict';
// Every constructor and method with wrong types, counts and coercing
// objects, on wasihost and on V8's WebAssembly: the same exception class or
// the same result.  A handful of differences are listed (KNOWN) with why.
const t = require('tap');
const { W, wat, badValues, outcome, same } = require('./fixtures');

// (name, (NS, fx, x) => result); fx holds one set of objects per engine.
const OPS = [
  ['new Module(x)', (NS, fx, x) => new NS.Module(x)],
  ['validate(x)', (NS, fx, x) => NS.validate(x)],
  ['new Memory(x)', (NS, fx, x) => new NS.Memory(x)],
  ['new Memory({initial: x})', (NS, fx, x) => new NS.Memory({ initial: x })],
  ['new Memory({initial: 1, maximum: x})', (NS, fx, x) => new NS.Memory({ initial: 1, maximum: x })],
  ['memory.grow(x)', (NS, fx, x) => fx.memory.grow(x)],
  ['new Table(x)', (NS, fx, x) => new NS.Table(x)],
  ['new Table({element: x, initial: 1})', (NS, fx, x) => new NS.Table({ element: x, initial: 1 })],
  ['new Table({element: anyfunc, initial: x})', (NS, fx, x) => new NS.Table({ element: 'anyfunc', initial: x })],
  ['table.get(x)', (NS, fx, x) => fx.table.get(x)],
  ['table.set(x, null)', (NS, fx, x) => fx.table.set(x, null)],
  ['table.set(0, x)', (NS, fx, x) => fx.table.set(0, x)],
  ['table.grow(x)', (NS, fx, x) => fx.table.grow(x)],
  ['new Global(x)', (NS, fx, x) => new NS.Global(x)],
  ['new Global({value: x})', (NS, fx, x) => new NS.Global({ value: x })],
  ['new Global({value: i32}, x).value', (NS, fx, x) => new NS.Global({ value: 'i32' }, x).value],
  ['new Global({value: i64}, x).value', (NS, fx, x) => new NS.Global({ value: 'i64' }, x).value],
  ['new Global({value: f32}, x).value', (NS, fx, x) => new NS.Global({ value: 'f32' }, x).value],
  ['new Global({value: f64}, x).value', (NS, fx, x) => new NS.Global({ value: 'f64' }, x).value],
  ['i32 global.value = x', (NS, fx, x) => { fx.gi32.value = x; return fx.gi32.value; }],
  ['i64 global.value = x', (NS, fx, x) => { fx.gi64.value = x; return fx.gi64.value; }],
  ['const global.value = x', (NS, fx, x) => { fx.gconst.value = x; return fx.gconst.value; }],
  ['f(i32) with x', (NS, fx, x) => fx.exports.i32(x)],
  ['f(i64) with x', (NS, fx, x) => fx.exports.i64(x)],
  ['f(f64) with x', (NS, fx, x) => fx.exports.f64(x)],
  ['f(externref) with x returns it', (NS, fx, x) => fx.exports.ext(x) === x],
  ['f(funcref) with x', (NS, fx, x) => fx.exports.fref(x)],
  ['new Instance(x)', (NS, fx, x) => new NS.Instance(x)],
  ['new Instance(module, x)', (NS, fx, x) => new NS.Instance(fx.importing, x)],
  ['new Instance(module, {m: x})', (NS, fx, x) => new NS.Instance(fx.importing, { m: x })],
  ['new Instance(module, {m: {f: x}})', (NS, fx, x) => new NS.Instance(fx.importing, { m: { f: x } })],
  ['Module.imports(x)', (NS, fx, x) => NS.Module.imports(x)],
  ['Module.exports(x)', (NS, fx, x) => NS.Module.exports(x)],
  ['Module.customSections(module, x)', (NS, fx, x) => NS.Module.customSections(fx.module, x)],
];

// Differences we keep, each for a reason (JSON of the outcomes).
const KNOWN = new Map([
  // JS API 2.0 Table.set(index, value): an explicit undefined is a missing
  // optional argument (WebIDL), so the element's default (null) is stored.
  // Node 20's V8 throws a TypeError instead; newer V8 follows the spec.
  ['table.set(0, x) / undefined', 'spec: undefined is the default value'],
]);

t.test('wrong arguments: wasihost throws what V8 throws, or returns what it returns', async (t) => {
  const bytes = await wat(`(module
    (func (export "i32") (param i32) (result i32) local.get 0)
    (func (export "i64") (param i64) (result i64) local.get 0)
    (func (export "f64") (param f64) (result f64) local.get 0)
    (func (export "ext") (param externref) (result externref) local.get 0)
    (func (export "fref") (param funcref) (result i32) local.get 0 ref.is_null))`);
  const importing = await wat('(module (import "m" "f" (func)))');
  const fixtures = (NS) => {
    const module = new NS.Module(bytes);
    return {
      module,
      exports: new NS.Instance(module, {}).exports,
      importing: new NS.Module(importing),
      memory: new NS.Memory({ initial: 1, maximum: 4 }),
      table: new NS.Table({ element: 'anyfunc', initial: 2, maximum: 8 }),
      gi32: new NS.Global({ value: 'i32', mutable: true }, 0),
      gi64: new NS.Global({ value: 'i64', mutable: true }, 0n),
      gconst: new NS.Global({ value: 'i32' }, 0),
    };
  };
  let cases = 0;
  let differences = 0;
  for (const [name, op] of OPS) {
    for (const [label, x] of badValues()) {
      // Fresh objects per case: a grow or a set must not leak into the next.
      const ours = outcome(() => op(W, fixtures(W), x));
      const v8 = outcome(() => op(WebAssembly, fixtures(WebAssembly), x));
      const key = `${name} / ${label}`;
      cases++;
      if (same(ours, v8)) {
        t.pass(`${key}: ${JSON.stringify(ours)}`);
      } else if (KNOWN.has(key)) {
        t.ok(ours.threw || 'value' in ours, `${key}: a known difference, still an exception (${JSON.stringify(ours)} vs V8 ${JSON.stringify(v8)}: ${KNOWN.get(key)})`);
      } else {
        differences++;
        t.fail(`${key}: wasihost ${JSON.stringify(ours)}, V8 ${JSON.stringify(v8)}`);
      }
    }
  }
  t.comment(`${cases} cases, ${differences} unexplained differences`);
});
