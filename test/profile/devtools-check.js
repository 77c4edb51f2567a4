'use strict';
// Loads a .cpuprofile written by wasihost into Chrome DevTools' Performance
// panel, in headless Chromium, and takes a screenshot (not part of npm test:
// needs Debian's chromium package).
//   node test/profile/devtools-check.js FILE.cpuprofile OUT.png
// The DevTools frontend is the one bundled in Chromium, served by its
// remote-debugging server at /devtools/devtools_app.html; the profile goes
// through TimelinePanel.loadFromFile, the code behind the panel's "Load
// profile" button.  Exits non-zero if the panel does not finish loading it,
// logs an error while doing so, or its Summary shows no time range (as it
// did for profiles starting at 0).
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const WebSocket = require('ws');

const [file, png] = process.argv.slice(2);
if (!file || !png) { console.error('usage: devtools-check.js FILE.cpuprofile OUT.png'); process.exit(2); }
const port = 9300 + (process.pid % 500);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wh-chrome-'));
const chrome = spawn('chromium', ['--headless=new', '--no-sandbox', '--disable-gpu', `--remote-debugging-port=${port}`,
  '--window-size=1600,1000', `--user-data-dir=${dataDir}`, 'about:blank'], { stdio: 'ignore' });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function json(p, method = 'GET') {
  for (let i = 0; i < 50; i++) {
    try { const r = await fetch(`http://127.0.0.1:${port}${p}`, { method }); return await r.json(); } catch (_) { await sleep(200); }
  }
  throw new Error('chromium did not come up');
}

async function main() {
  const target = await json(`/json/new?about:blank`, 'PUT');
  const ws = new WebSocket(target.webSocketDebuggerUrl, { perMessageDeflate: false });
  await new Promise((r, j) => { ws.once('open', r); ws.once('error', j); });
  let id = 0;
  const pending = new Map(), errors = [];
  ws.on('message', (m) => {
    const msg = JSON.parse(m);
    if (msg.id && pending.has(msg.id)) { pending.get(msg.id)(msg); pending.delete(msg.id); }
    if (msg.method === 'Runtime.exceptionThrown') errors.push(msg.params.exceptionDetails.exception?.description || msg.params.exceptionDetails.text);
    if (msg.method === 'Runtime.consoleAPICalled' && msg.params.type === 'error') errors.push(msg.params.args.map((a) => a.value ?? a.description).join(' '));
  });
  const send = (method, params = {}) => new Promise((r) => { const i = ++id; pending.set(i, r); ws.send(JSON.stringify({ id: i, method, params })); });
  const evaluate = async (expression) => {
    const r = await send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
    if (r.result.exceptionDetails) throw new Error(`${expression.slice(0, 80)}: ${r.result.exceptionDetails.exception?.description}`);
    return r.result.result.value;
  };
  await send('Runtime.enable');
  await send('Page.enable');
  await send('Page.navigate', { url: `http://127.0.0.1:${port}/devtools/devtools_app.html` });
  await sleep(4000);
  errors.length = 0; // the frontend complains that it has no target to inspect: not ours
  const text = fs.readFileSync(file, 'utf8');
  await evaluate(`(async () => {
    const UI = await import('./ui/legacy/legacy.js');
    await UI.ViewManager.ViewManager.instance().showView('timeline');
    const T = await import('./panels/timeline/timeline.js');
    const panel = T.TimelinePanel.TimelinePanel.instance();
    await panel.loadFromFile(new File([${JSON.stringify(text)}], ${JSON.stringify(path.basename(file))}));
  })()`);
  let state = '';
  for (let i = 0; i < 40 && state !== 'Idle+loaded'; i++) {
    await sleep(500);
    state = await evaluate(`(async () => {
      const T = await import('./panels/timeline/timeline.js');
      const p = T.TimelinePanel.TimelinePanel.instance();
      return p.state + (p.getFlameChart?.() && document.body.innerText.includes('Load profile') ? '' : '+loaded');
    })()`);
  }
  // the first-visit hint over the flame chart
  for (const type of ['keyDown', 'keyUp']) await send('Input.dispatchKeyEvent', { type, key: 'Escape', code: 'Escape', windowsVirtualKeyCode: 27 });
  await sleep(1500);
  // the Summary tab's time range (in the panels' shadow DOM): a profile the
  // panel could not place in time shows "Range: - - -" (and a negative total)
  const summary = await evaluate(`(() => {
    const parts = [];
    const walk = (n) => { if (n.shadowRoot) walk(n.shadowRoot); for (const c of n.children || []) walk(c);
      if (n.nodeType === 1 && !n.children.length && n.textContent && !['STYLE', 'SCRIPT'].includes(n.tagName)) parts.push(n.textContent.trim()); };
    walk(document.body);
    return parts.join(' ');
  })()`);
  const range = /Range:\s*([\d.,]+)\s*(ms|s)\s*[–-]\s*([\d.,]+)\s*(ms|s)/.exec(summary);
  const toMs = (v, u) => parseFloat(v.replace(/,/g, '')) * (u === 's' ? 1000 : 1);
  const drawn = range && toMs(range[3], range[4]) > toMs(range[1], range[2]);
  const shot = await send('Page.captureScreenshot', { format: 'png' });
  fs.writeFileSync(png, Buffer.from(shot.result.data, 'base64'));
  ws.close();
  console.log(`panel state: ${state}; summary range: ${range ? range[0].replace(/\s+/g, ' ') : 'none'}; errors: ${errors.length ? errors.join(' | ') : 'none'}; screenshot ${png}`);
  return errors.length === 0 && state.startsWith('Idle') && drawn ? 0 : 1;
}

main().then((rc) => { chrome.kill(); setTimeout(() => fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 }), 500); setTimeout(() => process.exit(rc), 1000); },
  (e) => { console.error(e); chrome.kill(); setTimeout(() => fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 }), 500); setTimeout(() => process.exit(1), 1000); });
