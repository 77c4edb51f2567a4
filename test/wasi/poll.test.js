'use strict';
// poll_oneoff: clocks and fd readiness, non-blocking stdin (what Go's
// runtime does with its stdio).
const t = require('tap');
const fs = require('fs');
const path = require('path');
const h = require('./fixtures/harness');

const skip = h.skipReason();
if (skip) {
  t.skip(`wasi poll: ${skip}`);
} else {
  const wasm = h.compile('poll');
  const dir = h.tmpTree();
  fs.writeFileSync(path.join(dir, 'data.txt'), '0123456789');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const mounts = [{ host: dir, guest: '/sandbox' }];
  // node:wasi hangs on absolute clock deadlines (even past ones), fails a
  // poll mixing a file, a bad fd and stdout with EPERM, and reports no
  // error event for a bad clock id.
  const nodeKnown = {
    nevents_fault: 'EOVERFLOW', bad_clock_event_error: 'no error event',
    fd_file_ready: 'EPERM', fd_file_nevents: 1, fd_file_event: 1, fd_bad_event: 1,
    fd_stdout_writable: 1, stdin_poll_nbytes: 'nbytes 0',
  };
  const nodeKnownRe = /^abs_/;

  t.test(`clocks and files on ${h.runtime()}`, async (t) => {
    // stdin: spawnSync's input, a socketpair at its end
    const res = h.run({ wasm, args: ['poll', 'eof'], mounts, input: '' });
    t.equal(res.code, 0, 'exit code 0');
    h.assertChecks(t, res, { expectCount: 34, nodeKnown, nodeKnownRe });
  });

  t.test(`stdin pipe readiness on ${h.runtime()}`, async (t) => {
    const res = h.run({ wasm, args: ['poll', 'pipe'], mounts, shell: '(sleep 1.5; printf "late\\n") | @RUN@' });
    t.equal(res.code, 0, 'exit code 0');
    h.assertChecks(t, res, { expectCount: 44, nodeKnown, nodeKnownRe });
  });
}
