'use strict';
// Go modules embedded in JS: go:wasmimport host functions written in JS
// (reading and writing guest memory with the memory-view helpers), and a
// go:wasmexport reactor (-buildmode=c-shared) whose exports JS calls again
// and again after wasi.initialize().  Each case runs in a child process.
const t = require('tap');
const h = require('./harness.js');

const skip = h.skipReason();
if (skip) {
  t.plan(0, skip);
  process.exit(0);
}

const W = h.fixtures(['hostcall']);
const R = h.fixtures(['reactor'], { buildmode: 'c-shared' });

t.test('go:wasmimport calls JS host functions', async (t) => {
  const r = h.runJs(`
    const fs = require('fs');
    const wasi = new W.WASI({ version: 'preview1', args: ['hostcall'], env: {}, returnOnExit: true });
    let mem;
    const log = [];
    const env = {
      log_message(ptr, len) { log.push(mem.readString(ptr, len)); },
      add(a, b) { return (a + b) | 0; },
      mul64(a, b) { return BigInt.asUintN(64, a * b); },
      fill_greeting(ptr, cap) { return mem.write(ptr, 'hi from JS', cap); },
    };
    const mod = new W.Module(fs.readFileSync(wasm));
    const inst = new W.Instance(mod, { ...wasi.getImportObject(), env });
    mem = W.view(inst);
    const code = wasi.start(inst);
    process.stdout.write('log: ' + JSON.stringify(log) + '\\n');
    process.exitCode = code;
  `, { wasm: W.hostcall });
  t.equal(r.stdout, [
    'add(40, 2) = 42', 'add(-5, 3) = -2', 'mul64 = 1099511627776000',
    'greeting: "hi from JS"',
    'log: ["hello from Go via wasmimport","ünïcödé ✓"]', '',
  ].join('\n'));
  t.equal(r.stderr, '');
  t.equal(r.code, 0);
});

t.test('a host function that throws stops the guest', async (t) => {
  const r = h.runJs(`
    const fs = require('fs');
    const wasi = new W.WASI({ version: 'preview1', args: ['hostcall'], env: {}, returnOnExit: true });
    let mem;
    const env = {
      log_message(ptr, len) { throw new Error('host says no: ' + mem.readString(ptr, len)); },
      add() { return 0; }, mul64() { return 0n; }, fill_greeting() { return 0; },
    };
    const inst = new W.Instance(new W.Module(fs.readFileSync(wasm)), { ...wasi.getImportObject(), env });
    mem = W.view(inst);
    try {
      wasi.start(inst);
      console.log('returned');
    } catch (e) {
      console.log('caught', e.message);
    }
  `, { wasm: W.hostcall });
  t.equal(r.stdout, 'caught host says no: hello from Go via wasmimport\n');
  t.equal(r.code, 0);
});

t.test('out-of-bounds pointers are refused by the memory view', async (t) => {
  const r = h.runJs(`
    const fs = require('fs');
    const wasi = new W.WASI({ version: 'preview1', args: ['hostcall'], env: {}, returnOnExit: true });
    let mem;
    const env = {
      log_message(ptr, len) { mem.readString(mem.byteLength - 2, 16); },
      add() { return 0; }, mul64() { return 0n; }, fill_greeting() { return 0; },
    };
    const inst = new W.Instance(new W.Module(fs.readFileSync(wasm)), { ...wasi.getImportObject(), env });
    mem = W.view(inst);
    try { wasi.start(inst); } catch (e) { console.log(e.name, e.message.replace(/\\d+/g, 'N')); }
  `, { wasm: W.hostcall });
  t.equal(r.stdout, 'RangeError guest memory access out of bounds: [N, N) beyond N bytes\n');
});

t.test('go:wasmexport reactor: initialize once, call many times', async (t) => {
  const r = h.runJs(`
    const fs = require('fs');
    const wasi = new W.WASI({ version: 'preview1', args: ['reactor'], env: {}, returnOnExit: true });
    const inst = new W.Instance(new W.Module(fs.readFileSync(wasm)), wasi.getImportObject());
    const e = inst.exports;
    const out = [];
    out.push('exports ' + Object.keys(e).sort().join(','));
    out.push('initialize ' + wasi.initialize(inst));
    out.push('add ' + e.add(2, 3) + ' ' + e.add(-7, 2) + ' ' + e.add(2147483647, 1));
    // The goroutine started by init serves every call.
    const d = [];
    for (let i = 1; i <= 50; i++) d.push(e.double(i));
    out.push('double ok ' + d.every((v, i) => v === 2 * (i + 1)));
    out.push('served ' + e.served());
    out.push('sum64 ' + e.sum64(1n << 40n, -5n) + ' ' + e.sum64(9223372036854775807n, 1n));
    out.push('scale ' + e.scale(1.5, 2) + ' ' + e.scale(0.1, 0.1));
    const slept = e.sleep_ms(30);
    out.push('sleep ' + (slept >= 30 && slept < 5000));
    // JS writes into memory Go allocated, Go edits it in place, JS reads it.
    const mem = W.view(inst);
    const p = e.alloc(32) >>> 0;
    const n = mem.write(p, 'hello, reactor');
    out.push('shout ' + e.shout(p, n) + ' ' + mem.readString(p, n));
    e.release(p);
    out.push('double again ' + e.double(1000) + ' served ' + e.served());
    console.log(out.join('\\n'));
  `, { wasm: R.reactor });
  t.equal(r.stdout, [
    'reactor initialised',
    'shout: HELLO, REACTOR',
    'exports _initialize,add,alloc,double,memory,release,scale,served,shout,sleep_ms,sum64',
    'initialize undefined',
    'add 5 -5 -2147483648',
    'double ok true',
    'served 50',
    'sum64 1099511627771 -9223372036854775808',
    `scale 3 ${0.1 * Math.fround(0.1)}`, // k is a float32
    'sleep true',
    'shout 14 HELLO, REACTOR',
    'double again 2000 served 51',
    '',
  ].join('\n'));
  t.equal(r.stderr, '');
  t.equal(r.code, 0);
});

t.test('a reactor through the CLI: --invoke', async (t) => {
  const r = h.runCli(['run', '--invoke', 'sum64', R.reactor, '40', '2']);
  t.equal(r.stdout, 'reactor initialised\n42\n');
  t.equal(r.code, 0);
  const d = h.runCli(['run', '--invoke', 'double', R.reactor, '21']);
  t.equal(d.stdout, 'reactor initialised\n42\n');
  const s = h.runCli(['run', R.reactor]);
  t.equal(s.stderr, `wasihost: ${R.reactor} has no _start export (it is a reactor: use --invoke NAME)\n`);
  t.equal(s.code, 1);
});
