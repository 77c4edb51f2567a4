'use strict';
// What the JS API's WebIDL says beyond the behaviour of each call, checked
// against V8 where Node 20's V8 follows it: members are enumerable, a
// function's length counts its required arguments, a descriptor's members
// are read and converted one at a time in alphabetical order, and
// instantiate(module, imports) reads the imports before it returns.  Also
// the argument checks the WPT suite (wasm/jsapi) found different from V8,
// and the JS API's implementation-defined limits on modules.
const t = require('tap');
const wasihost = require('../..');

const ENGINES = [['V8', WebAssembly], ['wasihost', wasihost]];

const { uleb: leb } = require('../helpers/wasm-bytes');

// A module from sections (id, bytes) after the header.
function section(id, body) {
  return [id, ...leb(body.length), ...body];
}
function moduleOf(...sections) {
  return new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...sections.flat()]);
}
function vec(items) {
  return [...leb(items.length), ...items.flat()];
}
const utf8 = (s) => [...Buffer.from(s, 'utf8')];
const nameOf = (s) => [...leb(utf8(s).length), ...utf8(s)];

t.test('interface members are enumerable, as WebIDL and V8 have them', async (t) => {
  const members = [
    ['Module', (NS) => NS.Module, ['exports', 'imports', 'customSections']],
    ['Instance.prototype', (NS) => NS.Instance.prototype, ['exports']],
    ['Memory.prototype', (NS) => NS.Memory.prototype, ['grow', 'buffer']],
    ['Table.prototype', (NS) => NS.Table.prototype, ['grow', 'get', 'set', 'length']],
    ['Global.prototype', (NS) => NS.Global.prototype, ['valueOf', 'value']],
    ['Exception.prototype', (NS) => NS.Exception.prototype, ['is', 'getArg']],
  ];
  for (const [what, of, names] of members) {
    for (const name of names) {
      const d = ENGINES.map(([, NS]) => Object.getOwnPropertyDescriptor(of(NS), name));
      t.ok(d[1] && d[1].enumerable, `${what}.${name} is enumerable`);
      t.equal(d[1].configurable, d[0].configurable, `${what}.${name}: configurable as in V8`);
      t.equal(typeof d[1].get, typeof d[0].get, `${what}.${name}: an accessor where V8 has one`);
    }
  }
});

t.test('a function\'s length counts its required arguments', async (t) => {
  const fns = {
    Instance: (NS) => NS.Instance,
    instantiate: (NS) => NS.instantiate,
    instantiateStreaming: (NS) => NS.instantiateStreaming,
    Table: (NS) => NS.Table,
    Global: (NS) => NS.Global,
    'Table.prototype.grow': (NS) => NS.Table.prototype.grow,
    'Table.prototype.set': (NS) => NS.Table.prototype.set,
    'Table.prototype.get': (NS) => NS.Table.prototype.get,
    'Memory.prototype.grow': (NS) => NS.Memory.prototype.grow,
    'Exception.prototype.getArg': (NS) => NS.Exception.prototype.getArg,
    'Module.customSections': (NS) => NS.Module.customSections,
  };
  for (const [name, of] of Object.entries(fns)) t.equal(of(wasihost).length, of(WebAssembly).length, name);
  // (tag, payload[, options]): the IDL's 2 (Node 20's V8 says 1)
  t.equal(wasihost.Exception.length, 2, 'Exception');
});

function recorder() {
  const order = [];
  const value = (name, v) => ({
    valueOf() { order.push(`${name} valueOf`); return v; },
    toString() { order.push(`${name} toString`); return String(v); },
  });
  const descriptor = (fields) => new Proxy({}, {
    get(_, k) {
      if (typeof k !== 'string' || k === 'address') return undefined; // (memory64's member: V8 11.3 has none)
      order.push(k);
      return k in fields ? value(k, fields[k]) : undefined;
    },
  });
  return { order, descriptor };
}

t.test('descriptors: each member read and converted before the next', async (t) => {
  for (const [what, make, fields] of [
    ['Memory', (NS, d) => new NS.Memory(d), { initial: 1, maximum: 2 }],
    ['Table', (NS, d) => new NS.Table(d), { element: 'anyfunc', initial: 1, maximum: 2 }],
  ]) {
    const seen = ENGINES.map(([, NS]) => {
      const r = recorder();
      make(NS, r.descriptor(fields));
      return r.order;
    });
    t.same(seen[1], seen[0], `${what}: ${seen[1].join(', ')}`);
    t.ok(seen[1].indexOf('initial valueOf') < seen[1].indexOf('maximum'), `${what}: initial converted before maximum is read`);
  }
});

t.test('instantiate(module, imports) reads the imports before it returns', async (t) => {
  // (import "m" "f" (func)) (import "m" "g" (global i32))
  const bytes = moduleOf(
    section(1, vec([[0x60, 0, 0]])),
    section(2, vec([[...nameOf('m'), ...nameOf('f'), 0, 0], [...nameOf('m'), ...nameOf('g'), 3, 0x7f, 0]])));
  for (const [who, NS] of ENGINES) {
    const reads = [];
    const imports = {
      get m() {
        reads.push('m');
        return { get f() { reads.push('f'); return () => {}; }, get g() { reads.push('g'); return 1; } };
      },
    };
    const module = new NS.Module(bytes);
    const p = NS.instantiate(module, imports);
    t.same(reads, ['m', 'f', 'm', 'g'], `${who}: read in the module's import order, before returning`);
    const inst = await p;
    t.ok(inst instanceof NS.Instance, `${who}: then instantiated`);
    t.same(reads.length, 4, `${who}: nothing read again`);
    // an import object that is not an object rejects (no throw)
    const bad = NS.instantiate(module, { m: 1 });
    await t.rejects(bad, TypeError, `${who}: a non-object module namespace rejects`);
  }
});

t.test('argument checks the WPT jsapi suite compares with V8', async (t) => {
  for (const [who, NS] of ENGINES) {
    const table = new NS.Table({ element: 'anyfunc', initial: 1 });
    t.throws(() => table.set(0, undefined), TypeError, `${who}: Table.set(i, undefined) on a funcref table`);
    table.set(0); // a missing value is the default
    t.equal(table.get(0), null, `${who}: Table.set(i) stores null`);
    t.throws(() => new NS.Tag({ parameters: ['i32\0'] }), TypeError, `${who}: a type name with a NUL`);
    // a custom section named "na\uFFFDme": a lone surrogate must not match it
    const m = new NS.Module(moduleOf(section(0, [...nameOf('na\uFFFDme'), 1, 2])));
    t.equal(NS.Module.customSections(m, 'na\uFFFDme').length, 1, `${who}: the section by its name`);
    t.equal(NS.Module.customSections(m, 'na\uDC01me').length, 0, `${who}: a lone surrogate matches nothing`);
    // a DataView past the end of its shrunk resizable buffer
    const ab = new ArrayBuffer(16, { maxByteLength: 32 });
    const dv = new DataView(ab, 8, 8);
    ab.resize(4);
    t.throws(() => NS.validate(dv), TypeError, `${who}: validate(out-of-bounds DataView)`);
    t.throws(() => new NS.Module(dv), TypeError, `${who}: new Module(out-of-bounds DataView)`);
    await t.rejects(NS.compile(dv), TypeError, `${who}: compile(out-of-bounds DataView)`);
  }
  const tag = new wasihost.Tag({ parameters: ['i32'] });
  const e = new wasihost.Exception(tag, [5]);
  t.throws(() => e.getArg(tag), TypeError, 'Exception.getArg without an index is a TypeError');
  t.equal(e.getArg(tag, 0), 5);
});

t.test('the JS API\'s limits on modules', async (t) => {
  const compiles = (bytes) => {
    try {
      new wasihost.Module(bytes);
      return 'ok';
    } catch (e) {
      return `${e.name}: ${e.message}`;
    }
  };
  const fnType = (np, nr) => [0x60, ...vec(Array(np).fill([0x7f])), ...vec(Array(nr).fill([0x7f]))];
  const atAndOver = (name, build, limit, re) => {
    t.equal(compiles(build(limit)), 'ok', `${name}: ${limit} compiles`);
    t.match(compiles(build(limit + 1)), re, `${name}: ${limit + 1} is a CompileError`);
    t.notOk(wasihost.validate(build(limit + 1)), `${name}: ${limit + 1} does not validate`);
  };
  atAndOver('parameters', (n) => moduleOf(section(1, vec([fnType(n, 0)]))), 1000, /CompileError: too many parameters/);
  atAndOver('results', (n) => moduleOf(section(1, vec([fnType(0, n)]))), 1000, /CompileError: too many results/);
  // passive data segments of one byte each (the data count section first)
  atAndOver('data segments', (n) => moduleOf(section(12, leb(n)), section(11, vec(Array(n).fill([1, 1, 0])))),
    100000, /CompileError: too many data segments/);
  atAndOver('memories', (n) => moduleOf(section(5, vec(Array(n).fill([0, 0])))), 100, /CompileError: too many memories/);
  atAndOver('types', (n) => moduleOf(section(1, vec(Array(n).fill([0x60, 0, 0])))), 1000000, /CompileError: too many types/);
  // one function whose body is a run of nops: 7,654,321 bytes in all
  const body = (size) => {
    const b = new Uint8Array(size);
    b.fill(0x01); // nop
    b[0] = 0; // no locals
    b[size - 1] = 0x0b; // end
    return b;
  };
  const fnModule = (size) => {
    const head = moduleOf(section(1, vec([[0x60, 0, 0]])), section(3, vec([[0]])));
    const entry = [...leb(size)];
    const code = [...leb(1), ...entry];
    const secLen = code.length + size;
    return Buffer.concat([Buffer.from(head), Buffer.from([10, ...leb(secLen), ...code]), Buffer.from(body(size))]);
  };
  atAndOver('function body bytes', fnModule, 7654321, /CompileError: function body too large/);
});
