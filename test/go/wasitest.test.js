'use strict';
// Go's own WASI tests, internal/runtime/wasitest, through our
// go_wasip1_wasm_exec (bin/ first on PATH): TestNonblock (non-blocking
// reads of 8 FIFOs, by os.OpenFile and os.NewFile) and, when
// GOWASIENABLERACYTEST=1 (Go's own switch: it probes for a free port and
// may race), TestTCPEcho (a TCP echo server on a socket granted with
// --tcplisten, the flag Go's test passes by default).
const t = require('tap');
const path = require('path');
const { spawnSync } = require('child_process');
const h = require('./harness.js');

const skip = h.skipReason();
if (skip || h.runtime() === 'node') {
  t.plan(0, skip || 'runs through bin/go_wasip1_wasm_exec (wasihost) only');
  process.exit(0);
}

function goTest(extraEnv) {
  const env = h.goEnv({
    PATH: `${path.join(h.root, 'bin')}${path.delimiter}${process.env.PATH}`,
    GOWASIRUNTIME: '', ...extraEnv,
  });
  delete env.GOOS;
  delete env.GOARCH;
  return spawnSync('go', ['test', '-count=1', '-v', '-run', '^(TestNonblock|TestTCPEcho)$',
    'internal/runtime/wasitest', '-args', '-target=wasip1/wasm'], { env, encoding: 'utf8', timeout: 600000 });
}

t.test('internal/runtime/wasitest on wasihost', async (t) => {
  const r = goTest({});
  const out = `${r.stdout}${r.stderr}`;
  t.equal(r.status, 0, 'go test passes');
  t.match(out, /--- PASS: TestNonblock\/os\.OpenFile/);
  t.match(out, /--- PASS: TestNonblock\/os\.NewFile/);
  if (process.env.GOWASIENABLERACYTEST === '1') t.match(out, /--- PASS: TestTCPEcho/);
  else t.match(out, /--- SKIP: TestTCPEcho/, 'TestTCPEcho needs GOWASIENABLERACYTEST=1');
  t.comment(out.split('\n').filter((l) => /^(---|ok|FAIL)/.test(l.trim())).join('\n'));

  // Proof that the runs above went through our wrapper: an option only
  // wasihost rejects makes the same test fail.
  const bad = goTest({ GOWASIRUNTIMEARGS: '--no-such-wasihost-option' });
  t.not(bad.status, 0, 'GOWASIRUNTIMEARGS reaches wasihost run');
  t.match(`${bad.stdout}${bad.stderr}`, /go_wasip1_wasm_exec: unknown option --no-such-wasihost-option/);
});
