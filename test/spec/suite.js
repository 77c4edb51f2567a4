'use strict';
// Runs a list of spec json files on an engine, in this process or one child
// process per file (isolate), and hands each file's summary to onFile.

const runner = require('./runner.js');
const { runFileIsolated } = require('./isolate.js');

// opts: { engine: 'v8'|'wasihost', root, dir, files, isolate, timeoutMs,
// budgetMs }. Files not started within budgetMs fail as "not run", so a
// run of hangs still ends (and reports) before an outer tap timeout.
// Throws if the engine cannot be loaded.
async function runSuite(opts, onFile) {
  const { root, dir, files } = opts;
  // Loading here too in isolated mode makes a missing engine one clear error
  // instead of every file failing in its child.
  const loaded = runner.loadEngine(opts.engine, root);
  const engine = opts.isolate ? null : loaded;
  const summaries = [];
  const t0 = Date.now();
  for (const file of files) {
    let s;
    if (opts.budgetMs && Date.now() - t0 > opts.budgetMs) s = notRun(dir, file, opts.budgetMs, loaded);
    else if (engine) s = runner.runFile(engine, dir, file);
    else s = await runFileIsolated(opts.engine, root, dir, file, { timeoutMs: opts.timeoutMs });
    summaries.push(s);
    if (onFile) await onFile(s);
  }
  return summaries;
}

function notRun(dir, file, budgetMs, engine) {
  const results = runner.readCommands(dir, file).map((cmd, index) => ({
    index, line: cmd.line, type: cmd.type, name: cmd.action ? cmd.action.field : (cmd.name || cmd.filename || ''),
    ...(runner.skipReason(file, cmd, engine, dir)
      ? { status: 'skip', reason: runner.skipReason(file, cmd, engine, dir) }
      : { status: 'fail', reason: 'not run (time budget)' }),
  }));
  return runner.summarize(file, results, [`not run: the suite's ${budgetMs / 1000} s budget was spent`]);
}

function totals(summaries) {
  const t = { files: summaries.length, commands: 0, passed: 0, failed: 0, skipped: 0, ms: 0 };
  for (const s of summaries) {
    t.commands += s.commands; t.passed += s.passed; t.failed += s.failed; t.skipped += s.skipped; t.ms += s.ms;
  }
  return t;
}

module.exports = { runSuite, totals };
