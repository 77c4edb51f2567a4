'use strict';
// args, environ, clocks, random, sched_yield, proc_raise, prestat, fdstat,
// proc_exit codes.
const t = require('tap');
const fs = require('fs');
const h = require('./fixtures/harness');

const skip = h.skipReason();
if (skip) {
  t.skip(`wasi basics: ${skip}`);
} else {
  const wasm = h.compile('basics');
  const dir = h.tmpTree();
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const base = {
    wasm,
    env: ['FOO=bar', 'EMPTY='],
    mounts: [{ host: dir, guest: '/sandbox' }],
  };

  t.test(`basics on ${h.runtime()}`, async (t) => {
    const res = h.run({ ...base, args: ['prog', 'hello world', 'h\u00e9llo', '0'] });
    t.equal(res.code, 0, 'exit code 0');
    h.assertChecks(t, res, {
      expectCount: 52,
      // node:wasi answers EOVERFLOW for pointers past the end of memory
      nodeKnownRe: /fault/,
      nodeKnown: { prestat_dir_name_short: 1, prestat_get_stdin: 1 },
    });
  });

  t.test('proc_raise never signals the host', async (t) => {
    const res = h.run({ wasm: h.compile('raise') });
    if (h.runtime() === 'node') {
      // uvwasi passes the signal on: SIGKILL kills the host process.
      t.equal(res.signal, 'SIGKILL', 'node:wasi kills the host', { todo: 'node:wasi raises real signals' });
      return;
    }
    t.equal(res.signal, null, 'host not signalled');
    t.equal(res.code, 0, 'exit code 0');
    h.assertChecks(t, res, { expectCount: 3 });
  });

  t.test('proc_exit codes reach the host', async (t) => {
    for (const code of [1, 7, 42, 255]) {
      const res = h.run({ ...base, args: ['prog', 'hello world', 'h\u00e9llo', String(code)] });
      t.equal(res.code, code, `exit code ${code}`);
    }
  });
}
