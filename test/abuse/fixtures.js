'use strict';
// Shared by test/abuse/*.test.js: both engines behind one face, the inputs
// that break conversions, and an outcome that can be compared across them.
const { W, native, wat, sleep, root } = require('../limits/fixtures/util');

// Values that every conversion must survive: wrong types, edges of the
// numeric ranges, and objects whose coercion runs (or throws from) user code.
function badValues() {
  const boom = new Error('boom');
  return [
    ['undefined', undefined], ['null', null], ['true', true], ['0', 0], ['-0', -0],
    ['-1', -1], ['1.5', 1.5], ['NaN', NaN], ['Infinity', Infinity], ['2**32', 2 ** 32],
    ['2**53', 2 ** 53], ["'1'", '1'], ["'abc'", 'abc'], ['Symbol()', Symbol('s')],
    ['1n', 1n], ['-1n', -1n], ['2n**64n', 2n ** 64n], ['{}', {}], ['[]', []], ['[7]', [7]],
    ['a function', () => 1],
    ['valueOf 3', { valueOf() { return 3; } }],
    ['valueOf throws', { valueOf() { throw boom; } }],
    ['toPrimitive 2', { [Symbol.toPrimitive]() { return 2; } }],
    ['toPrimitive 5n', { [Symbol.toPrimitive]() { return 5n; } }],
    ['Proxy that throws', new Proxy({}, { get() { throw boom; } })],
    ['empty Proxy', new Proxy({}, {})],
  ];
}

// What happened, in a form both engines can be compared on.
function outcome(fn) {
  try {
    return describe(fn());
  } catch (e) {
    return { threw: e && typeof e === 'object' && 'name' in e ? String(e.name) : typeof e };
  }
}
function describe(v) {
  if (typeof v === 'bigint') return { value: `${v}n` };
  if (typeof v === 'number') return { value: Object.is(v, -0) ? '-0' : String(v) };
  if (typeof v === 'function') return { value: `function/${v.length}` };
  if (v && typeof v === 'object') return { value: Object.prototype.toString.call(v) };
  if (typeof v === 'symbol') return { value: 'symbol' };
  return { value: v };
}
function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

module.exports = { W, native, wat, sleep, root, badValues, outcome, describe, same };
