'use strict';
// Go function table (runtime.pclntab) of a GOOS=wasip1 GOARCH=wasm module:
// Go's wasm binaries carry no DWARF, but their data segments hold the
// table the Go runtime uses for its own tracebacks.  This finds it and
// maps each wasm function to its Go name, file and starting line.
//
// Layout (Go 1.20+, runtime/symtab.go): a pcHeader (magic 0xfffffff1,
// minLC 1, ptrSize 8 on wasm) with offsets of the name, CU, file, pc-value
// and function tables; functab pairs (entryOff, funcOff); each _func
// starts entryOff, nameOff, args, deferreturn, pcsp, pcfile, pcln, npcdata,
// cuOffset, startLine.  Go's wasm linker numbers functions as
// PC = (0x1000 + defined function index) << 16 (cmd/link/internal/wasm).
// Lines inside a function are not mapped: Go's wasm PCs step per resume
// point (PC_B), which a sample of the interpreter does not see.

const FUNC_VALUE_OFFSET = 0x1000;

function readUleb(b, p) {
  let n = 0, mul = 1, c;
  do {
    if (p >= b.length) throw new Error('truncated');
    c = b[p++];
    n += (c & 0x7f) * mul;
    mul *= 128;
  } while (c & 0x80);
  return [n, p];
}
function readSleb32(b, p) {
  let n = 0, shift = 0, c;
  do {
    c = b[p++];
    n |= (c & 0x7f) << shift;
    shift += 7;
  } while (c & 0x80 && shift < 35);
  if (shift < 32 && c & 0x40) n |= -1 << shift;
  return [n, p];
}

// Imported function count and active data segments {addr, bytes}.
function scan(bytes) {
  const out = { funcImports: 0, segments: [] };
  let p = 8;
  while (p < bytes.length) {
    const id = bytes[p++];
    let size;
    [size, p] = readUleb(bytes, p);
    const end = p + size;
    if (id === 2) {
      let n, q = p;
      [n, q] = readUleb(bytes, q);
      for (let i = 0; i < n; i++) {
        let l;
        [l, q] = readUleb(bytes, q); q += l;
        [l, q] = readUleb(bytes, q); q += l;
        const kind = bytes[q++];
        if (kind === 0) { out.funcImports++; [, q] = readUleb(bytes, q); }
        else if (kind === 1) { q++; const f = bytes[q++]; [, q] = readUleb(bytes, q); if (f & 1) [, q] = readUleb(bytes, q); }
        else if (kind === 2) { const f = bytes[q++]; [, q] = readUleb(bytes, q); if (f & 1) [, q] = readUleb(bytes, q); }
        else if (kind === 3) { q += 2; }
      }
    } else if (id === 11) {
      let n, q = p;
      [n, q] = readUleb(bytes, q);
      for (let i = 0; i < n; i++) {
        let flags;
        [flags, q] = readUleb(bytes, q);
        let addr = null;
        if (flags === 0 || flags === 2) {
          if (flags === 2) [, q] = readUleb(bytes, q);
          if (bytes[q] !== 0x41) return out; // only i32.const offsets
          [addr, q] = readSleb32(bytes, q + 1);
          if (bytes[q++] !== 0x0b) return out;
        }
        let len;
        [len, q] = readUleb(bytes, q);
        if (addr !== null) out.segments.push({ addr: addr >>> 0, bytes: bytes.subarray(q, q + len) });
        q += len;
      }
    }
    p = end;
  }
  return out;
}

// Linear memory as the data segments initialise it.  Go's linker leaves
// runs of zero bytes out of its segments (thousands of them), so a read
// may span a gap: gaps read as zero.
class Mem {
  constructor(segments) {
    this.segs = segments.slice().sort((a, b) => a.addr - b.addr);
    this.last = null;
  }
  byte(a) {
    const l = this.last;
    if (l && a >= l.addr && a < l.addr + l.bytes.length) return l.bytes[a - l.addr];
    let lo = 0, hi = this.segs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.segs[mid].addr <= a) lo = mid + 1; else hi = mid;
    }
    const s = this.segs[lo - 1];
    if (!s || a >= s.addr + s.bytes.length) return 0;
    this.last = s;
    return s.bytes[a - s.addr];
  }
  u8(a) { return this.byte(a); }
  u32(a) { return (this.byte(a) | this.byte(a + 1) << 8 | this.byte(a + 2) << 16 | this.byte(a + 3) << 24) >>> 0; }
  i32(a) { return this.u32(a) | 0; }
  u64(a) { return this.u32(a) + this.u32(a + 4) * 2 ** 32; }
  cstr(a) {
    const out = [];
    for (let i = 0; i < 4096; i++) {
      const c = this.byte(a + i);
      if (!c) break;
      out.push(c);
    }
    return Buffer.from(out).toString('latin1');
  }
  // pc-value table: the first value (the one at the function's entry)
  firstValue(a) {
    let n = 0, shift = 0, c, p = a;
    do { c = this.byte(p++); n += (c & 0x7f) * 2 ** shift; shift += 7; } while (c & 0x80 && shift < 50);
    const delta = n % 2 ? -(n + 1) / 2 : n / 2; // zig-zag
    return -1 + delta;
  }
}

const MAGIC = Buffer.from([0xf1, 0xff, 0xff, 0xff, 0, 0, 1, 8]);

// -> Map(wasm function index -> { name, file, line }) or null.
function goFunctions(bytes) {
  bytes = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8) return null;
  let info;
  try { info = scan(bytes); } catch (_) { return null; }
  const mem = new Mem(info.segments);
  for (const s of info.segments) {
    let at = s.bytes.indexOf(MAGIC);
    while (at >= 0) {
      try {
        const table = read(mem, s.addr + at, info.funcImports);
        if (table && table.size) return table;
      } catch (_) { /* not the header after all: keep looking */ }
      at = s.bytes.indexOf(MAGIC, at + 1);
    }
  }
  return null;
}

function read(mem, h, funcImports) {
  const nfunc = mem.u64(h + 8);
  const textStart = mem.u64(h + 24);
  const funcname = h + mem.u64(h + 32);
  const cutab = h + mem.u64(h + 40);
  const filetab = h + mem.u64(h + 48);
  const pctab = h + mem.u64(h + 56);
  const pcln = h + mem.u64(h + 64);
  if (nfunc <= 0 || nfunc > 1e7) return null;
  const out = new Map();
  for (let i = 0; i < nfunc; i++) {
    const entryOff = mem.u32(pcln + 8 * i);
    const funcOff = mem.u32(pcln + 8 * i + 4);
    const f = pcln + funcOff;
    const name = mem.cstr(funcname + mem.i32(f + 4));
    const pcfile = mem.u32(f + 20);
    const cuOffset = mem.u32(f + 32);
    const startLine = mem.i32(f + 36);
    let file = null;
    if (pcfile) {
      const fileno = mem.firstValue(pctab + pcfile);
      if (fileno !== null && fileno >= 0) {
        const off = mem.u32(cutab + 4 * (cuOffset + fileno));
        if (off !== 0xffffffff) file = mem.cstr(filetab + off);
      }
    }
    // the table stores PC_F (PC >> 16) for wasm; a full PC is accepted too
    const v = textStart + entryOff;
    const pcF = v >= 2 ** 28 ? Math.floor(v / 65536) : v;
    const index = funcImports + pcF - FUNC_VALUE_OFFSET;
    if (index >= funcImports) out.set(index, { name, file, line: startLine });
  }
  return out;
}

module.exports = { goFunctions };
