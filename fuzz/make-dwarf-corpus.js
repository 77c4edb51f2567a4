'use strict';
// Seeds for fuzz_dwarf: the DWARF sections of the test C program (built
// with clang -g, DWARF 4 and 5) in the target's input format: nine
// sections, each a 2-byte little-endian length and its bytes (cut to fit).
//   node fuzz/make-dwarf-corpus.js [outdir=fuzz/corpus-dwarf]
const fs = require('fs');
const path = require('path');
const { clangReason, buildC, sections } = require('../test/profile/fixtures/wasm');

const order = ['.debug_info', '.debug_abbrev', '.debug_line', '.debug_str', '.debug_line_str',
  '.debug_str_offsets', '.debug_addr', '.debug_ranges', '.debug_rnglists'];
const out = process.argv[2] || path.join(__dirname, 'corpus-dwarf');
const why = clangReason();
if (why) { console.error(why); process.exit(1); }
fs.mkdirSync(out, { recursive: true });
for (const flags of [['-g', '-O1'], ['-gdwarf-5', '-O1'], ['-g', '-O0']]) {
  const secs = sections(fs.readFileSync(buildC('trap', flags)));
  const parts = [];
  for (const name of order) {
    const s = secs.find((x) => x.name === name);
    // the first compilation units are enough and keep seeds small
    const p = s ? s.payload.subarray(0, 4000) : Buffer.alloc(0);
    parts.push(Buffer.from([p.length & 0xff, p.length >> 8]), p);
  }
  fs.writeFileSync(path.join(out, `trap${flags.join('')}.bin`), Buffer.concat(parts));
}
