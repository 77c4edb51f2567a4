'use strict';
// A structural check of a .cpuprofile against the DevTools protocol's
// Profiler.Profile type (Profile, ProfileNode, PositionTickInfo and
// Runtime.CallFrame in the protocol's js_protocol.json: field names,
// integer types, the root first, children and samples naming existing
// nodes): what Chrome DevTools, VS Code and speedscope need to load it.  Returns a list of problems (empty: valid).
function checkCpuProfile(p) {
  const errs = [];
  const isInt = (x) => Number.isInteger(x);
  if (!p || typeof p !== 'object') return ['not an object'];
  if (!Array.isArray(p.nodes) || !p.nodes.length) errs.push('nodes: a non-empty array');
  if (!isInt(p.startTime) || !isInt(p.endTime) || p.endTime < p.startTime) errs.push('startTime <= endTime, integers (µs)');
  // DevTools' Performance panel loads a profile starting at 0 but draws
  // nothing (test/profile/devtools-check.js, Chromium 156)
  if (p.startTime <= 0) errs.push('startTime: a real timestamp, not 0');
  if (!Array.isArray(p.samples) || !Array.isArray(p.timeDeltas) || p.samples.length !== p.timeDeltas.length) {
    errs.push('samples and timeDeltas: arrays of equal length');
  }
  const ids = new Map();
  for (const n of p.nodes || []) {
    if (!isInt(n.id) || ids.has(n.id)) errs.push(`node id ${n.id}: unique integer`);
    ids.set(n.id, n);
    const f = n.callFrame;
    if (!f || typeof f.functionName !== 'string' || typeof f.scriptId !== 'string' || typeof f.url !== 'string' ||
        !isInt(f.lineNumber) || !isInt(f.columnNumber)) errs.push(`node ${n.id}: callFrame {functionName, scriptId, url, lineNumber, columnNumber}`);
    if (n.hitCount !== undefined && (!isInt(n.hitCount) || n.hitCount < 0)) errs.push(`node ${n.id}: hitCount`);
    if (n.children !== undefined && !Array.isArray(n.children)) errs.push(`node ${n.id}: children`);
    for (const t of n.positionTicks || []) if (!isInt(t.line) || t.line < 1 || !isInt(t.ticks)) errs.push(`node ${n.id}: positionTicks`);
  }
  const parents = new Map();
  for (const n of p.nodes || []) {
    for (const c of n.children || []) {
      if (!ids.has(c)) errs.push(`node ${n.id}: child ${c} does not exist`);
      if (parents.has(c)) errs.push(`node ${c} has two parents`);
      parents.set(c, n.id);
    }
  }
  const roots = (p.nodes || []).filter((n) => !parents.has(n.id));
  if (roots.length !== 1) errs.push(`one root, found ${roots.length}`);
  else if (roots[0] !== p.nodes[0]) errs.push('the first node is the root');
  for (const s of p.samples || []) if (!ids.has(s)) { errs.push(`sample of unknown node ${s}`); break; }
  let t = p.startTime;
  for (const d of p.timeDeltas || []) {
    if (!isInt(d) || d < 0) { errs.push(`timeDelta ${d}: non-negative integer`); break; }
    t += d;
  }
  if (t > p.endTime) errs.push('samples after endTime');
  return errs;
}

module.exports = { checkCpuProfile };
