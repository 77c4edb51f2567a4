'use strict';
// Drop-without-dispose loops (issue 13): how high RSS climbs when JS drops
// engine objects and leaves them to the garbage collector, on wasihost and
// on V8's own WebAssembly, each case in a fresh process, no explicit gc().
//   node bench/gc-pressure.js [--only instances|tables|compiles] [--n N]
// Prints peak RSS, final RSS, wall and CPU (user+sys) per engine and the
// ratio wasihost/V8 of the peaks.
const { execFileSync } = require('child_process');
const path = require('path');

const CASES = {
  // An instance whose memory (256 pages) the guest touches page by page.
  instances: { n: 2000 },
  // A funcref table of a million entries made from JS.
  tables: { n: 200 },
  // A module of about 10 MB (one data segment), compiled again and again.
  compiles: { n: 100 },
};

function u32leb(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}
const section = (id, body) => [id, ...u32leb(body.length), ...body];
const vec = (items) => [...u32leb(items.length), ...items.flat()];

// (memory 256) (func (export "touch") (local i32)
//   loop  i32.store8 (local.get 0) (i32.const 1)  local.get 0 +4096 tee  <16M br_if)
function touchModule() {
  const body = [0x01, 0x01, 0x7f, // one i32 local
    0x03, 0x40,
    0x20, 0x00, 0x41, 0x01, 0x3a, 0x00, 0x00,
    0x20, 0x00, 0x41, ...s32leb(4096), 0x6a, 0x22, 0x00,
    0x41, ...s32leb(16 << 20), 0x49, 0x0d, 0x00,
    0x0b, 0x0b];
  return new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, vec([[0x60, 0, 0]])),
    ...section(3, vec([[0]])),
    ...section(5, vec([[0x00, ...u32leb(256)]])),
    ...section(7, vec([[...u32leb(5), ...Buffer.from('touch'), 0x00, 0]])),
    ...section(10, vec([[...u32leb(body.length), ...body]]))]);
}
function s32leb(n) {
  const out = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && (b & 0x40))) { out.push(b); return out; }
    out.push(b | 0x80);
  }
}
// (memory 160) (data (i32.const 0) "<10 MB>")
function bigModule() {
  const size = 10 << 20;
  const head = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...section(5, vec([[0x00, ...u32leb(160)]]))];
  const seg = [0x00, 0x41, 0x00, 0x0b, ...u32leb(size)];
  const body = [...u32leb(1), ...seg];
  const out = new Uint8Array(head.length + 1 + u32leb(body.length + size).length + body.length + size);
  let o = 0;
  for (const b of [...head, 11, ...u32leb(body.length + size), ...body]) out[o++] = b;
  for (let i = 0; i < size; i++) out[o + i] = (i * 2654435761) >>> 24;
  return out;
}

function child(engine, kind, n) {
  const W = engine === 'v8' ? WebAssembly : require(path.join(__dirname, '..', 'lib'));
  let peak = 0;
  const sample = () => { peak = Math.max(peak, process.memoryUsage().rss); };
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  if (kind === 'instances') {
    const mod = new W.Module(touchModule());
    for (let i = 0; i < n; i++) {
      new W.Instance(mod, {}).exports.touch();
      sample();
    }
  } else if (kind === 'tables') {
    for (let i = 0; i < n; i++) {
      new W.Table({ element: 'anyfunc', initial: 1e6 });
      sample();
    }
  } else {
    const bytes = bigModule();
    for (let i = 0; i < n; i++) {
      new W.Module(bytes);
      sample();
    }
  }
  const c = process.cpuUsage(c0);
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  return { peak, final: process.memoryUsage().rss, wall, cpu: (c.user + c.system) / 1000 };
}

if (process.argv[2] === '--child') {
  const r = child(process.argv[3], process.argv[4], Number(process.argv[5]));
  process.stdout.write(JSON.stringify(r));
} else {
  const args = process.argv.slice(2);
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : null;
  const nOver = args.includes('--n') ? Number(args[args.indexOf('--n') + 1]) : null;
  const mb = (b) => (b / 1048576).toFixed(0).padStart(6) + ' MB';
  for (const [kind, { n: n0 }] of Object.entries(CASES)) {
    if (only && only !== kind) continue;
    const n = nOver || n0;
    const res = {};
    for (const engine of ['wasihost', 'v8']) {
      res[engine] = JSON.parse(execFileSync(process.execPath,
        [__filename, '--child', engine, kind, String(n)], { maxBuffer: 1 << 20 }).toString());
      const r = res[engine];
      console.log(`${kind.padEnd(9)} x${String(n).padEnd(5)} ${engine.padEnd(8)} peak ${mb(r.peak)}  final ${mb(r.final)}  ` +
        `wall ${r.wall.toFixed(0)} ms  cpu ${r.cpu.toFixed(0)} ms`);
    }
    console.log(`${kind.padEnd(9)} peak RSS wasihost/V8 = ${(res.wasihost.peak / res.v8.peak).toFixed(2)}`);
  }
}
