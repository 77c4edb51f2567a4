'use strict';
// The guest profiler: sampled stacks (wasm functions, JS imports and WASI
// calls as frames), exact counts, the .cpuprofile and pprof writers, names
// (demangled; Go's from its function table) and source lines.
const t = require('tap');
const fs = require('fs');
const os = require('os');
const path = require('path');
const zlib = require('zlib');
const { spawnSync, execFileSync } = require('child_process');
const wabt = require('wabt');
const wasihost = require('../..');
const { writeProfile } = require('../../lib/profile/profile');
const { demangle } = require('../../lib/profile/demangle');
const { checkCpuProfile } = require('./cpuprofile-check');
const { clangReason, buildC } = require('./fixtures/wasm');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wh-prof-'));
t.teardown(() => fs.rmSync(tmp, { recursive: true, force: true }));
const cli = path.join(__dirname, '..', '..', 'bin', 'wasihost.js');

const wat = `(module
  (import "env" "busy" (func $busy (param i32)))
  (func $leaf (param i32) (result i32) (local i32)
    (loop $l (local.set 1 (i32.add (local.get 1) (i32.mul (local.get 0) (i32.const 3))))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br_if $l (local.get 0)))
    (local.get 1))
  (func $middle (param i32) (result i32) (call $leaf (local.get 0)))
  (func (export "run") (param i32 i32) (result i32) (local i32)
    (loop $l
      (local.set 2 (i32.add (local.get 2) (call $middle (local.get 0))))
      (local.set 1 (i32.sub (local.get 1) (i32.const 1)))
      (br_if $l (local.get 1)))
    (local.get 2))
  (func (export "host") (param i32) (loop $l (call $busy (i32.const 1))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1))) (br_if $l (local.get 0)))))`;

let bytes;
t.before(async () => {
  const w = await wabt();
  const m = w.parseWat('p.wat', wat);
  m.generateNames();
  bytes = Buffer.from(m.toBinary({ write_debug_names: true }).buffer);
});

function spinJs(ms) { const end = Date.now() + ms; while (Date.now() < end); }

t.test('sampling: stacks, weights and JS imports as frames', (t) => {
  const inst = new wasihost.Instance(new wasihost.Module(bytes), { env: { busy: () => spinJs(2) } },
    { profile: { interval: 500 } });
  const t0 = Date.now();
  while (Date.now() - t0 < 300) inst.exports.run(20000, 50);
  inst.exports.host(60);
  const p = inst.profile();
  t.equal(p.mode, 'sample');
  t.ok(p.samples.length > 20, `${p.samples.length} samples`);
  const names = (s) => s.locationIds.slice().reverse().map((id) => p.functions[p.locations[id - 1].lines[0].functionId - 1].name);
  const stacks = p.samples.map(names);
  t.ok(stacks.some((s) => s.join('>') === 'run>middle>leaf'), 'caller to callee order');
  const top = p.top(3).map((x) => x.name);
  t.ok(top.includes('leaf') && top.includes('env.busy'), `leaf and the JS import are hot: ${top}`);
  t.ok(stacks.some((s) => s.join('>') === 'host>env.busy'), 'the import is a frame under its caller');
  t.ok(p.samples.every((s) => s.values[0] >= 1 && s.values[1] === s.values[0] * 500000), 'weights in ticks and ns');
  const again = inst.profile({ reset: true });
  t.equal(again.samples.length, p.samples.length, 'reading does not consume without reset');
  t.equal(inst.profile().samples.length, 0, 'reset starts over');
  t.end();
});

t.test('exact: call counts are exact, work grows with the loops', (t) => {
  const inst = new wasihost.Instance(new wasihost.Module(bytes), { env: { busy() {} } }, { profile: 'exact' });
  inst.exports.run(1000, 37);
  inst.exports.host(11);
  const p = inst.profile();
  t.equal(p.mode, 'exact');
  const by = new Map(p.samples.map((s) => [p.functions[p.locations[s.locationIds[0] - 1].lines[0].functionId - 1].name, s.values]));
  t.equal(by.get('middle')[0], 37, 'middle called 37 times');
  t.equal(by.get('leaf')[0], 37, 'leaf called 37 times');
  t.equal(by.get('run')[0], 1, 'the export entered once');
  t.equal(by.get('env.busy')[0], 11, 'the import called 11 times');
  // leaf's loop body is the same few internal instructions every
  // iteration: its count grows by exactly that much per iteration
  const leaf1 = by.get('leaf')[1];
  t.ok(leaf1 >= 37 * 1000 * 2, `leaf's instructions count every iteration (${leaf1})`);
  const mid = by.get('middle')[1];
  t.ok(mid > 0 && mid % 37 === 0 && mid / 37 <= 4, `middle: the same few instructions (${mid / 37}) per call`);
  const again = new wasihost.Instance(new wasihost.Module(bytes), { env: { busy() {} } }, { profile: 'exact' });
  again.exports.run(2000, 37);
  const p2 = again.profile();
  const leaf2 = p2.samples.find((s) => p2.functions[p2.locations[s.locationIds[0] - 1].lines[0].functionId - 1].name === 'leaf').values[1];
  t.equal((leaf2 - leaf1) % (37 * 1000), 0, 'twice the iterations: a whole number of loop bodies more');
  t.ok(leaf2 - leaf1 > 0);
  inst.exports.run(1000, 37);
  t.equal(inst.profile().samples.find((s) => p.functions[p.locations[s.locationIds[0] - 1].lines[0].functionId - 1].name === 'middle').values[0], 74, 'counts accumulate');
  t.end();
});

t.test('a profile never changes results, interrupts or fuel', (t) => {
  const plain = new wasihost.Instance(new wasihost.Module(bytes), { env: { busy() {} } });
  const prof = new wasihost.Instance(new wasihost.Module(bytes), { env: { busy() {} } }, { profile: { interval: 50 } });
  const exact = new wasihost.Instance(new wasihost.Module(bytes), { env: { busy() {} } }, { profile: 'exact' });
  t.equal(prof.exports.run(3000, 200), plain.exports.run(3000, 200));
  t.equal(exact.exports.run(3000, 200), plain.exports.run(3000, 200));
  const slow = new wasihost.Instance(new wasihost.Module(bytes), { env: { busy() {} } }, { profile: 'exact', timeout: 50 });
  t.throws(() => slow.exports.run(1e9, 1e9), /interrupted/, 'a timeout still stops an exact-profiled run');
  const fueled = new wasihost.Instance(new wasihost.Module(bytes), { env: { busy() {} } }, { profile: true, fuel: 1e5 });
  t.throws(() => fueled.exports.run(1e9, 1e9), /fuel exhausted/);
  t.throws(() => plain.profile(), /not being profiled/, 'no profile without the option');
  t.throws(() => new wasihost.Instance(new wasihost.Module(bytes), { env: { busy() {} } }, { profile: 'often' }), TypeError);
  t.throws(() => new wasihost.Instance(new wasihost.Module(bytes), { env: { busy() {} } }, { profile: { interval: 1 } }), TypeError);
  t.end();
});

t.test('.cpuprofile and pprof files', (t) => {
  const inst = new wasihost.Instance(new wasihost.Module(bytes), { env: { busy() {} } }, { profile: { interval: 200 } });
  const t0 = Date.now();
  while (Date.now() - t0 < 200) inst.exports.run(20000, 20);
  const p = inst.profile();
  const cp = p.toCpuProfile();
  t.same(checkCpuProfile(cp), [], 'valid .cpuprofile');
  t.equal(cp.samples.length, p.samples.reduce((a, s) => a + s.values[0], 0), 'one sample per tick');
  const leafNode = cp.nodes.find((n) => n.callFrame.functionName === 'leaf');
  t.ok(leafNode && leafNode.hitCount > 0, 'leaf has hits');
  t.same(checkCpuProfile(inst.profile().toCpuProfile()), []);
  const exact = new wasihost.Instance(new wasihost.Module(bytes), { env: { busy() {} } }, { profile: 'exact' });
  exact.exports.run(100, 5);
  t.same(checkCpuProfile(exact.profile().toCpuProfile()), [], 'exact profiles too');
  // pprof: gzip of a protobuf whose string table holds the names
  const pb = p.toPprof();
  const raw = zlib.gunzipSync(pb);
  t.ok(raw.includes(Buffer.from('leaf')) && raw.includes(Buffer.from('nanoseconds')), 'names and units in the string table');
  const file = path.join(tmp, 'p.pb.gz');
  writeProfile(p, file);
  t.throws(() => writeProfile(p, path.join(tmp, 'p.txt')), /cpuprofile or \.pb\.gz/);
  const go = spawnSync('go', ['tool', 'pprof', '-top', file], { encoding: 'utf8' });
  if (go.status !== 0) {
    t.comment(`go tool pprof unavailable: ${go.error || go.stderr}`);
  } else {
    t.match(go.stdout, /Type: cpu/);
    const first = go.stdout.split('\n').find((l) => /^\s+\d/.test(l));
    t.match(first, /\bleaf$/, 'pprof -top lists leaf first');
  }
  t.end();
});

t.test('demangling', (t) => {
  const cases = {
    'main.main': 'main.main',
    'runtime.(*timer).unlock': 'runtime.(*timer).unlock',
    _ZN3std2io5stdio6_print17h0123456789abcdefE: 'std::io::stdio::_print',
    '_ZN4core3ptr85drop_in_place$LT$std..rt..lang_start$LT$$LP$$RP$$GT$..$u7b$$u7b$closure$u7d$$u7d$$GT$17h0123456789abcdefE':
      'core::ptr::drop_in_place<std::rt::lang_start<()>::{{closure}}>',
    _RNvCs1234_7mycrate4main: 'mycrate::main',
    _RNvNtCs1234_7mycrate3foo3bar: 'mycrate::foo::bar',
    _ZN3geo1V3getEi: 'geo::V::get(int)',
    _ZNK3geo1V3getEi: 'geo::V::get(int) const',
    _Z3fooPKcRi: 'foo(char const*, int&)',
    _ZN3foo3BarC2Ev: 'foo::Bar::Bar()',
    _ZN3foo3BarD1Ev: 'foo::Bar::~Bar()',
    _ZNSt3__112basic_stringIcNS_11char_traitsIcEENS_9allocatorIcEEE6appendEPKcm:
      'std::__1::basic_string<char, std::__1::char_traits<char>, std::__1::allocator<char> >::append(char const*, unsigned long)',
    _ZN2ns1AplERKS0_: 'ns::A::operator+(ns::A const&)',
    __original_main: '__original_main',
    _Zbad: '_Zbad',
  };
  for (const [m, want] of Object.entries(cases)) t.equal(demangle(m), want, m);
  // c++filt, when installed, agrees on the C++ ones
  const cxx = Object.keys(cases).filter((k) => k.startsWith('_Z') && !k.startsWith('_ZN3std') && !k.startsWith('_ZN4core') && k !== '_Zbad');
  const r = spawnSync('c++filt', cxx, { encoding: 'utf8' });
  if (r.status === 0) t.same(r.stdout.trim().split('\n'), cxx.map((k) => cases[k]), 'as c++filt says');
  t.end();
});

const cReason = clangReason();
t.test('C with DWARF: file:line in profiles, WASI calls as frames', { skip: cReason || false }, (t) => {
  const file = buildC('spin', ['-g', '-O1']);
  const out = path.join(tmp, 'spin.cpuprofile');
  const r = spawnSync(process.execPath, [cli, 'run', '--profile', out, '--profile-interval', '200', file, '3000000', '150000'], { encoding: 'utf8' });
  t.equal(r.status, 0, r.stderr);
  const cp = JSON.parse(fs.readFileSync(out, 'utf8'));
  t.same(checkCpuProfile(cp), []);
  const hot = cp.nodes.filter((n) => n.callFrame.functionName === 'hot');
  t.ok(hot.length, 'hot sampled');
  t.ok(hot.every((n) => n.callFrame.url.endsWith('/spin.c')), 'its file from DWARF');
  const src = fs.readFileSync(path.join(__dirname, 'fixtures', 'spin.c'), 'utf8').split('\n');
  const loopLine = src.findIndex((l) => l.includes('x = x * 1664525u')) + 1;
  const ticks = hot.flatMap((n) => n.positionTicks || []);
  t.ok(ticks.some((x) => Math.abs(x.line - loopLine) <= 1), `ticks on the loop (line ${loopLine}): ${JSON.stringify(ticks)}`);
  const sleep = cp.nodes.find((n) => n.callFrame.functionName === 'wasi_snapshot_preview1.poll_oneoff');
  t.ok(sleep && sleep.hitCount >= 50, `the 150 ms sleep is a poll_oneoff frame (${sleep && sleep.hitCount} ticks of 0.2 ms)`);
  t.end();
});

// hot runs 8 times the iterations of cool.  Weights are wall time since the
// last sample, so on a loaded machine a preemption lands, whole, on
// whichever function the guest thread resumes in, and a weighted
// comparison could invert.  What cannot: the exact counts, and the number
// of samples (each is taken while the thread runs: a descheduled thread
// takes one sample when it resumes, however long it waited).
t.test('C: hot above cool, exactly and by sample count', { skip: cReason || false }, (t) => {
  const file = buildC('spin', ['-g', '-O1']);
  const out = path.join(tmp, 'spin-exact.cpuprofile');
  const r = spawnSync(process.execPath, [cli, 'run', '--profile-exact', '--profile', out, file, '3000000'], { encoding: 'utf8' });
  t.equal(r.status, 0, r.stderr);
  const cp = JSON.parse(fs.readFileSync(out, 'utf8'));
  t.same(checkCpuProfile(cp), []);
  const count = (name) => cp.nodes.filter((n) => n.callFrame.functionName === name).reduce((a, n) => a + n.hitCount, 0);
  const hot = count('hot'), cool = count('cool');
  t.ok(cool > 0 && hot > 4 * cool, `exact: hot ${hot} instructions, over 4x cool ${cool}`);

  const wasi = new wasihost.WASI({ version: 'preview1', args: ['spin', '3000000'], stdout: 'pipe' });
  const inst = new wasihost.Instance(new wasihost.Module(fs.readFileSync(file)), wasi.getImportObject(),
    { profile: { interval: 200 } });
  wasi.start(inst);
  const p = inst.profile();
  const leaf = (s) => p.functions[p.locations[s.locationIds[0] - 1].lines[0].functionId - 1].name;
  const leaves = p.samples.map(leaf);
  const hotN = leaves.filter((n) => n === 'hot').length, coolN = leaves.filter((n) => n === 'cool').length;
  t.ok(hotN > coolN, `sampled: ${hotN} samples in hot, ${coolN} in cool (of ${leaves.length})`);
  t.end();
});

function goBuild() {
  try { execFileSync('go', ['version'], { stdio: 'ignore' }); } catch (_) { return null; }
  const out = path.join(tmp, 'prof-go.wasm');
  execFileSync('go', ['build', '-o', out, '.'], {
    cwd: path.join(__dirname, 'fixtures', 'go'),
    env: { ...process.env, GOOS: 'wasip1', GOARCH: 'wasm', GOFLAGS: '-mod=mod' },
    stdio: 'ignore',
  });
  return out;
}

t.test('Go: names, files and lines from runtime.pclntab', (t) => {
  const wasm = goBuild();
  if (!wasm) { t.skip('go not installed'); t.end(); return; }
  const pb = path.join(tmp, 'go.pb.gz');
  const r = spawnSync(process.execPath, [cli, 'run', '--profile', pb, wasm, '300'], { encoding: 'utf8' });
  t.equal(r.status, 0, r.stderr);
  const top = spawnSync('go', ['tool', 'pprof', '-top', pb], { encoding: 'utf8' });
  t.equal(top.status, 0, top.stderr);
  t.match(top.stdout, /sha256\.block/, 'the hot function by its Go name');
  t.match(top.stdout, /main\.hashAll/);
  const cum = spawnSync('go', ['tool', 'pprof', '-top', '-cum', '-nodecount=40', pb], { encoding: 'utf8', maxBuffer: 1 << 26 });
  // Go's wasm port resumes a goroutine through wasm_pc_f_loop, so after a
  // switch a wasm stack starts there, not at main.main: the function that
  // called into sha256 carries the time
  t.match(cum.stdout, /\s(9\d|100)(\.\d+)?%\s+main\.hashAll$/m, 'main.hashAll holds the time');
  // files and lines: main.hashAll starts at its func line in main.go
  const src = fs.readFileSync(path.join(__dirname, 'fixtures', 'go', 'main.go'), 'utf8').split('\n');
  const line = src.findIndex((l) => l.startsWith('func hashAll')) + 1;
  const w = new wasihost.WASI({ version: 'preview1', args: ['x', '20'], stdout: 'pipe' });
  const inst = new wasihost.Instance(new wasihost.Module(fs.readFileSync(wasm)), w.getImportObject(), { profile: 'exact' });
  w.start(inst);
  const p = inst.profile();
  const f = p.functions.find((x) => x.name === 'main.hashAll');
  t.ok(f, 'main.hashAll counted');
  t.ok(f.file.endsWith('fixtures/go/main.go'), f.file);
  t.equal(f.startLine, line, 'its start line');
  const calls = p.samples.find((s) => p.locations[s.locationIds[0] - 1].lines[0].functionId === f.id).values[0];
  // wasm calls: Go's wasm port also re-enters a function to resume it after
  // a goroutine switch or stack growth, so this is at least Go's one call
  t.ok(calls >= 1 && calls <= 3, `called ${calls} time(s)`);
  const sum = p.functions.find((x) => x.name === 'crypto/sha256.Sum256');
  const sumCalls = p.samples.find((s) => p.locations[s.locationIds[0] - 1].lines[0].functionId === sum.id).values[0];
  t.equal(sumCalls, 20, 'sha256.Sum256 called 20 times');
  t.end();
});

t.test('async runs are profiled; the profile is busy while they run', async (t) => {
  const inst = new wasihost.Instance(new wasihost.Module(bytes), { env: { busy() {} } }, { profile: { interval: 200 } });
  const run = inst.callAsync('run', 20000, 3000);
  t.throws(() => inst.profile(), /busy/);
  await run;
  const p = inst.profile();
  t.ok(p.samples.length > 0, `${p.samples.length} samples from the guest thread`);
  t.equal(p.top(1)[0].name, 'leaf');
});

t.test('exact: calls between an exact-profiled instance and ordinary ones', async (t) => {
  const w = await wabt();
  const lib = w.parseWat('lib.wat', `(module
    (func (export "sq") (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
    (func (export "div") (param i32) (result i32) (i32.div_u (i32.const 100) (local.get 0))))`);
  const libInst = new wasihost.Instance(new wasihost.Module(Buffer.from(lib.toBinary({}).buffer)), {});
  const app = w.parseWat('app.wat', `(module
    (import "lib" "sq" (func $sq (param i32) (result i32)))
    (import "lib" "div" (func $div (param i32) (result i32)))
    (table 1 funcref) (elem (i32.const 0) $sq)
    (type $t (func (param i32) (result i32)))
    (func (export "sum") (param i32) (result i32) (local i32)
      (loop $l
        (local.set 1 (i32.add (local.get 1) (call $sq (local.get 0))))
        (local.set 1 (i32.add (local.get 1) (call_indirect (type $t) (local.get 0) (i32.const 0))))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        (br_if $l (local.get 0)))
      (local.get 1))
    (func (export "div") (param i32) (result i32) (call $div (local.get 0)))
    (func (export "twice") (param i32) (result i32) (i32.add (local.get 0) (local.get 0))))`);
  app.generateNames();
  const appBytes = Buffer.from(app.toBinary({ write_debug_names: true }).buffer);
  const exact = new wasihost.Instance(new wasihost.Module(appBytes), { lib: libInst.exports }, { profile: 'exact' });
  // 2 * sum of squares 1..10
  t.equal(exact.exports.sum(10), 770, 'exact code calls ordinary code (direct and indirect)');
  t.throws(() => exact.exports.div(0), /integer divide by zero/, 'a trap in the nested call comes through');
  // and ordinary code calling into the exact instance's functions
  const user = w.parseWat('user.wat', `(module (import "app" "twice" (func $tw (param i32) (result i32)))
    (func (export "go") (param i32) (result i32) (call $tw (call $tw (local.get 0)))))`);
  const userInst = new wasihost.Instance(new wasihost.Module(Buffer.from(user.toBinary({}).buffer)), { app: exact.exports });
  t.equal(userInst.exports.go(5), 20);
  const p = exact.profile();
  const calls = (name) => {
    const f = p.functions.find((x) => x.name === name);
    const s = f && p.samples.find((x) => p.locations[x.locationIds[0] - 1].lines[0].functionId === f.id);
    return s ? s.values[0] : 0;
  };
  t.equal(calls('lib.sq'), 20, 'calls of an imported wasm function (direct and through the table) count as calls of the import');
  t.equal(calls('sum'), 1);
  t.equal(calls('twice'), 2, 'calls from ordinary code into the exact instance');
});
