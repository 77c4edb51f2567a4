'use strict';
// Read-only mounts, stdio ownership (closing guest fd 1 never closes the
// host's), and sockets handed in by the host.
const t = require('tap');
const fs = require('fs');
const path = require('path');
const h = require('./fixtures/harness');

const skip = h.skipReason();
if (skip) {
  t.skip(`wasi io: ${skip}`);
} else {
  t.test(`read-only mounts on ${h.runtime()}`, async (t) => {
    const dir = h.tmpTree();
    t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
    const ro = path.join(dir, 'ro'), rw = path.join(dir, 'rw');
    fs.mkdirSync(path.join(ro, 'sub'), { recursive: true });
    fs.mkdirSync(rw);
    fs.writeFileSync(path.join(ro, 'file.txt'), 'ro\n');
    fs.writeFileSync(path.join(rw, 'rw.txt'), 'rw\n');
    const mtime = fs.statSync(path.join(ro, 'file.txt')).mtimeMs;
    const res = h.run({
      wasm: h.compile('readonly'),
      mounts: [{ host: ro, guest: '/ro', readonly: true }, { host: rw, guest: '/rw' }],
    });
    t.equal(res.code, 0, 'exit code 0');
    // node:wasi has no read-only preopens.
    h.assertChecks(t, res, { expectCount: 28, nodeKnownRe: /./ });
    const todo = h.runtime() === 'node' ? { todo: 'node:wasi has no read-only mounts' } : {};
    t.same(fs.readdirSync(ro).sort(), ['file.txt', 'sub'], 'nothing created or removed', todo);
    t.equal(fs.existsSync(path.join(ro, 'file.txt')) && fs.readFileSync(path.join(ro, 'file.txt'), 'utf8'), 'ro\n', 'file unchanged', todo);
    t.equal(fs.existsSync(path.join(ro, 'file.txt')) && fs.statSync(path.join(ro, 'file.txt')).mtimeMs, mtime, 'mtime unchanged', todo);
    const rwText = fs.existsSync(path.join(rw, 'rw.txt')) ? fs.readFileSync(path.join(rw, 'rw.txt'), 'utf8') : 'moved away';
    t.equal(rwText, 'changed', 'rw mount written', todo);
  });

  t.test(`guest stdio is the guest's own on ${h.runtime()}`, async (t) => {
    const dir = h.tmpTree();
    t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
    const res = h.run({
      wasm: h.compile('stdio'), mounts: [{ host: dir, guest: '/sandbox' }],
      input: 'from-host', after: 'host-stdout-still-open\n',
    });
    // node:wasi's fd_close(1) closes the host process's own stdout.
    const todo = h.runtime() === 'node' ? { todo: 'node:wasi closes the host stdout' } : {};
    t.equal(res.code, 0, 'exit code 0', todo);
    t.match(res.stdout, /^stdin:from-host\n/, 'stdin echoed to stdout');
    t.match(res.stderr, /to-stderr\n/, 'stderr reached the host');
    t.match(res.stdout, /host-stdout-still-open\n$/, 'host stdout open after the guest closed fd 1', todo);
    const log = fs.readFileSync(path.join(dir, 'log.txt'), 'utf8');
    h.assertChecks(t, { stdout: log }, { expectCount: 6 });
  });

  t.test(`sockets on ${h.runtime()}`, async (t) => {
    if (h.runtime() === 'node') {
      t.skip('node:wasi cannot be handed sockets');
      return;
    }
    const dir = h.tmpTree();
    t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
    const client = `
      const net = require('net');
      const s = net.connect(+process.argv[1], '127.0.0.1', () => s.write('ping'));
      let got = '';
      s.on('data', (d) => { got += d; });
      s.on('end', () => { process.stdout.write('client got ' + got + '\\n'); s.end(); });
      setTimeout(() => process.exit(3), 20000).unref();`;
    const res = h.run({
      wasm: h.compile('sock'), mounts: [{ host: dir, guest: '/sandbox' }],
      sockets: [{ client }],
    });
    t.equal(res.code, 0, 'exit code 0');
    h.assertChecks(t, res, { expectCount: 27 });
  });
}
