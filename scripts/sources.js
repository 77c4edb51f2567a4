'use strict';
// Lists the C sources of the addon for binding.gyp: every .c under src/
// except the standalone-only ones, so adding a file never means editing gyp.
const fs = require('fs');
const path = require('path');
const root = path.join(__dirname, '..');
const out = [];
for (const dir of ['src/engine', 'src/wasi', 'src/node']) {
  const abs = path.join(root, dir);
  if (!fs.existsSync(abs)) continue;
  for (const f of fs.readdirSync(abs).sort()) {
    if (f.endsWith('.c')) out.push(`${dir}/${f}`);
  }
}
process.stdout.write(out.join(' '));
