'use strict';
// Source lines in trap backtraces, from the module's DWARF: a C program
// built with clang -g traps in an inlined function; every frame's
// file:line:column must be what llvm-symbolizer says for the same offset.
// Without DWARF nothing but the lines changes; corrupt or truncated DWARF
// never crashes and never changes the trap.
const t = require('tap');
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const wasihost = require('../..');
const { clangReason, buildC, rewrite } = require('./fixtures/wasm');

const reason = clangReason();
if (reason) {
  t.plan(0, reason);
  process.exit(0);
}

const src = path.join(__dirname, 'fixtures', 'trap.c');

function trap(bytes) {
  const wasi = new wasihost.WASI({ version: 'preview1', args: ['trap', '3'], stdout: 'pipe' });
  const inst = new wasihost.Instance(new wasihost.Module(bytes), wasi.getImportObject());
  try {
    wasi.start(inst);
  } catch (e) {
    return e;
  }
  throw new Error('expected a trap');
}

function symbolizer() {
  for (const cmd of ['llvm-symbolizer', 'llvm-symbolizer-14']) {
    const r = spawnSync(cmd, ['--version'], { encoding: 'utf8' });
    if (r.status === 0) return cmd;
  }
  return null;
}

// llvm-symbolizer --inlining: "function\nfile:line:col\n" per frame.
function symbolize(cmd, file, offset) {
  const r = spawnSync(cmd, ['--obj', file, '--inlining', `0x${offset.toString(16)}`], { encoding: 'utf8' });
  const lines = r.stdout.trim().split('\n');
  const out = [];
  for (let i = 0; i + 1 < lines.length; i += 2) out.push(lines[i + 1]);
  return out.filter((l) => !l.startsWith('??'));
}

for (const [label, flags] of [['DWARF 4', ['-g', '-O1']], ['DWARF 5', ['-gdwarf-5', '-O1']], ['-O0', ['-g', '-O0']]]) {
  t.test(`trap backtrace with file:line (${label})`, (t) => {
    const file = buildC('trap', flags);
    const e = trap(fs.readFileSync(file));
    t.ok(e instanceof wasihost.RuntimeError);
    t.equal(e.message, 'integer divide by zero');
    const bt = e.wasmBacktrace;
    const ours = bt.filter((f) => f.file === src);
    const inlined = label !== '-O0';
    t.same(ours.map((f) => [f.name, f.line, !!f.inlined]),
      inlined ? [['divide', 9, true], ['compute', 15, false], ['main', 22, false]]
              : [['divide', 9, false], ['compute', 15, false], ['main', 22, false]],
      'the C frames, innermost first');
    t.ok(bt.every((f) => typeof f.offset === 'number' && typeof f.index === 'number'), 'every frame has its index and code offset');
    if (inlined) t.equal(bt[0].offset, bt[1].offset, 'an inlined frame shares its caller\'s offset');
    t.match(e.stack, /integer divide by zero\n\s+at divide \(.*trap\.c:9:\d+\)\n\s+at compute \(.*trap\.c:15:\d+\)/, 'e.stack lists the wasm frames');
    const cmd = symbolizer();
    if (!cmd) {
      t.comment('llvm-symbolizer not installed: comparison skipped');
    } else {
      // group frames by offset: one symbolizer answer per real frame
      const byOffset = new Map();
      for (const f of bt) {
        if (!byOffset.has(f.offset)) byOffset.set(f.offset, []);
        if (f.file) byOffset.get(f.offset).push(`${f.file}:${f.line}:${f.column}`);
      }
      let compared = 0;
      for (const [off, mine] of byOffset) {
        t.same(mine, symbolize(cmd, file, off), `offset 0x${off.toString(16)} as llvm-symbolizer says`);
        compared++;
      }
      t.ok(compared >= 4, `${compared} offsets compared`);
    }
    t.end();
  });
}

t.test('without DWARF only the lines go', (t) => {
  const bytes = fs.readFileSync(buildC('trap', ['-g', '-O1']));
  const full = trap(bytes).wasmBacktrace.filter((f) => !f.inlined);
  const stripped = rewrite(bytes, (s) => (s.name && s.name.startsWith('.debug_') ? null : s));
  const bt = trap(stripped).wasmBacktrace;
  t.same(bt.map((f) => [f.index, f.name, f.offset]), full.map((f) => [f.index, f.name, f.offset]));
  t.ok(bt.every((f) => f.file === undefined && f.line === undefined && !f.inlined), 'no file:line');
  t.end();
});

t.test('corrupt or truncated DWARF never crashes', (t) => {
  const bytes = fs.readFileSync(buildC('trap', ['-gdwarf-5', '-O1']));
  const names = ['.debug_info', '.debug_abbrev', '.debug_line', '.debug_str', '.debug_rnglists',
    '.debug_str_offsets', '.debug_addr', '.debug_line_str'];
  // a small deterministic generator: the same variants every run
  let seed = 12345;
  const rand = (n) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
  let runs = 0;
  for (const name of names) {
    const variants = [];
    for (const frac of [0, 0.01, 0.3, 0.7, 0.99]) variants.push((p) => p.subarray(0, Math.floor(p.length * frac)));
    for (let k = 0; k < 6; k++) {
      variants.push((p) => {
        const q = Buffer.from(p);
        for (let j = 0; j < 1 + rand(20); j++) if (q.length) q[rand(q.length)] = rand(256);
        return q;
      });
    }
    variants.push((p) => Buffer.alloc(p.length, 0xff));
    for (const v of variants) {
      const mod = rewrite(bytes, (s) => (s.name === name ? { ...s, payload: v(s.payload) } : s));
      const e = trap(mod);
      if (e.message !== 'integer divide by zero') t.fail(`${name}: ${e.message}`);
      runs++;
    }
  }
  t.ok(runs > 80, `${runs} corrupt modules trapped as they should`);
  t.end();
});

t.test('CLI trap output carries file:line', (t) => {
  const file = buildC('trap', ['-g', '-O1']);
  const r = spawnSync(process.execPath, [path.join(__dirname, '..', '..', 'bin', 'wasihost.js'), 'run', file, '3'], { encoding: 'utf8' });
  t.equal(r.status, 134);
  t.match(r.stderr, /0: divide @ 0x[0-9a-f]+ \(inlined\)\n\s+at .*trap\.c:9:\d+\n\s+1: compute @ 0x[0-9a-f]+\n\s+at .*trap\.c:15:\d+/);
  t.end();
});
