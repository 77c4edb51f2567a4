'use strict';
// pprof's profile.proto (github.com/google/pprof/proto/profile.proto),
// gzipped, as `go tool pprof` reads it.  Only the fields used here:
//   Profile: 1 sample_type, 2 sample, 3 mapping, 4 location, 5 function,
//            6 string_table, 9 time_nanos, 10 duration_nanos,
//            11 period_type, 12 period
//   Sample: 1 location_id (leaf first), 2 value
//   Location: 1 id, 2 mapping_id, 3 address, 4 line (innermost first)
//   Line: 1 function_id, 2 line, 3 column
//   Function: 1 id, 2 name, 3 system_name, 4 filename, 5 start_line
const zlib = require('zlib');

class Writer {
  constructor() { this.parts = []; this.len = 0; }
  bytes(b) { this.parts.push(b); this.len += b.length; }
  varint(n) {
    // n: a non-negative integer (Number up to 2^53, or BigInt)
    let v = BigInt(n);
    if (v < 0n) v = BigInt.asUintN(64, v);
    const out = [];
    do {
      let b = Number(v & 0x7fn);
      v >>= 7n;
      if (v) b |= 0x80;
      out.push(b);
    } while (v);
    this.bytes(Buffer.from(out));
  }
  tag(field, wire) { this.varint(field * 8 + wire); }
  uint(field, n) { if (n) { this.tag(field, 0); this.varint(n); } }
  message(field, fill) {
    const w = new Writer();
    fill(w);
    this.tag(field, 2);
    this.varint(w.len);
    for (const b of w.parts) this.bytes(b);
  }
  string(field, s) { const b = Buffer.from(s, 'utf8'); this.tag(field, 2); this.varint(b.length); this.bytes(b); }
  packed(field, nums) {
    const w = new Writer();
    for (const n of nums) w.varint(n);
    this.tag(field, 2);
    this.varint(w.len);
    for (const b of w.parts) this.bytes(b);
  }
  buffer() { return Buffer.concat(this.parts, this.len); }
}

function toPprof(p) {
  const strings = [''];
  const index = new Map([['', 0]]);
  const str = (s) => {
    if (s === null || s === undefined) s = '';
    let i = index.get(s);
    if (i === undefined) { i = strings.length; strings.push(s); index.set(s, i); }
    return i;
  };
  const w = new Writer();
  for (const [type, unit] of p.sampleTypes) w.message(1, (m) => { m.uint(1, str(type)); m.uint(2, str(unit)); });
  for (const s of p.samples) {
    w.message(2, (m) => {
      m.packed(1, s.locationIds);
      m.packed(2, s.values.map((v) => Math.round(v)));
    });
  }
  w.message(3, (m) => {
    m.uint(1, 1);
    m.uint(5, str('wasm'));
    m.uint(7, 1); m.uint(8, 1); m.uint(9, 1); m.uint(10, 1);
  });
  for (const loc of p.locations) {
    w.message(4, (m) => {
      m.uint(1, loc.id);
      m.uint(2, 1);
      m.uint(3, loc.address);
      for (const l of loc.lines) {
        m.message(4, (lm) => { lm.uint(1, l.functionId); lm.uint(2, l.line); lm.uint(3, l.column); });
      }
    });
  }
  for (const f of p.functions) {
    w.message(5, (m) => {
      m.uint(1, f.id);
      m.uint(2, str(f.name));
      m.uint(3, str(f.name));
      m.uint(4, str(f.file));
      m.uint(5, f.startLine);
    });
  }
  const nowNs = BigInt(Date.now()) * 1000000n;
  const durNs = BigInt(Math.round(p.durationUs)) * 1000n;
  // the strings last: every str() call above has happened
  const tail = new Writer();
  tail.uint(9, nowNs - durNs);
  tail.uint(10, durNs);
  if (p.mode === 'sample') {
    tail.message(11, (m) => { m.uint(1, str('cpu')); m.uint(2, str('nanoseconds')); });
    tail.uint(12, p.intervalUs * 1000);
  }
  for (const s of strings) w.string(6, s);
  for (const b of tail.parts) w.bytes(b);
  return zlib.gzipSync(w.buffer());
}

module.exports = { toPprof };
