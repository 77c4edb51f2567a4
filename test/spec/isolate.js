'use strict';
// Runs one spec json file in a child process, so an engine crash (SIGSEGV,
// abort) or a hang (a broken branch looping forever in native code, which
// nothing in-process can interrupt) costs that file, not the whole run.
//
// The child appends one JSON line per finished command to a temp file with
// fs.writeSync, so everything before a crash is kept; the command after the
// last recorded one is blamed for the crash, the rest are "not run" failures.
//
// Child: node isolate.js <engine> <projectRoot> <dir> <file> <outPath>

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const runner = require('./runner.js');

function childMain(argv) {
  const [engineName, root, dir, file, outPath] = argv;
  const fd = fs.openSync(outPath, 'a');
  const put = (obj) => fs.writeSync(fd, `${JSON.stringify(obj)}\n`);
  let engine;
  try {
    engine = runner.loadEngine(engineName, root);
  } catch (e) {
    put({ fatal: `cannot load engine ${engineName}: ${e && e.stack || e}` });
    fs.closeSync(fd);
    return;
  }
  const notes = runner.runCommands(engine, dir, file, (r) => put({ r }));
  put({ done: true, notes });
  fs.closeSync(fd);
}

let seq = 0;

// Resolves to the same summary shape as runner.runFile.
function runFileIsolated(engineName, root, dir, file, { timeoutMs = 120000 } = {}) {
  const t0 = process.hrtime.bigint();
  const commands = runner.readCommands(dir, file);
  const outPath = path.join(os.tmpdir(), `wasihost-spec-${process.pid}-${seq++}.jsonl`);
  fs.writeFileSync(outPath, '');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [__filename, engineName, root, dir, file, outPath], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => { if (stderr.length < 4000) stderr += d; });
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let lines = [];
      try { lines = fs.readFileSync(outPath, 'utf8').split('\n').filter(Boolean); } catch { /* none */ }
      try { fs.unlinkSync(outPath); } catch { /* gone */ }
      const results = [];
      let notes = [];
      let done = false;
      let fatal = null;
      for (const line of lines) {
        let o;
        try { o = JSON.parse(line); } catch { continue; } // torn last line
        if (o.r) results.push(o.r);
        else if (o.done) { done = true; notes = o.notes || []; }
        else if (o.fatal) fatal = o.fatal;
      }
      if (!done) {
        const how = fatal || (timedOut ? `timed out after ${timeoutMs / 1000}s`
          : `child exited with ${signal ? `signal ${signal}` : `code ${code}`}`);
        // The head names the failure (V8's "Check failed", Node's "FATAL
        // ERROR"), the tail where it was; a native stack is long.
        const lines = stderr.trim().split('\n');
        const tail = (lines.length > 8 ? [...lines.slice(0, 4), '...', ...lines.slice(-3)] : lines).join(' | ');
        const first = results.length;
        if (first < commands.length) notes.push(`aborted at line ${commands[first].line}: ${how}`);
        else notes.push(`exited early after the last command: ${how}`);
        let blamed = false;
        commands.slice(first).forEach((cmd, i) => {
          const base = {
            index: first + i, line: cmd.line, type: cmd.type,
            name: cmd.action ? cmd.action.field : (cmd.name || cmd.filename || ''),
          };
          const skip = runner.skipReason(file, cmd, { raw: engineName === 'wasihost' }, dir);
          if (skip) { results.push({ ...base, status: 'skip', reason: skip }); return; }
          const reason = blamed ? 'not run (file aborted)' : `${how}${tail ? `: ${tail}` : ''}`;
          blamed = true;
          results.push({ ...base, status: 'fail', reason });
        });
      }
      if (done && (signal || code !== 0)) {
        results.push({
          index: commands.length, line: 0, type: 'teardown', name: file, status: 'fail',
          reason: `child ${signal ? `died of ${signal}` : `exited with code ${code}`} after the last command`,
        });
      }
      resolve(runner.summarize(file, results, notes, Number(process.hrtime.bigint() - t0) / 1e6));
    });
  });
}

if (require.main === module) childMain(process.argv.slice(2));

module.exports = { runFileIsolated };
