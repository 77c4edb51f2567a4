'use strict';
// Lifetimes: instances whose imports close over their own exports (the usual
// pattern) are still garbage collected; wrappers keep what they need alive.
const t = require('tap');
const v8 = require('v8');
const vm = require('vm');
const { W, wat } = require('./fixtures/impl.js');

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

async function collect() {
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
}

t.test('an instance referenced by its own imports is collected', async (t) => {
  const mod = new W.Module(await wat(`(module
    (import "e" "f" (func $f (result i32)))
    (memory (export "m") 1)
    (table (export "t") 1 funcref)
    (elem (i32.const 0) $f)
    (func (export "g") (result i32) call $f))`));
  let collected = 0;
  const registry = new FinalizationRegistry(() => { collected++; });
  const N = 50;
  (() => {
    for (let i = 0; i < N; i++) {
      let inst;
      inst = new W.Instance(mod, { e: { f: () => inst.exports.m.buffer.byteLength } });
      if (inst.exports.g() !== 65536) throw new Error('bad call');
      registry.register(inst, i);
    }
  })();
  await collect();
  t.ok(collected >= N - 2, `${collected} of ${N} instances collected`);
});

t.test('an exported function outlives its Instance object', async (t) => {
  const mod = new W.Module(await wat(`(module
    (import "e" "f" (func $f (param i32) (result i32)))
    (table (export "t") 1 funcref)
    (elem (i32.const 0) $g)
    (func $g (export "g") (param i32) (result i32) local.get 0 call $f))`));
  let g, tab;
  (() => {
    const base = { n: 100 };
    const inst = new W.Instance(mod, { e: { f: (x) => x + base.n } });
    g = inst.exports.g;
    tab = new W.Instance(mod, { e: { f: (x) => x * 2 } }).exports.t;
  })();
  await collect();
  t.equal(g(1), 101, 'the import (a fresh closure) is still alive');
  const fromTable = tab.get(0);
  await collect();
  t.equal(fromTable(21), 42, 'a function read from a table keeps its imports');
  t.equal(tab.get(0), fromTable);
});

t.test('a table keeps functions of other instances callable', async (t) => {
  const tab = new W.Table({ element: 'anyfunc', initial: 1 });
  const caller = await (async () => {
    const a = new W.Instance(new W.Module(await wat(`(module
      (import "e" "f" (func $f (result i32)))
      (func (export "g") (result i32) call $f))`)), { e: { f: () => 7 } });
    tab.set(0, a.exports.g);
    const b = new W.Instance(new W.Module(await wat(`(module
      (import "e" "t" (table 1 funcref))
      (func (export "call") (result i32) i32.const 0 call_indirect (result i32)))`)), { e: { t: tab } });
    return b.exports.call;
  })();
  await collect();
  t.equal(caller(), 7, 'A\'s import is reachable through the shared table');
});
