'use strict';
// The translated code of every function of a module, as WASIHOST_DUMP_IR
// prints it (translated up front, in a child process), one string per
// function in index order: tests check that a rewrite really happens.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

function dumpIr(bytes) {
  const file = path.join(os.tmpdir(), `wh-ir-${process.pid}-${Date.now()}.wasm`);
  fs.writeFileSync(file, bytes);
  // The dump goes to a file: node makes a stderr pipe non-blocking, and
  // the C dump's writes to a full pipe would be lost.
  const log = `${file}.ir`;
  const fd = fs.openSync(log, 'w');
  const script = `const W = require(${JSON.stringify(path.join(__dirname, '..', '..'))});
    new W.Module(require('fs').readFileSync(${JSON.stringify(file)}));`;
  const r = spawnSync(process.execPath, ['-e', script],
    { env: { ...process.env, WASIHOST_DUMP_IR: '1', WASIHOST_EAGER: '1' }, stdio: ['ignore', 'ignore', fd] });
  fs.closeSync(fd);
  const ir = fs.readFileSync(log, 'utf8');
  fs.rmSync(log, { force: true });
  fs.rmSync(file, { force: true });
  if (r.status !== 0) throw new Error(`the dump run failed (status ${r.status})`);
  return ir.split(/^func /m).slice(1);
}

// Each case { name, want } of a fusion test: its function's code (texts[i])
// holds `want`, or, for a want starting with '!', does not hold the rest.
function checkWants(t, texts, cases) {
  cases.forEach((f, i) => {
    if (f.want.startsWith('!')) t.notOk(texts[i].includes(f.want.slice(1)), `${f.name}: no ${f.want.slice(1)}`);
    else t.ok(texts[i].includes(f.want), `${f.name}: ${f.want}`);
  });
}

module.exports = { dumpIr, checkWants };
