'use strict';
// A module using a 3.0 feature (or a proposal beside it) that wasihost does
// not run yet fails with a CompileError that names the feature.
const t = require('tap');
const wasihost = require('../..');

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const section = (id, bytes) => [id, bytes.length, ...bytes];
const mod = (...sections) => Buffer.from([...HEADER, ...sections.flat()]);
// one function of type () -> () whose body is `code` (then end)
const func = (code) => mod(
  section(1, [1, 0x60, 0, 0]), section(3, [1, 0]),
  section(10, [1, code.length + 2, 0, ...code, 0x0b]));

const cases = {
  // a typed reference to a GC heap type: (ref null any)
  'garbage collection proposal is not supported\\)': mod(section(1, [1, 0x60, 1, 0x63, 0x6e, 0])),
  'garbage collection': mod(section(1, [1, 0x5f, 0])),
  'garbage collection proposal is not supported': mod(section(1, [1, 0x60, 1, 0x6e, 0])),
  'shared memories are not supported': mod(section(5, [1, 0x03, 1, 1])),
  'illegal opcode 0xd3 \\(the garbage collection': func([0xd0, 0x70, 0xd0, 0x70, 0xd3, 0x1a]), // ref.eq
  'threads: atomics': func([0xfe, 0x03, 0x00]),
  'garbage collection proposal': func([0xfb, 0x00]),
};

t.test('unsupported features name themselves', async (t) => {
  for (const [what, bytes] of Object.entries(cases)) {
    t.throws(() => new wasihost.Module(bytes), { name: 'CompileError', message: new RegExp(what) }, what);
  }
});
