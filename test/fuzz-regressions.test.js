'use strict';
// Every reproducer the fuzzer found (test/fuzz-regressions/*.wasm, see
// fuzz/README.md) goes through the JS API the way fuzz/fuzz_engine.c drives
// the C API: compile, instantiate against stub imports of the right types
// (functions alternately returning zeros and throwing a RuntimeError),
// call every exported function with zero arguments under fuel and memory
// limits.  The only acceptable outcomes are success or a clean
// CompileError / LinkError / RuntimeError; each file runs in a child
// process so a crash fails its own assertion instead of the whole file.
const t = require('tap');
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const DIR = path.join(__dirname, 'fuzz-regressions');
const FUEL = 100000;
const LIMITS = { fuel: FUEL, maxMemory: 16 << 20, maxCallDepth: 500, maxStackSlots: 65536 };

// ---- child: run one file, print one JSON line --------------------------

// Just enough of the binary format to type the imports of a module that
// already compiled: the type section and the import section.
function importTypes(bytes) {
  let p = 8;
  const u32 = () => {
    let r = 0, shift = 0, b;
    do { b = bytes[p++]; r += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
    return r;
  };
  const limits = () => {
    const flag = bytes[p++];
    const min = u32();
    return flag & 1 ? { min, max: u32() } : { min };
  };
  const VT = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x70: 'anyfunc', 0x6f: 'externref' };
  const types = [], imports = [];
  while (p < bytes.length) {
    const id = bytes[p++];
    const size = u32();
    const end = p + size;
    if (id === 1) {
      for (let n = u32(); n > 0; n--) {
        p++; // 0x60
        const params = []; for (let k = u32(); k > 0; k--) params.push(VT[bytes[p++]]);
        const results = []; for (let k = u32(); k > 0; k--) results.push(VT[bytes[p++]]);
        types.push({ params, results });
      }
    } else if (id === 2) {
      for (let n = u32(); n > 0; n--) {
        for (let k = 0; k < 2; k++) { const len = u32(); p += len; } // module and field names
        const kind = bytes[p++];
        if (kind === 0) imports.push({ kind: 'function', type: types[u32()] });
        else if (kind === 1) { const element = VT[bytes[p++]]; imports.push({ kind: 'table', element, ...limits() }); }
        else if (kind === 2) imports.push({ kind: 'memory', ...limits() });
        else { const value = VT[bytes[p++]]; imports.push({ kind: 'global', value, mutable: bytes[p++] === 1 }); }
      }
      return imports;
    }
    p = end;
  }
  return imports;
}

const zeroOf = (ty) => (ty === 'i64' ? 0n : ty === 'anyfunc' || ty === 'funcref' || ty === 'externref' ? null : 0);

function runOne(file) {
  const W = require('..');
  const clean = (e) => e instanceof W.CompileError || e instanceof W.LinkError || e instanceof W.RuntimeError;
  const outcome = (fn) => {
    try { fn(); return 'ok'; } catch (e) {
      if (clean(e)) return e.constructor.name;
      throw e; // an unexpected exception is a failure: the parent sees it
    }
  };
  const bytes = fs.readFileSync(file);
  const result = { compile: null, instantiate: null, calls: [] };
  let mod;
  result.compile = outcome(() => { mod = new W.Module(bytes); });
  if (!mod) return result;
  let calls = 0;
  const imports = {};
  const descs = W.Module.imports(mod);
  const types = importTypes(bytes);
  descs.forEach((d, i) => {
    const ty = types[i];
    let v;
    if (d.kind === 'function') {
      v = (...args) => {
        if (calls++ & 1) throw new W.RuntimeError('fuzz stub trap');
        const zs = ty.type.results.map(zeroOf);
        return zs.length === 1 ? zs[0] : zs.length ? zs : undefined;
      };
    } else if (d.kind === 'table') {
      v = new W.Table({ element: ty.element, initial: ty.min, maximum: ty.max });
    } else if (d.kind === 'memory') {
      v = new W.Memory({ initial: ty.min, maximum: ty.max });
    } else {
      v = new W.Global({ value: ty.value === 'anyfunc' ? 'anyfunc' : ty.value, mutable: ty.mutable }, zeroOf(ty.value));
    }
    (imports[d.module] ??= {})[d.name] = v;
  });
  let inst;
  result.instantiate = outcome(() => { inst = new W.Instance(mod, imports, LIMITS); });
  if (!inst) return result;
  for (const [name, v] of Object.entries(inst.exports)) {
    if (typeof v !== 'function') continue;
    const { params } = W.internals.funcType(v);
    inst.fuel = FUEL;
    result.calls.push([name, outcome(() => v(...params.map(zeroOf)))]);
  }
  return result;
}

if (process.argv[2] === '--one') {
  process.stdout.write(JSON.stringify(runOne(process.argv[3]), null, 0) + '\n');
  process.exit(0);
}

// ---- parent ---------------------------------------------------------------

const files = fs.existsSync(DIR)
  ? fs.readdirSync(DIR).filter((f) => f.endsWith('.wasm')).sort()
  : [];

// A hand-assembled module checks the harness itself: it imports a function
// (i64)->(i64), a memory and an i64 global, and its export calls the stub
// twice, so the second call's stub trap must surface as a RuntimeError.
const SANITY = Buffer.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x0a, 0x02, 0x60, 0x01, 0x7e, 0x01, 0x7e, 0x60, 0x00, 0x01, 0x7e,
  0x02, 0x18, 0x03,
  0x01, 0x6d, 0x01, 0x66, 0x00, 0x00,
  0x01, 0x6d, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x01, 0x01, 0x02,
  0x01, 0x6d, 0x01, 0x67, 0x03, 0x7e, 0x00,
  0x03, 0x02, 0x01, 0x01,
  0x07, 0x07, 0x01, 0x03, 0x72, 0x75, 0x6e, 0x00, 0x01,
  0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x23, 0x00, 0x10, 0x00, 0x1a, 0x23, 0x00, 0x10, 0x00, 0x0b,
]);

function runChild(file) {
  const r = spawnSync(process.execPath, [__filename, '--one', file], {
    encoding: 'utf8', timeout: 60000,
  });
  let res = null;
  try { res = JSON.parse(r.stdout.trim().split('\n').pop()); } catch { /* res stays null */ }
  return { r, res, detail: { status: r.status, signal: r.signal, stderr: (r.stderr || '').slice(-2000) } };
}

t.test('harness sanity: stub imports of the right types, alternating zero/trap', async (t) => {
  const tmp = fs.mkdtempSync(path.join(require('os').tmpdir(), 'wh-fuzzreg-'));
  t.teardown(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const file = path.join(tmp, 'sanity.wasm');
  fs.writeFileSync(file, SANITY);
  const { r, res, detail } = runChild(file);
  t.equal(r.status, 0, 'child exits cleanly', detail);
  t.same(res, { compile: 'ok', instantiate: 'ok', calls: [['run', 'RuntimeError']] });
});

for (const f of files) {
  t.test(f, async (t) => {
    const { r, res, detail } = runChild(path.join(DIR, f));
    t.equal(r.signal, null, 'no crash signal', detail);
    t.equal(r.status, 0, 'exits cleanly (success or CompileError/LinkError/RuntimeError)', detail);
    t.ok(res && typeof res.compile === 'string', 'reports its outcome', { stdout: r.stdout });
  });
}
