'use strict';
// The validator against V8's WebAssembly.validate: hand-written cases of
// unreachable code where an exact result type matters, then a sample of
// random modules (scripts/validate-diff.js runs millions).
const t = require('tap');
const wabt = require('wabt');
const wasihost = require('../..');
const { run } = require('../../scripts/validate-diff.js');

const cases = [
  // results fixed by the instruction, operands from the polymorphic stack
  '(func (local i32) unreachable local.tee 0 f64.neg drop)',
  '(memory 1) (func unreachable memory.grow i64.eqz drop)',
  '(memory 1) (func unreachable memory.grow i32.eqz drop)',
  '(table 1 funcref) (func unreachable table.grow 0 f32.neg drop)',
  '(table 1 funcref) (func unreachable table.size 0 f32.neg drop)',
  '(func unreachable ref.is_null f64.neg drop)',
  '(func unreachable ref.is_null i32.eqz drop)',
  '(func unreachable i32.eqz i64.eqz drop)',
  '(func unreachable f32.convert_i32_s f32.neg drop)',
  '(func unreachable f32.convert_i32_s i32.eqz drop)',
  '(func unreachable select (result i32) i64.eqz drop)',
  '(func unreachable select i64.eqz drop)',
  '(func (result i32) unreachable select)',
  // br_if passes its operands on typed as the label
  '(func (result i32) (block (result i64) unreachable br_if 0 i32.wrap_i64) drop i32.const 0)',
  '(func (block (result i64) unreachable br_if 0 f32.neg drop) )',
  // br_table keeps the unknown: both labels can take it
  '(func (block (result f64) (block (result f32) unreachable br_table 0 1 1) drop f64.const 0) drop)',
  '(func (block (result f64) (block (result f32) unreachable i32.const 1 br_table 0 1 1) drop f64.const 0) drop)',
  // block parameters from the polymorphic stack
  '(type $t (func (param i32) (result i32))) (func unreachable (block (type $t) (param i32) (result i32) f32.neg) drop)',
  '(func (param i32) (result i32) unreachable local.tee 0)',
  '(func (result i64) (local i32) unreachable local.tee 0)',
];

t.test('unreachable-code typing matches V8', async (t) => {
  const w = await wabt();
  for (const body of cases) {
    const src = `(module ${body})`;
    const m = w.parseWat('case.wat', src, { reference_types: true, bulk_memory: true, multi_value: true });
    const { buffer } = m.toBinary({});
    m.destroy();
    t.equal(wasihost.validate(buffer), WebAssembly.validate(buffer), src);
  }
});

t.test('random modules: validate() agrees with V8', (t) => {
  const c = run({ count: 3000, seed: 20261203 });
  t.equal(c.onlyWasihost, 0, 'no module accepted only by wasihost');
  t.equal(c.onlyV8, 0, 'no module accepted only by V8');
  for (const f of c.failures.slice(0, 3)) t.comment(`seed ${f.seed}: wasihost says ${f.ours}`);
  // the generator must keep producing both outcomes, or the test proves nothing
  t.ok(c.bothValid > 1000, `${c.bothValid} valid modules`);
  t.ok(c.bothInvalid > 500, `${c.bothInvalid} invalid modules`);
  t.end();
});
