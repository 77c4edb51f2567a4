'use strict';
// The path resolver (src/wasi/wasi_sandbox.c) compiled alone with gcc and run
// natively: no engine, no Node addon.  Both modes: openat2 and the walk.
const t = require('tap');
const fs = require('fs');
const path = require('path');
const { execFileSync, spawnSync } = require('child_process');
const h = require('./fixtures/harness');
const { assertChecks, hasGcc } = require('../c/checks');

if (!hasGcc) {
  t.skip('gcc not installed');
} else {
  t.test('resolver unit test', async (t) => {
    const base = h.tmpTree('wasi-resolver-');
    t.teardown(() => fs.rmSync(base, { recursive: true, force: true }));
    const sb = path.join(base, 'sandbox');
    fs.mkdirSync(path.join(sb, 'sub'), { recursive: true });
    fs.mkdirSync(path.join(base, 'outside'));
    fs.writeFileSync(path.join(base, 'secret.txt'), 'TOP-SECRET\n');
    fs.writeFileSync(path.join(base, 'outside', 'secret.txt'), 'TOP-SECRET\n');
    fs.writeFileSync(path.join(sb, 'file.txt'), 'inside\n');
    fs.writeFileSync(path.join(sb, 'sub', 'inner.txt'), 'inner\n');
    fs.symlinkSync(path.join(base, 'secret.txt'), path.join(sb, 'abs'));
    fs.symlinkSync(path.join(base, 'outside'), path.join(sb, 'absdir'));
    fs.symlinkSync('../secret.txt', path.join(sb, 'rel'));
    fs.symlinkSync('sub/inner.txt', path.join(sb, 'inlink'));
    fs.symlinkSync('../created_outside', path.join(sb, 'dangle'));
    const exe = path.join(base, 'resolver');
    execFileSync('gcc', [...require('../../scripts/cflags').common, '-Werror', '-g',
      '-fsanitize=address,undefined', '-fno-sanitize-recover=undefined',
      '-I', path.join(h.root, 'include'), '-I', path.join(h.root, 'src'),
      path.join(h.root, 'test', 'c', 'wasi_resolver.c'),
      path.join(h.root, 'src', 'wasi', 'wasi_sandbox.c'), path.join(h.root, 'src', 'wasi', 'wasi_errno.c'),
      '-o', exe], { stdio: ['ignore', 'inherit', 'inherit'] });
    const r = spawnSync(exe, [base], { encoding: 'utf8', env: { ...process.env, LD_PRELOAD: '' } });
    assertChecks(t, r, 50);
  });
}
