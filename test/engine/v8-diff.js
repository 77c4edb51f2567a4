'use strict';
// Differential runs against V8: the same module instantiated by
// WebAssembly and by wasihost, every export in `names` called with every
// argument list, each result (or trap) compared.  The fusion tests build
// their modules from the instruction table and check here that a rewrite
// changed nothing V8 can see.
const wabt = require('wabt');
const wasihost = require('../..');

async function watToBytes(file, wat) {
  const w = await wabt();
  return Buffer.from(w.parseWat(file, wat).toBinary({}).buffer);
}

// One runtime's outcomes in call order; `setup(exports)` prepares memory
// before the first call; `argsOf(name, index)` gives a function's argument lists.
function runAll(ns, bytes, names, argsOf, setup) {
  const inst = new ns.Instance(new ns.Module(bytes), {});
  if (setup) setup(inst.exports);
  const out = [];
  const calls = [];
  names.forEach((name, n) => {
    for (const args of argsOf(name, n)) {
      calls.push(`${name}(${args.join(', ')})`);
      try {
        const r = inst.exports[name](...args);
        out.push(typeof r === 'bigint' ? `${r}n` : r);
      } catch (e) {
        out.push(e instanceof ns.RuntimeError ? 'trap' : `${e.constructor.name}: ${e.message}`);
      }
    }
  });
  const mem = inst.exports.mem ? Buffer.from(inst.exports.mem.buffer) : null;
  return { out, calls, mem };
}

// Fails the test at the first ten disagreements; returns both runs.
function compareWithV8(t, bytes, names, argsOf, setup) {
  const v8 = runAll(WebAssembly, bytes, names, argsOf, setup);
  const wh = runAll(wasihost, bytes, names, argsOf, setup);
  let bad = 0;
  v8.out.forEach((a, k) => {
    if (!Object.is(a, wh.out[k]) && bad++ < 10) t.fail(`${v8.calls[k]}: V8 ${a}, wasihost ${wh.out[k]}`);
  });
  return { bad, calls: v8.out.length, v8, wh };
}

module.exports = { watToBytes, compareWithV8 };
