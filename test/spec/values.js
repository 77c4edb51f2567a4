'use strict';
// wast2json values <-> engine values, and the assert_return comparison.
//
// wast2json writes every number as the unsigned decimal of its bit pattern
// ("4294967295" is i32 -1, "2143289344" is f32 NaN) and NaN expectations as
// "nan:canonical" / "nan:arithmetic". Two ways to talk to an engine:
// - raw (engine.internals present, i.e. wasihost): bit patterns go in and
//   come out as BigInt, so NaN payloads and signs are checked exactly;
// - js (plain WebAssembly JS API, i.e. V8): numbers go through JS Numbers,
//   which cannot carry a NaN payload, so NaN expectations only check NaN-ness.
// Every actual value is normalised to { type, bits } (numbers, BigInt bit
// pattern) or { type, ref } (references) before comparing.

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);
const F64 = new Float64Array(1);
const U64 = new BigUint64Array(F64.buffer);

const NUM = new Set(['i32', 'i64', 'f32', 'f64']);
const REF = new Set(['funcref', 'externref']);
// 3.0 scripts: null references of the bottom types, and `refnull`, a null
// of any reference type (typed function references)
const NULLREF = new Set(['nullfuncref', 'nullexternref', 'refnull']);
for (const t of NULLREF) REF.add(t);

// One stable JS object per externref number (the reference interpreter's
// `ref.extern N`), so identity survives a round trip through the engine.
const externs = new Map();
function externref(n) {
  const key = String(n);
  let o = externs.get(key);
  if (!o) { o = Object.freeze({ externref: key }); externs.set(key, o); }
  return o;
}

function refArg(v) {
  if (v.value === 'null' || NULLREF.has(v.type)) return null;
  if (v.type === 'externref') return externref(v.value);
  throw new Error(`unsupported ${v.type} argument ${v.value}`);
}

// Argument for the plain JS API.
function jsArg(v) {
  switch (v.type) {
    case 'i32': return Number(BigInt.asIntN(32, BigInt(v.value)));
    case 'i64': return BigInt.asIntN(64, BigInt(v.value));
    case 'f32': U32[0] = Number(v.value); return F32[0];
    case 'f64': U64[0] = BigInt(v.value); return F64[0];
    default:
      if (REF.has(v.type)) return refArg(v);
      throw new Error(`unsupported argument type ${v.type}`);
  }
}

// v128 values: wast2json gives { lane_type, value: [lane, ...] } with each
// lane the unsigned decimal of its bits (or a NaN expectation); the engine
// takes and returns the 128-bit pattern as one BigInt, lane 0 lowest.
const LANE_BITS = { i8: 8, i16: 16, i32: 32, i64: 64, f32: 32, f64: 64 };

function v128Bits(v) {
  const w = LANE_BITS[v.lane_type];
  if (!w || !Array.isArray(v.value) || v.value.length * w !== 128) {
    throw new Error(`malformed v128 value ${JSON.stringify(v)}`);
  }
  let bits = 0n;
  v.value.forEach((lane, i) => { bits |= BigInt.asUintN(w, BigInt(lane)) << BigInt(i * w); });
  return bits;
}

function laneOf(bits, w, i) {
  return (bits >> BigInt(i * w)) & ((1n << BigInt(w)) - 1n);
}

// Argument for internals.callRaw: the bit pattern as BigInt.
function rawArg(v) {
  // (wasm-tools' json of the 3.0 suite writes integers signed)
  if (NUM.has(v.type)) return BigInt.asUintN(WIDTH[v.type], BigInt(v.value));
  if (v.type === 'v128') return v128Bits(v);
  if (REF.has(v.type)) return refArg(v);
  throw new Error(`unsupported argument type ${v.type}`);
}

function toBig(x) {
  if (typeof x === 'bigint') return x;
  if (typeof x === 'number' && Number.isInteger(x)) return BigInt(x);
  throw new Error(`raw value is not an integer bit pattern: ${String(x)}`);
}

const WIDTH = { i32: 32, f32: 32, i64: 64, f64: 64 };

// Normalise a result the plain JS API returned for a value of `type`.
function fromJs(type, x) {
  switch (type) {
    case 'i32':
      if (typeof x !== 'number') throw new Error(`i32 result is ${typeof x}`);
      return { type, bits: BigInt.asUintN(32, BigInt(x)) };
    case 'i64':
      if (typeof x !== 'bigint') throw new Error(`i64 result is ${typeof x}`);
      return { type, bits: BigInt.asUintN(64, x) };
    case 'f32':
      if (typeof x !== 'number') throw new Error(`f32 result is ${typeof x}`);
      F32[0] = x; return { type, bits: BigInt(U32[0]) };
    case 'f64':
      if (typeof x !== 'number') throw new Error(`f64 result is ${typeof x}`);
      F64[0] = x; return { type, bits: U64[0] };
    default:
      return { type, ref: x };
  }
}

// Normalise a result internals.callRaw / globalRaw returned.
function fromRaw(type, x) {
  if (WIDTH[type]) return { type, bits: BigInt.asUintN(WIDTH[type], toBig(x)) };
  if (type === 'v128') return { type, bits: BigInt.asUintN(128, toBig(x)) };
  return { type, ref: x };
}

function isNaNBits(type, bits) {
  if (type === 'f32') return (bits & 0x7f800000n) === 0x7f800000n && (bits & 0x7fffffn) !== 0n;
  if (type === 'f64') {
    return (bits & 0x7ff0000000000000n) === 0x7ff0000000000000n && (bits & 0xfffffffffffffn) !== 0n;
  }
  return false;
}

const CANONICAL = { f32: 0x7fc00000n, f64: 0x7ff8000000000000n };
const QUIET = { f32: 0x00400000n, f64: 0x0008000000000000n };
const ABS = { f32: 0x7fffffffn, f64: 0x7fffffffffffffffn };

// Does the normalised `actual` satisfy the json expectation `exp`?
// exactNaN: compare NaN bit patterns (raw mode); otherwise NaN-ness only.
function matches(exp, actual, exactNaN) {
  // 3.0 scripts: any one of several results (relaxed SIMD)
  if (exp.type === 'either') return exp.values.some((v) => matches(v, actual, exactNaN));
  if (!actual || actual.type !== exp.type) return false;
  const t = exp.type;
  if (REF.has(t)) {
    const r = actual.ref;
    if (NULLREF.has(t)) return r === null;
    if (exp.value === undefined) return true;
    if (exp.value === 'null') return r === null;
    if (t === 'funcref') return typeof r === 'function';
    return r === externref(exp.value);
  }
  if (t === 'v128') {
    if (exp.value === undefined) return true;
    const w = LANE_BITS[exp.lane_type];
    const ft = exp.lane_type === 'f32' || exp.lane_type === 'f64' ? exp.lane_type : null;
    return exp.value.every((lane, i) => {
      const got = laneOf(actual.bits, w, i);
      if (ft) return matches({ type: ft, value: lane }, { type: ft, bits: got }, exactNaN);
      return got === BigInt.asUintN(w, BigInt(lane));
    });
  }
  if (!WIDTH[t]) return false;
  const bits = actual.bits;
  if (exp.value === undefined) return true;
  if (exp.value === 'nan:canonical' || exp.value === 'nan:arithmetic') {
    if (!isNaNBits(t, bits)) return false;
    if (!exactNaN) return true;
    if (exp.value === 'nan:canonical') return (bits & ABS[t]) === CANONICAL[t];
    return (bits & QUIET[t]) !== 0n;
  }
  const want = BigInt.asUintN(WIDTH[t], BigInt(exp.value));
  if (!exactNaN && isNaNBits(t, want)) return isNaNBits(t, bits);
  return bits === want;
}

function floatOf(type, bits) {
  if (type === 'f32') { U32[0] = Number(bits); return F32[0]; }
  U64[0] = bits; return F64[0];
}

function showNumber(type, bits) {
  if (type === 'i32' || type === 'i64') {
    const signed = BigInt.asIntN(WIDTH[type], bits);
    return signed < 0n ? `${type}:${bits} (${signed})` : `${type}:${bits}`;
  }
  const f = floatOf(type, bits);
  const shown = Object.is(f, -0) ? '-0' : String(f);
  return `${type}:0x${bits.toString(16)} (${shown})`;
}

// Human text of a json value (expected or argument).
function showV128(laneType, lanes) {
  return `v128:${laneType}[${lanes.join(' ')}]`;
}

function showExpected(v) {
  if (v.type === 'either') return `either(${v.values.map(showExpected).join(' | ')})`;
  if (v.value === undefined) return `${v.type}:any`;
  if (v.type === 'v128') return showV128(v.lane_type, v.value);
  if (REF.has(v.type)) return `${v.type}:${v.value}`;
  if (String(v.value).startsWith('nan:')) return `${v.type}:${v.value}`;
  if (!WIDTH[v.type]) return `${v.type}:${JSON.stringify(v.value)}`;
  return showNumber(v.type, BigInt.asUintN(WIDTH[v.type], BigInt(v.value)));
}

function showActual(a) {
  if (a.type === 'v128') {
    const lanes = [];
    for (let i = 0; i < 4; i++) lanes.push(`0x${laneOf(a.bits, 32, i).toString(16)}`);
    return showV128('i32', lanes);
  }
  if (a.bits !== undefined) return showNumber(a.type, a.bits);
  const r = a.ref;
  if (r === null) return `${a.type}:null`;
  if (r === undefined) return `${a.type}:undefined`;
  if (typeof r === 'function') return `${a.type}:function`;
  if (r && typeof r === 'object' && 'externref' in r) return `${a.type}:${r.externref}`;
  return `${a.type}:${typeof r}`;
}

function usesV128(cmd) {
  const vals = [...(cmd.action && cmd.action.args || []), ...(cmd.expected || [])];
  return vals.some((v) => v.type === 'v128' || (v.type === 'either' && v.values.some((x) => x.type === 'v128')));
}

// The family a result type of the engine (funcType) or of a script
// belongs to: typed references (3.0) come back as `(ref func)`,
// `nullexternref`, ... where a script says funcref / externref / refnull.
function refFamily(t) {
  if (/^(funcref|nullfuncref|\(ref (null )?(func|nofunc|\$type)\))$/.test(t)) return 'func';
  if (/^(externref|nullexternref|\(ref (null )?(extern|noextern)\))$/.test(t)) return 'extern';
  return null;
}

function resultTypeMatches(got, want) {
  if (got === want) return true;
  const f = refFamily(got);
  if (!f) return false;
  return want === 'refnull' || refFamily(want) === f;
}

module.exports = {
  refFamily, resultTypeMatches,
  externref, jsArg, rawArg, fromJs, fromRaw, matches, showExpected, showActual, usesV128,
};
