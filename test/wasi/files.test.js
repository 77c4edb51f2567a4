'use strict';
// fd_* and path_* on a real temp tree: normal use and the errno of each
// misuse, then the host-side view of what the guest did.
const t = require('tap');
const fs = require('fs');
const path = require('path');
const h = require('./fixtures/harness');

const skip = h.skipReason();
if (skip) {
  t.skip(`wasi files: ${skip}`);
} else {
  const wasm = h.compile('files');
  for (const walk of h.runtime() === 'node' ? [false] : [false, true]) {
    t.test(`files on ${h.runtime()}${walk ? ' (portable walk, no openat2)' : ''}`, async (t) => {
      const dir = h.tmpTree();
      t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
      fs.writeFileSync(path.join(dir, 'hello.txt'), 'hello world\n');
      fs.mkdirSync(path.join(dir, 'sub'));
      fs.writeFileSync(path.join(dir, 'sub', 'inner.txt'), 'inner\n');
      fs.mkdirSync(path.join(dir, 'empty'));
      const res = h.run({
        wasm, args: ['files'], mounts: [{ host: dir, guest: '/sandbox' }],
        hostEnv: walk ? { WASIHOST_NO_OPENAT2: '1' } : {},
      });
      t.equal(res.code, 0, 'exit code 0');
      t.equal(res.stderr.replace(/.*ExperimentalWarning.*\n|.*--trace-warnings.*\n/g, ''), '', 'no stderr');
      h.assertChecks(t, res, {
        expectCount: 162,
        nodeKnownRe: /fault|huge_iovcnt/,
        nodeKnown: {
          allocate_overflow: 'EINVAL', fdstat_append: 'host O_ flags leak into fdstat',
          set_flags_bad: 'accepts unknown flags', fdstat_nonblock: 'host O_ flags',
          open_bad_oflags: 'accepts unknown oflags', open_at_file_fd: 'ENOTCAPABLE',
          readdir_count: 'no . and ..', readdir_has_dot: 1, readdir_has_dotdot: 1,
          readdir_many_small_buf: 'no . and ..', readdir_many_big_buf: 'no . and ..',
          path_set_times_bad: 'leaves the dir fd locked: next call deadlocks',
          readlink_short_buf: 'reports the untruncated length',
          open_nofollow_symlink: 'follows the symlink without LOOKUP_SYMLINK_FOLLOW',
        },
      });
      // What the guest did is visible on the host.
      t.ok(fs.statSync(path.join(dir, 'newdir')).isDirectory(), 'mkdir visible');
      t.equal(fs.readFileSync(path.join(dir, 'newdir', 'r.txt'), 'utf8'), 'onetwo', 'appended file visible');
      t.equal(fs.readlinkSync(path.join(dir, 'subl')), 'sub', 'symlink visible');
      t.equal(fs.readdirSync(path.join(dir, 'many')).length, 40, 'created 40 files');
      t.equal(fs.statSync(path.join(dir, 'hello.txt')).mtimeMs, 3000, 'mtime set via path');
    });
  }
}
