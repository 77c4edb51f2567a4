'use strict';
// The spec runner itself, checked on V8 against a tiny hand-made script:
// it must fail what is wrong (a runner that passes everything would make the
// spec suite meaningless), skip what it cannot run, and survive a hang.
const t = require('tap');
const fs = require('fs');
const os = require('os');
const path = require('path');
const runner = require('./spec/runner.js');
const V = require('./spec/values.js');
const { runFileIsolated } = require('./spec/isolate.js');

const root = path.join(__dirname, '..');
const hex = (s) => Buffer.from(s, 'hex');
// (func "add" i32 i32 -> i32) (func "div" i32.div_s) (func "nan" -> f32 0/0)
// (func "negzero" -> f64 -0) (global "g" i64 -1)
const T1 = hex('0061736d01000000010f0360027f7f017f6000017d6000017c030504000001020606017e00427f0b07210503616464'
  + '0000036469760001036e616e0002076e65677a65726f0003016703000a2b040700200020016a0b0700200020016d0b0d00'
  + '43000000004300000000950b0b004400000000000000800b');
const SPIN = hex('0061736d0100000001040160000003020100070801047370696e00000a0901070003400c000b0b'); // loop br 0
const START_TRAP = hex('0061736d01000000010401600000030201000801000a05010300000b'); // start: unreachable

const i32 = (v) => ({ type: 'i32', value: String(v >>> 0) });
const inv = (field, args = []) => ({ type: 'invoke', field, args });

function script(dir, name, commands, files) {
  for (const [f, bytes] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), bytes);
  fs.writeFileSync(path.join(dir, name), JSON.stringify({ source_filename: name, commands }));
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasihost-spec-runner-'));
t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));

script(dir, 'basic.json', [
  { type: 'module', line: 1, filename: 't1.wasm' },
  { type: 'assert_return', line: 2, action: inv('add', [i32(1), i32(2)]), expected: [i32(3)] },
  { type: 'assert_return', line: 3, action: inv('add', [i32(1), i32(2)]), expected: [i32(4)] },
  { type: 'assert_return', line: 4, action: inv('add', [i32(-1), i32(0)]), expected: [i32(-1)] },
  { type: 'assert_trap', line: 5, action: inv('div', [i32(1), i32(0)]), text: 'integer divide by zero', expected: [{ type: 'i32' }] },
  { type: 'assert_trap', line: 6, action: inv('add', [i32(1), i32(0)]), text: 'unreachable', expected: [{ type: 'i32' }] },
  { type: 'assert_return', line: 7, action: inv('nan'), expected: [{ type: 'f32', value: 'nan:canonical' }] },
  { type: 'assert_return', line: 8, action: inv('negzero'), expected: [{ type: 'f64', value: '0' }] },
  { type: 'assert_return', line: 9, action: inv('negzero'), expected: [{ type: 'f64', value: '9223372036854775808' }] },
  { type: 'assert_return', line: 10, action: { type: 'get', field: 'g' }, expected: [{ type: 'i64', value: '18446744073709551615' }] },
  { type: 'assert_return', line: 11, action: inv('missing'), expected: [] },
  { type: 'assert_invalid', line: 12, filename: 't1.wasm', text: 'type mismatch', module_type: 'binary' },
  { type: 'assert_malformed', line: 13, filename: 'junk.wasm', text: 'magic header not detected', module_type: 'binary' },
  { type: 'assert_malformed', line: 14, filename: 'x.wat', text: 'unexpected token', module_type: 'text' },
  { type: 'assert_uninstantiable', line: 15, filename: 'start.wasm', text: 'unreachable', module_type: 'binary' },
  { type: 'module', line: 16, name: '$bad', filename: 'junk.wasm' },
  { type: 'assert_trap', line: 17, action: inv('div', [i32(1), i32(0)]), text: 'integer divide by zero', expected: [] },
  { type: 'assert_return', line: 18, action: { type: 'invoke', module: '$bad', field: 'add', args: [] }, expected: [] },
  { type: 'register', line: 19, name: '$bad', as: 'bad' },
  { type: 'module', line: 20, filename: 't1.wasm' },
  { type: 'assert_return', line: 21, action: inv('add', [i32(2), i32(2)]), expected: [i32(4)] },
  { type: 'assert_bogus', line: 22 },
], { 't1.wasm': T1, 'junk.wasm': Buffer.from('not wasm'), 'start.wasm': START_TRAP });

script(dir, 'spin.json', [
  { type: 'module', line: 1, filename: 'spin.wasm' },
  { type: 'assert_return', line: 2, action: inv('spin'), expected: [] },
  { type: 'assert_return', line: 3, action: inv('spin'), expected: [] },
], { 'spin.wasm': SPIN });

t.test('commands pass, fail and skip for the right reasons', async (t) => {
  const s = runner.runFile(runner.loadEngine('v8', root), dir, 'basic.json');
  const status = Object.fromEntries(s.results.map((r) => [r.line, r.status]));
  t.same(status, {
    1: 'pass', 2: 'pass', 3: 'fail', 4: 'pass', 5: 'pass', 6: 'fail', 7: 'pass', 8: 'fail', 9: 'pass',
    10: 'pass', 11: 'fail', 12: 'fail', 13: 'pass', 14: 'skip', 15: 'pass', 16: 'fail',
    // a trap expected from a module that never instantiated is a failure
    17: 'fail', 18: 'fail', 19: 'fail', 20: 'pass', 21: 'pass', 22: 'fail',
  });
  t.same([s.commands, s.passed, s.failed, s.skipped], [22, 11, 10, 1]);
  const r3 = s.results.find((r) => r.line === 3);
  t.equal(r3.expected, 'i32:4');
  t.equal(r3.actual, 'i32:3');
  t.match(s.results.find((r) => r.line === 17).actual, /module failed earlier/);
});

// The wasihost path (internals.callRaw/globalRaw, strict trap text) with a
// stand-in engine: V8 plus bit-pattern conversion for the exports of T1.
function rawEngine(trapText) {
  const F32 = new Float32Array(1), U32 = new Uint32Array(F32.buffer);
  const F64 = new Float64Array(1), U64 = new BigUint64Array(F64.buffer);
  const results = { 0: 'i32', 1: 'i32', 2: 'f32', 3: 'f64' }; // by function index (V8's fn.name)
  const raw = {
    callRaw(fn, args) {
      let r;
      try {
        r = fn(...args.map((a) => Number(BigInt.asIntN(32, a))));
      } catch (e) {
        throw new WebAssembly.RuntimeError(trapText);
      }
      switch (results[fn.name]) {
        case 'f32': F32[0] = r; return [BigInt(U32[0])];
        case 'f64': F64[0] = r; return [U64[0]];
        default: return [BigInt(r >>> 0)];
      }
    },
    globalRaw: (g) => g.value, // i64 -1n: signed, as the convention allows
    funcType: (fn) => ({ params: [], results: [results[fn.name]] }),
  };
  return { name: 'raw', api: WebAssembly, raw, strictText: true };
}

t.test('raw path: bit patterns, exact NaN, trap text', async (t) => {
  const s = runner.runFile(rawEngine('integer divide by zero'), dir, 'basic.json');
  const status = Object.fromEntries(s.results.map((r) => [r.line, r.status]));
  t.same([status[2], status[3], status[4], status[5], status[8], status[9], status[10]],
    ['pass', 'fail', 'pass', 'pass', 'fail', 'pass', 'pass']);
  // V8's 0/0 is the canonical NaN, so the exact check passes too
  t.equal(status[7], 'pass');
  // the start function's trap reaches us with V8's own text, "unreachable"
  t.equal(status[15], 'pass');
  const other = runner.runFile(rawEngine('unreachable'), dir, 'basic.json');
  t.equal(other.results.find((r) => r.line === 5).status, 'fail', 'trap text must match');
  t.match(other.results.find((r) => r.line === 5).actual, /RuntimeError: unreachable/);
});

t.test('a hanging file is killed and its remaining commands fail', async (t) => {
  const s = await runFileIsolated('v8', root, dir, 'spin.json', { timeoutMs: 1500 });
  t.same(s.results.map((r) => r.status), ['pass', 'fail', 'fail']);
  t.match(s.results[1].reason, /timed out/);
  t.match(s.results[2].reason, /not run/);
});

t.test('isolated and in-process runs agree', async (t) => {
  const a = runner.runFile(runner.loadEngine('v8', root), dir, 'basic.json');
  const b = await runFileIsolated('v8', root, dir, 'basic.json');
  t.same(b.results.map((r) => r.status), a.results.map((r) => r.status));
});

t.test('value comparison', async (t) => {
  const f32 = (bits) => ({ type: 'f32', bits: BigInt(bits) });
  const canon = { type: 'f32', value: 'nan:canonical' };
  const arith = { type: 'f32', value: 'nan:arithmetic' };
  t.ok(V.matches(canon, f32(0x7fc00000), true));
  t.ok(V.matches(canon, f32(0xffc00000), true), 'either sign');
  t.notOk(V.matches(canon, f32(0x7fc00001), true), 'payload must be canonical');
  t.ok(V.matches(canon, f32(0x7fc00001), false), 'JS API: NaN-ness only');
  t.ok(V.matches(arith, f32(0x7fc00001), true));
  t.notOk(V.matches(arith, f32(0x7f800001), true), 'signalling NaN is not arithmetic');
  t.notOk(V.matches(arith, f32(0x7f800000), false), 'infinity is not NaN');
  t.notOk(V.matches({ type: 'f32', value: '0' }, f32(0x80000000), false), '-0 is not +0');
  t.ok(V.matches({ type: 'f32', value: String(0x7fa00000) }, f32(0x7fa00000), true));
  t.notOk(V.matches({ type: 'f32', value: String(0x7fa00000) }, f32(0x7fc00000), true));
  t.ok(V.matches({ type: 'i64', value: '18446744073709551615' }, V.fromRaw('i64', -1n), true));
  t.notOk(V.matches({ type: 'i32', value: '1' }, V.fromRaw('i64', 1n), true), 'type must match');
  t.ok(V.matches({ type: 'externref', value: '1' }, { type: 'externref', ref: V.externref(1) }, true));
  t.notOk(V.matches({ type: 'externref', value: '1' }, { type: 'externref', ref: { externref: '1' } }, true));
  t.notOk(V.matches({ type: 'funcref', value: 'null' }, { type: 'funcref', ref: undefined }, true));
});

t.test('trap text matching', async (t) => {
  t.ok(runner.trapTextMatches('integer divide by zero', 'integer divide by zero'));
  t.ok(runner.trapTextMatches('wasm trap: uninitialized element', 'uninitialized element 2'));
  t.notOk(runner.trapTextMatches('undefined element', 'uninitialized element'));
  t.notOk(runner.trapTextMatches(undefined, 'unreachable'));
});
