'use strict';
// Chrome's .cpuprofile (the Profiler.Profile object of the DevTools
// protocol): a call tree of nodes { id, callFrame, hitCount, children,
// positionTicks }, with samples (leaf node ids) and timeDeltas (µs).
// A sample of weight w becomes w samples one interval apart.  Exact
// profiles have no timeline: each function is a child of the root whose
// hitCount is its work count.

function callFrame(p, fnId) {
  const f = p.functions[fnId - 1];
  return {
    functionName: f.name,
    scriptId: '0',
    url: f.file ? (f.file.startsWith('/') ? `file://${f.file}` : f.file) : '',
    lineNumber: f.startLine ? f.startLine - 1 : -1,   // 0-based in the protocol
    columnNumber: f.startLine ? 0 : -1,
  };
}

function toCpuProfile(p) {
  const nodes = [{ id: 1, callFrame: { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 }, hitCount: 0, children: [] }];
  const childIndex = [new Map()];
  const child = (parent, fnId) => {
    const m = childIndex[parent - 1];
    let id = m.get(fnId);
    if (id === undefined) {
      id = nodes.length + 1;
      nodes.push({ id, callFrame: callFrame(p, fnId), hitCount: 0, children: [] });
      childIndex.push(new Map());
      nodes[parent - 1].children.push(id);
      m.set(fnId, id);
    }
    return id;
  };
  const samples = [], timeDeltas = [];
  // a real start: DevTools' Performance panel draws an empty track for a
  // profile whose startTime is 0 (checked in headless Chromium 156)
  const startTime = Math.max(1, p.startTimeUs || 0);
  let last = startTime;
  const weightIndex = p.sampleTypes.length - 1;
  for (const s of p.samples) {
    let node = 1, leafLine = 0;
    // root first: outermost location, and within it the caller before
    // the functions inlined into it
    for (let k = s.locationIds.length - 1; k >= 0; k--) {
      const loc = p.locations[s.locationIds[k] - 1];
      for (let j = loc.lines.length - 1; j >= 0; j--) {
        node = child(node, loc.lines[j].functionId);
        leafLine = loc.lines[j].line;
      }
    }
    const n = nodes[node - 1];
    if (p.mode === 'exact') {
      n.hitCount += s.values[weightIndex];
      continue;
    }
    const w = s.values[0];
    n.hitCount += w;
    if (leafLine) {
      n.positionTicks = n.positionTicks || [];
      const t = n.positionTicks.find((x) => x.line === leafLine);
      if (t) t.ticks += w; else n.positionTicks.push({ line: leafLine, ticks: w });
    }
    // the sample is taken at the end of its ticks
    const end = Math.max(last, startTime + s.timeUs);
    const first = Math.max(last, end - (w - 1) * p.intervalUs);
    for (let i = 0; i < w; i++) {
      const t = i === 0 ? first : Math.min(end, first + i * p.intervalUs);
      samples.push(node);
      timeDeltas.push(t - last);
      last = t;
    }
  }
  for (const n of nodes) if (!n.children.length) delete n.children;
  return { nodes, startTime, endTime: Math.max(last, startTime + p.durationUs), samples, timeDeltas };
}

module.exports = { toCpuProfile };
