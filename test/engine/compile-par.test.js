'use strict';
// Function bodies validated on several threads (src/engine/compile_par.c):
// a module compiles and runs the same on 1, 2 and 5 threads, and an invalid
// module is rejected with the error of its lowest-numbered invalid body,
// the one the single-threaded loop reports, wherever the invalid bodies are.
// Each thread count is a child process (WASIHOST_COMPILE_THREADS is read
// when the addon loads).
const t = require('tap');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const uleb = (n) => {
  const out = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const section = (id, body) => [id, ...uleb(body.length), ...body];
const vec = (items) => [...uleb(items.length), ...items.flat()];

// Bodies of type [] -> [i32] that compute a value from their index (long
// enough that a few thousand pass the size threshold for threads); the
// invalid ones fail in different ways, so their messages differ.
const I32 = 0x7f;
function goodBody(i) {
  const code = [0x41, ...sleb(i)];
  for (let k = 0; k < 24; k++) code.push(0x41, ...sleb(k + 1), 0x6a); // i32.const k+1; i32.add
  return code;
}
function badBody(i, kind) {
  const code = goodBody(i);
  switch (kind % 4) {
    case 0: return [...code, 0x42, 0x00, 0x6a]; // i64.const 0; i32.add: type mismatch
    case 1: return [...code, 0x20, 0x05, 0x6a]; // local.get 5: unknown local
    case 2: return [...code, 0x0c, 0x07]; // br 7: unknown label
    default: return [...code, 0x1a, 0x1a]; // drop; drop: stack underflow
  }
}
function sleb(n) {
  const out = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && (b & 0x40))) return [...out, b];
    out.push(b | 0x80);
  }
}
function moduleOf(n, bad = new Map()) {
  const bodies = [];
  for (let i = 0; i < n; i++) {
    const expr = bad.has(i) ? badBody(i, bad.get(i)) : goodBody(i);
    const body = [0x00, ...expr, 0x0b]; // no locals; end
    bodies.push([...uleb(body.length), ...body]);
  }
  const exports = [0, n - 1].map((i) => {
    const name = Buffer.from(`f${i}`);
    return [...uleb(name.length), ...name, 0x00, ...uleb(i)];
  });
  return Buffer.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, 0x00, 0x01, I32]])),
    ...section(3, vec(Array.from({ length: n }, () => [0x00]))),
    ...section(7, vec(exports)),
    ...section(10, vec(bodies)),
  ]);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wh-compile-par-'));
t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));

// The child compiles every file named on its command line and prints, per
// file, the CompileError message or the two exports' results.
const CHILD = `
const w = require(${JSON.stringify(path.join(__dirname, '..', '..'))});
const fs = require('fs');
const out = [];
for (const f of process.argv.slice(1)) {
  try {
    const m = new w.Module(fs.readFileSync(f));
    const e = new w.Instance(m).exports;
    out.push('ok ' + Object.keys(e).map((k) => k + '=' + e[k]()).join(' '));
  } catch (err) {
    out.push((err instanceof w.CompileError ? 'CompileError ' : 'other ') + err.message);
  }
}
process.stdout.write(JSON.stringify(out));
`;
function compileAll(files, threads) {
  const env = { ...process.env };
  if (threads === undefined) delete env.WASIHOST_COMPILE_THREADS;
  else env.WASIHOST_COMPILE_THREADS = String(threads);
  const r = spawnSync(process.execPath, ['-e', CHILD, ...files], { env, encoding: 'utf8', timeout: 300000 });
  if (r.status !== 0) throw new Error(`child exited ${r.status} ${r.signal || ''}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const N = 4000; // ~80 bytes each: past the 256 KB at which threads start
const expectSum = (i) => i + 300;

t.test('a valid module compiles and runs the same on any number of threads', (t) => {
  const file = path.join(dir, 'good.wasm');
  fs.writeFileSync(file, moduleOf(N));
  t.ok(fs.statSync(file).size > 256 * 1024, 'bodies past the size at which threads start');
  const want = [`ok f0=${expectSum(0)} f${N - 1}=${expectSum(N - 1)}`];
  for (const threads of [1, 2, 5, undefined]) t.same(compileAll([file], threads), want, `threads: ${threads || 'by CPU count'}`);
  t.end();
});

t.test('the error reported is that of the lowest-numbered invalid body', (t) => {
  // deterministic "random" placements: xorshift
  let s = 0x2545f491;
  const rnd = (n) => {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    return (s >>> 0) % n;
  };
  const files = [];
  const cases = [
    new Map([[N - 1, 0]]), // the last body only
    new Map([[0, 1], [N - 1, 0]]), // the first and the last
    new Map([[17, 2], [18, 3]]), // two in one claimed chunk
    new Map([[N - 20, 0], [40, 1]]), // inserted out of order
  ];
  for (let k = 0; k < 12; k++) {
    const bad = new Map();
    const count = 1 + rnd(6);
    for (let j = 0; j < count; j++) bad.set(rnd(N), rnd(4));
    cases.push(bad);
  }
  cases.forEach((bad, k) => {
    const file = path.join(dir, `bad${k}.wasm`);
    fs.writeFileSync(file, moduleOf(N, bad));
    files.push(file);
  });
  const one = compileAll(files, 1);
  for (const [i, msg] of one.entries()) t.match(msg, /^CompileError /, `case ${i} is rejected on one thread`);
  // the message names the lowest invalid body: its offset differs from any other's
  for (const [k, bad] of cases.entries()) {
    const first = Math.min(...bad.keys());
    const alone = path.join(dir, `alone${k}.wasm`);
    fs.writeFileSync(alone, moduleOf(N, new Map([[first, bad.get(first)]])));
    files.push(alone);
  }
  for (const threads of [2, 5, undefined]) {
    const got = compileAll(files, threads);
    t.same(got.slice(0, cases.length), one, `threads: ${threads || 'by CPU count'}: same messages as one thread`);
    t.same(got.slice(cases.length), one, `threads: ${threads || 'by CPU count'}: each is the lowest invalid body's own error`);
  }
  t.end();
});
