'use strict';
// The WASI call trace: `--trace[=CATS]` on the CLI and new WASI({ trace })
// print one line per call, paths as strings, flags by name, fds with the
// guest path they stand for, errnos by name.
const t = require('tap');
const fs = require('fs');
const path = require('path');
const { PassThrough } = require('stream');
const h = require('./harness.js');

const skip = h.skipReason();
if (skip || h.runtime() === 'node') {
  t.plan(0, skip || 'node:wasi has no trace');
  process.exit(0);
}
const W = h.fixtures(['missingfile']);
const run = (args) => h.runCli(['run', ...args]);

t.test('--trace=fs shows why a file is not found', async (t) => {
  const dir = h.tmpTree();
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const r = run(['--trace=fs', '--dir', `${dir}::/data`, W.missingfile, '/data/x.txt']);
  t.equal(r.code, 1);
  t.match(r.stdout, /^error: open \/data\/x.txt: /);
  const lines = r.stderr.split('\n');
  t.ok(lines.includes('fd_prestat_dir_name(fd=3 "/data") -> "/data"'), 'the preopen, by name');
  t.ok(lines.includes('path_open(fd=3 "/data", "x.txt", O_RDONLY) -> ENOENT'), 'the failing open, decoded');
  t.ok(lines.every((l) => l === '' || /^(fd|path)_\w+\(.*\) -> \S/.test(l)), 'only fs calls, each with a result');
  t.comment(`excerpt:\n${lines.filter((l) => /prestat|path_open|fd_write/.test(l)).join('\n')}`);

  fs.writeFileSync(path.join(dir, 'x.txt'), 'twelve bytes');
  const ok = run(['--trace', '--dir', `${dir}::/data`, W.missingfile, '/data/x.txt']);
  t.equal(ok.code, 0);
  t.equal(ok.stdout, '12 bytes\n');
  t.match(ok.stderr, /\npath_open\(fd=3 "\/data", "x\.txt", O_RDONLY\) -> fd=4 "\/data\/x\.txt"\n/, 'the new fd, named');
  t.match(ok.stderr, /\nfd_read\(fd=4 "\/data\/x\.txt", \d+ bytes\) -> 12\n/, 'later calls name it');
  t.match(ok.stderr, /\nfd_close\(fd=4 "\/data\/x\.txt"\) -> ok\n/, 'fd_close names what it closes');
  t.match(ok.stderr, /\nclock_time_get\(MONOTONIC\) -> \d+\n/, 'no filter: clocks too');
  t.match(ok.stderr, /\nrandom_get\(\d+ bytes\) -> ok\n/);
  t.match(ok.stderr, /\nproc_exit\(0\)\n/, 'proc_exit has no result line');

  const clk = run(['--trace=clock', '--dir', `${dir}::/data`, W.missingfile, '/data/x.txt']);
  t.ok(clk.stderr.trim().split('\n').every((l) => l.startsWith('clock_')), '--trace=clock: clocks only');

  const bad = run(['--trace=files', W.missingfile]);
  t.equal(bad.code, 2);
  t.match(bad.stderr, /--trace: unknown category "files"/);
});

t.test('new WASI({ trace }): a function, a stream, categories, startAsync', async (t) => {
  const { WASI } = require(path.join(h.root, 'lib', 'wasi.js'));
  const wh = require(path.join(h.root, 'lib', 'index.js'));
  const mod = new wh.Module(fs.readFileSync(W.missingfile));
  const dir = h.tmpTree();
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const make = (extra) => new WASI({
    version: 'preview1', args: ['m', '/data/none'], preopens: { '/data': dir }, stdout: 'pipe', ...extra,
  });

  const lines = [];
  let wasi = make({ trace: (l) => lines.push(l), traceCategories: ['fs'] });
  t.equal(wasi.start(new wh.Instance(mod, wasi.getImportObject())), 1);
  t.ok(lines.includes('path_open(fd=3 "/data", "none", O_RDONLY) -> ENOENT'), 'a function gets each line');
  t.notOk(lines.some((l) => l.startsWith('clock_')), 'traceCategories filters');

  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d) => { text += d; });
  wasi = make({ trace: stream, traceCategories: 'proc' });
  t.equal(wasi.start(new wh.Instance(mod, wasi.getImportObject())), 1);
  t.equal(text, 'proc_exit(1)\n', 'a stream gets lines ending in newlines');

  const async = [];
  wasi = make({ trace: (l) => async.push(l) });
  t.equal(await wasi.startAsync(new wh.Instance(mod, wasi.getImportObject())), 1);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const sync = [];
  wasi = make({ trace: (l) => sync.push(l) });
  wasi.start(new wh.Instance(mod, wasi.getImportObject()));
  // How often Go's scheduler reads the clock depends on timing.
  const shape = (ls) => ls.filter((l) => !/^(clock_|poll_|sched_)/.test(l)).map((l) => l.replace(/\d+/g, 'N'));
  t.ok(shape(sync).length > 10);
  t.same(shape(async), shape(sync), 'from a guest thread: the same lines, in order');

  t.throws(() => make({ trace: 42 }), { name: 'TypeError', message: /trace must be a function or a writable stream/ });
  t.throws(() => make({ trace: () => {}, traceCategories: ['disk'] }), { name: 'TypeError', message: /unknown category "disk"/ });
});

t.test('an exception in the trace function is reported, the run is not corrupted', async (t) => {
  const r = h.runJs(`
    const fs = require('fs');
    const wasi = new W.WASI({ version: 'preview1', args: ['m', '/x'], stdout: 'pipe',
      trace: (l) => { if (l.startsWith('proc_exit')) throw new Error('trace boom'); } });
    const code = wasi.start(new W.Instance(new W.Module(fs.readFileSync(wasm)), wasi.getImportObject()));
    process.stdout.write('exit ' + code + '\\n');`, { wasm: W.missingfile });
  t.match(r.stdout, /^exit 1\n/, 'the guest ran to its end');
  t.match(r.stderr, /Error: trace boom/, 'the exception surfaces as an uncaught error');
  t.not(r.code, 0);
});
