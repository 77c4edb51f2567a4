'use strict';
// User JS at every point where a native operation converts a value or reads
// an object: valueOf / toPrimitive / getters / Proxy traps / a JS import
// that dispose what the operation uses, throw, grow memory, re-enter wasm
// or interrupt.  Every case must end in a JS exception or a normal result;
// a disposed object must refuse later use, a thrown value must come out
// unchanged.  Memory safety is what `npm run test:asan` checks on the same
// cases.
const t = require('tap');
const { W, native, wat } = require('./fixtures');

const MAIN = `(module
  (import "h" "f" (func $h (param i32) (result i32)))
  (memory (export "mem") 1 100)
  (table (export "tab") 2 10 funcref)
  (global (export "g") (mut i32) (i32.const 0))
  (global (export "g64") (mut i64) (i64.const 0))
  (func $id (export "i32") (param i32) (result i32) local.get 0)
  (func (export "i64") (param i64) (result i64) local.get 0)
  (func (export "f64") (param f64) (result f64) local.get 0)
  (func (export "callh") (param i32) (result i32) local.get 0 call $h)
  (func (export "size") (result i32) memory.size)
  (elem (i32.const 0) $id))`;
const IMPORTING = `(module
  (import "a" "f" (func))
  (import "a" "m" (memory 1))
  (import "a" "t" (table 1 funcref))
  (import "a" "g" (global (mut i32)))
  (import "a" "z" (func)))`;

let mainBytes, importingBytes;
const boom = new Error('boom');

// A fresh set of objects for each case.
function world() {
  const w = { host: (x) => x };
  w.module = new W.Module(mainBytes);
  w.inst = new W.Instance(w.module, { h: { f: (x) => w.host(x) } });
  w.e = w.inst.exports;
  w.memory = new W.Memory({ initial: 1, maximum: 10 });
  w.table = new W.Table({ element: 'anyfunc', initial: 2, maximum: 10 });
  w.global = new W.Global({ value: 'i32', mutable: true }, 0);
  w.importing = new W.Module(importingBytes);
  return w;
}

// What user code does when it gets control; each returns what a numeric
// coercion should produce afterwards.
const ACTIONS = {
  'dispose the instance': (w) => { try { w.inst.dispose(); } catch (e) { w.busy = e; } },
  'dispose the module': (w) => w.module.dispose(),
  'dispose the importing module': (w) => w.importing.dispose(),
  'dispose a JS memory': (w) => w.memory.dispose(),
  'dispose a JS table': (w) => w.table.dispose(),
  'dispose a JS global': (w) => w.global.dispose(),
  'throw': () => { throw boom; },
  'grow the memory': (w) => { try { w.e.mem.grow(1); } catch (e) { w.busy = e; } },
  're-enter wasm': (w) => { try { w.reentered = w.e.i32(7); } catch (e) { w.busy = e; } },
  'interrupt the instance': (w) => W.interrupt(w.inst),
};

// Where a native operation hands control to user code; `evil` makes the
// coercing object or getter for the action.
const ENTRIES = {
  'exported global.value = evil': (w, evil) => { w.e.g.value = evil(1); return w.e.g.value; },
  'JS global.value = evil': (w, evil) => { w.global.value = evil(1); return w.global.value; },
  'i64 global.value = evil': (w, evil) => { w.e.g64.value = evil(1n); return w.e.g64.value; },
  'new Global(i32, evil)': (w, evil) => new W.Global({ value: 'i32' }, evil(1)).value,
  'new Global({value: evil})': (w, evil) => new W.Global({ value: evil('i32') }, 1).value,
  'f(evil)': (w, evil) => w.e.i32(evil(1)),
  'f(i64 evil)': (w, evil) => w.e.i64(evil(1n)),
  'f(f64 evil)': (w, evil) => w.e.f64(evil(1.5)),
  'internals.callRaw(f, [evil])': (w, evil) => W.internals.callRaw(w.e.f64, [evil(1)]),
  'table.get(evil)': (w, evil) => w.e.tab.get(evil(0)),
  'table.set(evil, f)': (w, evil) => w.e.tab.set(evil(1), w.e.i32),
  'table.grow(evil)': (w, evil) => w.e.tab.grow(evil(1)),
  'JS table.grow(evil, f)': (w, evil) => w.table.grow(evil(1), w.e.i32),
  'memory.grow(evil)': (w, evil) => w.e.mem.grow(evil(1)),
  'JS memory.grow(evil)': (w, evil) => w.memory.grow(evil(1)),
  'new Memory({initial: evil})': (w, evil) => new W.Memory({ initial: evil(1) }).buffer.byteLength,
  'new Table({initial: evil})': (w, evil) => new W.Table({ element: 'anyfunc', initial: evil(1) }).length,
  'a JS import returns evil': (w, evil) => { w.host = () => evil(5); return w.e.callh(1); },
  'a JS import runs it': (w, evil) => { w.host = (x) => +evil(x); return w.e.callh(3); },
  'import getter (first import)': (w, evil) => new W.Instance(w.importing, {
    a: { get f() { evil(0).valueOf(); return () => {}; }, m: w.memory, t: w.table, g: w.global, z() {} },
  }) && 'linked',
  'import getter (last import)': (w, evil) => new W.Instance(w.importing, {
    a: { f() {}, m: w.memory, t: w.table, g: w.global, get z() { evil(0).valueOf(); return () => {}; } },
  }) && 'linked',
  'import object Proxy trap': (w, evil) => new W.Instance(w.importing, new Proxy({}, {
    get(target, key) {
      evil(0).valueOf();
      return { f() {}, m: w.memory, t: w.table, g: w.global, z() {} };
    },
  })) && 'linked',
  'limits getter (fuel)': (w, evil) => new W.Instance(w.module, { h: { f: (x) => x } }, {
    get fuel() { return +evil(1000); },
  }) && 'linked',
  'Module.customSections(m, evil)': (w, evil) => W.Module.customSections(w.module, { toString() { evil(0).valueOf(); return 'x'; } }).length,
  'callAsync(f, evil)': (w, evil) => w.inst.callAsync('i32', evil(1)),
};

t.before(async () => {
  mainBytes = await wat(MAIN);
  importingBytes = await wat(IMPORTING);
});

t.test('user JS inside native operations', async (t) => {
  let n = 0;
  for (const [entry, run] of Object.entries(ENTRIES)) {
    for (const [action, act] of Object.entries(ACTIONS)) {
      const w = world();
      // A coercing object: valueOf and toPrimitive both act, then give v.
      const evil = (v) => ({
        valueOf() { act(w); return typeof v === 'string' ? 0 : v; },
        toString() { act(w); return String(v); },
        [Symbol.toPrimitive]() { act(w); return v; },
      });
      let result;
      let err;
      try {
        result = run(w, evil);
        if (result && typeof result.then === 'function') result = await result;
      } catch (e) {
        err = e;
      }
      n++;
      const what = `${entry} / ${action}`;
      if (action === 'throw') {
        // internals.callRaw takes bit patterns and coerces nothing.
        if (entry.startsWith('internals.callRaw')) t.type(err, TypeError, `${what}: no coercion, a TypeError`);
        else t.equal(err, boom, `${what}: the very value thrown comes out`);
        continue;
      }
      if (err !== undefined) {
        t.ok(err instanceof Error, `${what}: ended in an Error (${err.code || err.name}: ${err.message})`);
      } else {
        t.ok(result !== undefined || entry.includes('set('), `${what}: ended with a result (${String(result)})`);
      }
      // Whatever was disposed refuses from now on; the rest still works.
      const disposed = [['instance', w.inst], ['module', w.module], ['importing module', w.importing],
        ['memory', w.memory], ['table', w.table], ['global', w.global]]
        .filter(([, o]) => native.isDisposed(o));
      for (const [name, o] of disposed) {
        let e2;
        try {
          if (name === 'instance') void o.exports;
          else if (name.includes('module')) new W.Instance(o, {});
          else if (name === 'memory') void o.buffer;
          else if (name === 'table') void o.length;
          else void o.value;
        } catch (e) { e2 = e; }
        t.equal(e2 && e2.code, 'ERR_WASIHOST_DISPOSED', `${what}: the disposed ${name} refuses later use`);
      }
      if (!native.isDisposed(w.inst)) {
        t.equal(w.e.i32(42), 42, `${what}: the instance still runs`);
      }
    }
  }
  t.comment(`${n} cases`);
});
