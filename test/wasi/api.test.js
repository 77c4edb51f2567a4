'use strict';
// lib/wasi.js: node:wasi's shape on wasihost (getImportObject, wasiImport,
// start, initialize, returnOnExit) plus mounts, captured stdio, stdin from
// bytes, and the errors.  Needs the addon; skips without it.
const t = require('tap');
const fs = require('fs');
const path = require('path');
const { spawnSync, execFileSync } = require('child_process');
const h = require('./fixtures/harness');

function loadWasihost() {
  try {
    const wh = require(h.root);
    return wh.WASI && wh.Module ? wh : null;
  } catch (_) {
    return null;
  }
}

const wh = loadWasihost();
const clang = h.skipReason();
if (!wh) {
  t.skip('wasihost addon not built (node scripts/build.js)');
} else if (clang) {
  t.skip(`wasi api: ${clang}`);
} else {
  const { WASI, WASIExit } = wh;
  const helloWasm = fs.readFileSync(h.compile('hello'));
  const dir = h.tmpTree();
  fs.writeFileSync(path.join(dir, 'a.txt'), 'alpha\n');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const hello = new wh.Module(helloWasm);

  t.test('import object has all 46 functions', async (t) => {
    const w = new WASI({ version: 'preview1' });
    const imp = w.getImportObject();
    t.same(Object.keys(imp), ['wasi_snapshot_preview1']);
    const names = Object.keys(imp.wasi_snapshot_preview1);
    t.equal(names.length, 46);
    for (const n of names) t.equal(typeof imp.wasi_snapshot_preview1[n], 'function', n);
    t.equal(w.wasiImport, imp.wasi_snapshot_preview1, 'wasiImport is the same object');
  });

  t.test('captured stdio, stdin bytes, env, args, mounts, exit code', async (t) => {
    const w = new WASI({
      version: 'preview1', args: ['hello', '7'], env: { GREETING: 'hi' },
      mounts: [{ host: dir, guest: '/data', readonly: true }],
      stdin: 'from-js', stdout: 'pipe', stderr: 'pipe',
    });
    const inst = new wh.Instance(hello, w.getImportObject());
    t.equal(w.start(inst), 7, 'exit code returned');
    t.equal(w.stdout.toString(), 'in=[from-js] args=2 env=hi\nfound a.txt: 1\na.txt=alpha\n', 'stdout captured');
    t.equal(w.stderr.toString(), 'to-stderr\n', 'stderr captured');
  });

  t.test('preopens like node:wasi; Buffer stdin; exit 0', async (t) => {
    const w = new WASI({ version: 'preview1', args: ['hello', '0'], preopens: { '/data': dir }, stdin: Buffer.from('buf'), stdout: 'pipe', stderr: 'ignore' });
    t.equal(w.start(new wh.Instance(hello, w.getImportObject())), 0);
    t.match(w.stdout.toString(), /^in=\[buf\].*\nfound a\.txt: 1\n/);
    t.equal(w.stderr, undefined, 'stderr not captured when ignored');
  });

  t.test('stdout to a host fd; stdin ignore', async (t) => {
    const out = path.join(dir, 'out.txt');
    const fd = fs.openSync(out, 'w');
    const w = new WASI({ version: 'preview1', args: ['hello', '0'], stdin: 'ignore', stdout: fd, stderr: 'ignore' });
    w.start(new wh.Instance(hello, w.getImportObject()));
    fs.closeSync(fd);
    t.equal(fs.readFileSync(out, 'utf8'), 'in=[] args=2 env=-\n');
  });

  t.test('a WASI object starts once', async (t) => {
    const w = new WASI({ version: 'preview1', args: ['hello', '0'], stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' });
    const inst = new wh.Instance(hello, w.getImportObject());
    w.start(inst);
    t.throws(() => w.start(inst), { code: 'ERR_WASI_ALREADY_STARTED', message: /already started/ });
    t.throws(() => w.initialize(inst), { code: 'ERR_WASI_ALREADY_STARTED' });
  });

  t.test('initialize() runs a reactor', async (t) => {
    const reactorPath = h.compile('reactor');
    const w = new WASI({ version: 'preview1' });
    const inst = new wh.Instance(new wh.Module(fs.readFileSync(reactorPath)), w.getImportObject());
    t.equal(w.initialize(inst), undefined);
    t.equal(inst.exports.add(2), 42, 'constructors ran');
    const w2 = new WASI({ version: 'preview1' });
    t.throws(() => w2.start(inst), { code: 'ERR_INVALID_ARG_TYPE', message: /"instance.exports._start" property must be of type function/ });
    const w3 = new WASI({ version: 'preview1', args: ['hello', '0'], stdin: 'ignore', stdout: 'ignore', stderr: 'ignore' });
    t.throws(() => w3.initialize(new wh.Instance(hello, w3.getImportObject())), /"instance.exports._start" property must be undefined/);
  });

  t.test('argument errors carry node:wasi\'s codes', async (t) => {
    const NodeWASI = require('wasi').WASI;
    const devnull = fs.openSync('/dev/null', 'r+');
    t.teardown(() => fs.closeSync(devnull));
    const base = { version: 'preview1', args: ['hello', '0'], returnOnExit: true };
    const impls = [
      ['node:wasi', NodeWASI, WebAssembly, { ...base, stdin: devnull, stdout: devnull, stderr: devnull }],
      ['wasihost', WASI, wh, { ...base, stdin: 'ignore', stdout: 'ignore', stderr: 'ignore' }],
    ];
    for (const [who, W, NS, o] of impls) {
      const code = (fn) => { try { fn(); return 'no error'; } catch (e) { return e.code; } };
      t.equal(code(() => new W({ ...o, version: 'foo' })), 'ERR_INVALID_ARG_VALUE', `${who}: version 'foo'`);
      t.equal(code(() => new W({ ...o, version: 5 })), 'ERR_INVALID_ARG_TYPE', `${who}: version 5`);
      for (const [what, inst] of [['null', null], ['exports null', { exports: null }], ['exports 1', { exports: 1 }]]) {
        t.equal(code(() => new W(o).start(inst)), 'ERR_INVALID_ARG_TYPE', `${who}: start(${what})`);
        t.equal(code(() => new W(o).initialize(inst)), 'ERR_INVALID_ARG_TYPE', `${who}: initialize(${what})`);
      }
      const w = new W(o);
      const inst = new NS.Instance(new NS.Module(helloWasm), w.getImportObject());
      t.equal(code(() => new W(o).initialize(inst)), 'ERR_INVALID_ARG_TYPE', `${who}: initialize() of a command`);
      w.start(inst);
      t.equal(code(() => w.start(inst)), 'ERR_WASI_ALREADY_STARTED', `${who}: start() twice`);
      t.equal(code(() => w.initialize(inst)), 'ERR_WASI_ALREADY_STARTED', `${who}: initialize() after start()`);
    }
  });

  t.test('bad options', async (t) => {
    t.throws(() => new WASI({ version: 'unstable' }), TypeError);
    t.throws(() => new WASI({ args: 'x' }), TypeError);
    t.throws(() => new WASI({ env: 5 }), TypeError);
    t.throws(() => new WASI({ stdout: 'bogus' }), TypeError);
    t.throws(() => new WASI({ stdin: -1 }), TypeError);
    t.throws(() => new WASI({ returnOnExit: 'yes' }), TypeError);
    t.throws(() => new WASI({ mounts: [{ host: 1 }] }), TypeError);
    t.throws(() => new WASI({ args: ['a\0b'] }), TypeError);
    t.throws(() => new WASI({ preopens: { '/x': path.join(dir, 'does-not-exist') } }), /cannot open mount/);
    t.equal(typeof WASIExit, 'function');
  });

  t.test('returnOnExit: false ends the process with the code', async (t) => {
    const src = `
      const wh = require(${JSON.stringify(h.root)});
      const fs = require('fs');
      const w = new wh.WASI({ version: 'preview1', args: ['hello', '9'], stdin: 'ignore', returnOnExit: false });
      w.start(new wh.Instance(new wh.Module(fs.readFileSync(${JSON.stringify(h.compile('hello'))})), w.getImportObject()));
      console.log('not reached');`;
    const r = spawnSync(process.execPath, ['-e', src], { encoding: 'utf8' });
    t.equal(r.status, 9, 'process exit code');
    t.notMatch(r.stdout, /not reached/);
  });
}
