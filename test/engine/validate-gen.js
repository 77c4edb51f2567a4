'use strict';
// Random modules for the validator's differential test against V8
// (test/engine/validate-diff.test.js, scripts/validate-diff.js).
//
// Each module has a few types (multi-value blocks included), functions,
// tables of both reference types, maybe a memory, globals, element and
// data segments, so every 2.0 instruction has something to name.  Bodies
// are built by a generator that tracks an approximate operand stack and
// picks an instruction that fits it most of the time: the interesting
// bodies are valid but for one detail, and unreachable code (after
// `unreachable`, `br`, `br_table`, `return`) is made common on purpose,
// since that is where the polymorphic stack makes validators differ.
// Deterministic for a given seed.

const I32 = 0x7f, I64 = 0x7e, F32 = 0x7d, F64 = 0x7c, FUNCREF = 0x70, EXTERNREF = 0x6f;
const NUM = [I32, I64, F32, F64];
const ALL = [I32, I64, F32, F64, FUNCREF, EXTERNREF];
const U = 0; // unknown: a value from the polymorphic stack

function rng(seed) {
  let s = (seed >>> 0) || 1;
  const next = () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s;
  };
  return {
    int: (n) => next() % n,
    chance: (p) => next() / 4294967296 < p,
    pick(a) { return a[next() % a.length]; },
  };
}

function uleb(n) {
  const out = [];
  n = BigInt(n);
  do {
    let b = Number(n & 0x7fn);
    n >>= 7n;
    if (n !== 0n) b |= 0x80;
    out.push(b);
  } while (n !== 0n);
  return out;
}
function sleb(n) {
  const out = [];
  n = BigInt(n);
  for (;;) {
    const b = Number(n & 0x7fn);
    n >>= 7n;
    if ((n === 0n && (b & 0x40) === 0) || (n === -1n && (b & 0x40) !== 0)) { out.push(b); return out; }
    out.push(b | 0x80);
  }
}
const vec = (items) => [...uleb(items.length), ...items.flat()];
const section = (id, bytes) => [id, ...uleb(bytes.length), ...bytes];

// Numeric instructions worth mixing in: [opcode bytes, in, out]
const NUMERIC = [
  [[0x6a], [I32, I32], [I32]], [[0x45], [I32], [I32]], [[0x48], [I32, I32], [I32]],
  [[0x7c], [I64, I64], [I64]], [[0x50], [I64], [I32]], [[0x51], [I64, I64], [I32]],
  [[0x8c], [F32], [F32]], [[0x92], [F32, F32], [F32]], [[0x5d], [F32, F32], [I32]],
  [[0x9a], [F64], [F64]], [[0xa0], [F64, F64], [F64]], [[0x63], [F64, F64], [I32]],
  [[0xa7], [I64], [I32]], [[0xac], [I32], [I64]], [[0xb2], [I32], [F32]],
  [[0xaa], [F64], [I32]], [[0xbc], [F32], [I32]], [[0xbf], [I64], [F64]],
  [[0xbb], [F32], [F64]], [[0xc0], [I32], [I32]], [[0xfc, 0x00], [F32], [I32]],
  [[0xfc, 0x07], [F64], [I64]], [[0x6d], [I32, I32], [I32]],
];
const LOADS = [[0x28, I32, 2], [0x29, I64, 3], [0x2a, F32, 2], [0x2b, F64, 3], [0x2c, I32, 0], [0x33, I64, 1]];
const STORES = [[0x36, I32, 2], [0x37, I64, 3], [0x38, F32, 2], [0x39, F64, 3], [0x3a, I32, 0], [0x3e, I64, 2]];

function constOf(r, t) {
  switch (t) {
    case I32: return [0x41, ...sleb(r.int(200) - 100)];
    case I64: return [0x42, ...sleb(r.int(200) - 100)];
    case F32: return [0x43, 0, 0, 0x80, 0x3f];
    case F64: return [0x44, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f];
    case FUNCREF: return [0xd0, FUNCREF];
    default: return [0xd0, EXTERNREF];
  }
}

function genModule(seed) {
  const r = rng(seed);
  const randTypes = (max) => Array.from({ length: r.int(max + 1) }, () => (r.chance(0.8) ? r.pick(NUM) : r.pick(ALL)));
  const types = [];
  const ntypes = 2 + r.int(4);
  for (let i = 0; i < ntypes; i++) types.push({ params: randTypes(2), results: randTypes(2) });
  const nfuncs = 1 + r.int(3);
  const funcs = Array.from({ length: nfuncs }, () => r.int(ntypes));
  const hasMem = r.chance(0.8);
  const tables = [FUNCREF];
  if (r.chance(0.6)) tables.push(EXTERNREF);
  const globals = Array.from({ length: 1 + r.int(4) }, () => ({ type: r.chance(0.85) ? r.pick(NUM) : r.pick([FUNCREF, EXTERNREF]), mut: r.chance(0.6) }));
  const hasData = hasMem && r.chance(0.8);
  const mod = { r, types, funcs, hasMem, tables, globals, hasData, nelems: 2 };
  const bodies = funcs.map((ti) => genBody(mod, types[ti]));

  const bytes = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  bytes.push(...section(1, vec(types.map((t) => [0x60, ...vec(t.params.map((x) => [x])), ...vec(t.results.map((x) => [x]))]))));
  bytes.push(...section(3, vec(funcs.map((ti) => uleb(ti)))));
  bytes.push(...section(4, vec(tables.map((t) => [t, 0x00, 0x01]))));
  if (hasMem) bytes.push(...section(5, vec([[0x00, 0x01]])));
  bytes.push(...section(6, vec(globals.map((g) => [g.type, g.mut ? 1 : 0, ...constOf(r, g.type), 0x0b]))));
  // a declarative segment makes every function ref.func-able; a passive
  // one gives table.init/elem.drop something to name
  const fidx = funcs.map((_, i) => uleb(i));
  bytes.push(...section(9, vec([[0x03, 0x00, ...vec(fidx)], [0x01, 0x00, ...vec(fidx)]])));
  if (hasData) bytes.push(...section(12, uleb(1)));
  bytes.push(...section(10, vec(bodies.map((b) => [...uleb(b.length), ...b]))));
  if (hasData) bytes.push(...section(11, vec([[0x01, ...vec([1, 2, 3].map((x) => [x]))]])));
  return Uint8Array.from(bytes);
}

function genBody(mod, ftype) {
  const { r } = mod;
  const locals = [...ftype.params];
  const declared = randLocals(r);
  for (const [n, t] of declared) for (let k = 0; k < n; k++) locals.push(t);
  const out = [...vec(declared.map(([n, t]) => [...uleb(n), t]))];
  const stack = [];
  const ctls = [{ kind: 'func', params: [], results: ftype.results, height: 0, unreachable: false }];
  const top = () => ctls[ctls.length - 1];
  const avail = () => stack.length - top().height;
  const peek = (k) => (avail() > k ? stack[stack.length - 1 - k] : U);
  // do the top values fit `want` (unknown and missing-in-dead-code fit)?
  const fits = (want) => {
    for (let k = 0; k < want.length; k++) {
      const have = avail() > k ? stack[stack.length - 1 - k] : (top().unreachable ? U : -1);
      const w = want[want.length - 1 - k];
      if (have === -1 || (have !== U && w !== U && have !== w)) return false;
    }
    return true;
  };
  const popn = (n) => { for (let k = 0; k < n && avail() > 0; k++) stack.pop(); };
  const apply = (inp, res) => { popn(inp.length); stack.push(...res); };
  const deadNow = () => { stack.length = top().height; top().unreachable = true; };
  const labelTypes = (c) => (c.kind === 'loop' ? c.params : c.results);
  const blockType = () => {
    const k = r.int(3);
    if (k === 0) return { bt: [0x40], params: [], results: [] };
    if (k === 1) { const t = r.pick(ALL); return { bt: [t], params: [], results: [t] }; }
    const ti = r.int(mod.types.length);
    return { bt: sleb(ti), params: mod.types[ti].params, results: mod.types[ti].results };
  };
  // leave exactly `want` above the frame (mostly), so blocks close validly
  const settle = (want) => {
    if (r.chance(0.03)) return;
    if (fits(want) && avail() === want.length) return;
    while (avail() > 0) { out.push(0x1a); stack.pop(); }
    for (const t of want) { out.push(...constOf(r, t)); stack.push(t); }
  };
  const len = 1 + r.int(r.chance(0.2) ? 60 : 18);
  const validP = r.chance(0.5) ? 0.995 : 0.96;
  for (let n = 0; n < len; n++) {
    const ops = candidates();
    const fitting = ops.filter((c) => !c.in || fits(c.in));
    const op = fitting.length && r.chance(validP) ? r.pick(fitting) : r.pick(ops);
    if (op.run) op.run(); else { out.push(...op.bytes); apply(op.in, op.out); }
  }
  while (ctls.length > 1) closeBlock();
  settle(ftype.results);
  out.push(0x0b);
  return out;

  function closeBlock() {
    const c = top();
    const sameArity = c.params.length === c.results.length && c.params.every((t, k) => t === c.results[k]);
    if (c.kind === 'if' && (r.chance(0.5) || (!sameArity && r.chance(0.95)))) {
      settle(c.results);
      out.push(0x05);
      stack.length = c.height;
      stack.push(...c.params);
      c.kind = 'else';
      c.unreachable = false;
      return;
    }
    settle(c.results);
    out.push(0x0b);
    ctls.pop();
    stack.length = c.height;
    stack.push(...c.results);
  }

  function candidates() {
    const l = [];
    const nl = locals.length;
    const add = (bytes, inp, res, w = 1) => { for (let k = 0; k < w; k++) l.push({ bytes, in: inp, out: res }); };
    const run = (f, inp, w = 1) => { for (let k = 0; k < w; k++) l.push({ run: f, in: inp }); };
    for (const [b, i, o] of NUMERIC) if (r.chance(0.3)) add(b, i, o);
    for (const t of NUM) add(constOf(r, t), [], [t]);
    add([0x00], [], [], 3);
    l.push({ run: () => { out.push(0x00); deadNow(); }, in: null });
    l.push({ run: () => { out.push(0x00); deadNow(); }, in: null });
    add([0x01], [], []);
    add([0x1a], [peek(0)], []);
    // select: untyped needs equal numeric operands; typed names its type
    l.push({ bytes: [0x1b], in: [peek(1), peek(1), I32], out: [peek(1) === U ? peek(2) : peek(1)] });
    { const t = r.pick(ALL); add([0x1c, 0x01, t], [t, t, I32], [t], 2); }
    if (nl) {
      const x = r.int(nl + (r.chance(0.05) ? 1 : 0));
      const t = x < nl ? locals[x] : I32;
      add([0x20, ...uleb(x)], [], [t]);
      add([0x21, ...uleb(x)], [t], []);
      add([0x22, ...uleb(x)], [t], [t], 3);
    }
    { const x = r.int(mod.globals.length); const g = mod.globals[x];
      add([0x23, ...uleb(x)], [], [g.type]);
      if (g.mut || r.chance(0.05)) add([0x24, ...uleb(x)], [g.type], []); }
    { const x = r.int(mod.tables.length); const et = mod.tables[x];
      add([0x25, ...uleb(x)], [I32], [et]);
      add([0x26, ...uleb(x)], [I32, et], []);
      add([0xfc, 0x0f, ...uleb(x)], [et, I32], [I32], 2);
      add([0xfc, 0x10, ...uleb(x)], [], [I32]);
      add([0xfc, 0x11, ...uleb(x)], [I32, et, I32], []);
      if (et === FUNCREF || r.chance(0.05)) add([0xfc, 0x0c, ...uleb(r.int(mod.nelems)), ...uleb(x)], [I32, I32, I32], []);
      const y = r.chance(0.9) ? x : r.int(mod.tables.length);
      add([0xfc, 0x0e, ...uleb(x), ...uleb(y)], [I32, I32, I32], []); }
    add([0xfc, 0x0d, ...uleb(r.int(mod.nelems))], [], []);
    if (mod.hasMem || r.chance(0.05)) {
      add([0x3f, 0x00], [], [I32]);
      add([0x40, 0x00], [I32], [I32], 3);
      const [lo, lt, la] = r.pick(LOADS);
      add([lo, la, ...uleb(r.int(16))], [I32], [lt]);
      const [so, st, sa] = r.pick(STORES);
      add([so, sa, ...uleb(r.int(16))], [I32, st], []);
      add([0xfc, 0x0b, 0x00], [I32, I32, I32], []);
      add([0xfc, 0x0a, 0x00, 0x00], [I32, I32, I32], []);
      if (mod.hasData || r.chance(0.05)) {
        add([0xfc, 0x08, 0x00, 0x00], [I32, I32, I32], []);
        add([0xfc, 0x09, 0x00], [], []);
      }
    }
    { const t = r.pick([FUNCREF, EXTERNREF]); add([0xd0, t], [], [t]); }
    add([0xd1], [peek(0) === FUNCREF || peek(0) === EXTERNREF ? peek(0) : FUNCREF], [I32], 2);
    add([0xd2, ...uleb(r.int(mod.funcs.length))], [], [FUNCREF]);
    { const f = r.int(mod.funcs.length); const ft = mod.types[mod.funcs[f]];
      add([0x10, ...uleb(f)], ft.params, ft.results); }
    { const ti = r.int(mod.types.length); const ft = mod.types[ti];
      add([0x11, ...uleb(ti), ...uleb(r.chance(0.95) ? 0 : r.int(mod.tables.length))], [...ft.params, I32], ft.results); }
    if (ctls.length < 5) {
      for (const [code, w] of [[0x02, 2], [0x03, 1], [0x04, 2]]) {
        const b = blockType();
        run(() => {
          out.push(code, ...b.bt);
          if (code === 0x04) popn(1);
          popn(b.params.length);
          ctls.push({ kind: code === 0x02 ? 'block' : code === 0x03 ? 'loop' : 'if', params: b.params, results: b.results, height: stack.length, unreachable: false });
          stack.push(...b.params);
        }, code === 0x04 ? [...b.params, I32] : b.params, w);
      }
    }
    if (ctls.length > 1) run(closeBlock, null, 3);
    const lab = r.int(ctls.length + (r.chance(0.03) ? 1 : 0));
    const lt = lab < ctls.length ? labelTypes(ctls[ctls.length - 1 - lab]) : [];
    run(() => { out.push(0x0c, ...uleb(lab)); deadNow(); }, lt, 2);
    add([0x0d, ...uleb(lab)], [...lt, I32], lt, 2);
    {
      const n = r.int(4);
      const labs = Array.from({ length: n + 1 }, () => (r.chance(0.7) ? lab : r.int(ctls.length)));
      run(() => { out.push(0x0e, ...vec(labs.slice(0, n).map((x) => uleb(x))), ...uleb(labs[n])); deadNow(); }, [...lt, I32], 2);
    }
    run(() => { out.push(0x0f); deadNow(); }, ctls[0].results);
    return l;
  }
}

function randLocals(r) {
  const out = [];
  for (let k = r.int(4); k > 0; k--) out.push([1 + r.int(2), r.chance(0.85) ? r.pick(NUM) : r.pick(ALL)]);
  return out;
}

module.exports = { genModule };
