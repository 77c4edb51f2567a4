'use strict';
// A complete plugin host in one file:  node examples/plugin-host/host.js
//
// Untrusted plugins (plugin.c beside this file, compiled to plugin.wasm)
// take a string and return a string.  The host gives each plugin instance
//   - a wall-clock timeout per call and a memory cap,
//   - a queue, so that concurrent callers are served one at a time in order,
//   - an async host function (host.lookup): the plugin calls it like any
//     import, the host answers with a Promise (here a pretend database), and
//     the plugin's thread waits while Node's event loop goes on,
// and replaces an instance that trapped or was stopped with a fresh one
// (its memory may be inconsistent after a trap), compiling the module once.
//
// In an application: require('wasihost') instead of the path below.
const path = require('path');
const fs = require('fs');
const { Module, Instance, RuntimeError } = require(path.join(__dirname, '..', '..', 'lib'));

class PluginHost {
  #module;
  #instance = null;
  #options;

  constructor(file, { timeout = 500, maxMemory = 16 << 20, settings = {} } = {}) {
    this.#module = new Module(fs.readFileSync(file));
    this.#options = { timeout, maxMemory, settings };
  }

  #fresh() {
    const { maxMemory, settings } = this.#options;
    let instance;
    const imports = {
      host: {
        // lookup(keyPtr, keyLen, outPtr, cap) -> length or -1, answered
        // asynchronously: the guest waits until the Promise settles.
        async lookup(keyPtr, keyLen, outPtr, cap) {
          const memory = instance.exports.memory;
          const key = memory.readString(keyPtr, keyLen);
          const value = await pretendDatabase(settings, key);
          if (value === undefined) return -1;
          return memory.write(outPtr, value, cap);
        },
      },
    };
    // queue: concurrent calls wait their turn instead of "instance is busy"
    instance = new Instance(this.#module, imports, { maxMemory, queue: 100 });
    instance.exports._initialize(); // a reactor's constructors
    return instance;
  }

  // fn(input: string) -> Promise<string>
  async call(fn, input) {
    if (!this.#instance) this.#instance = this.#fresh();
    const instance = this.#instance;
    try {
      return await instance.callBytes(fn, input, { encoding: 'utf8', timeout: this.#options.timeout });
    } catch (e) {
      // A trap or a stop leaves the guest's memory in whatever state it was:
      // later calls get a new instance (calls already queued fail with it).
      if (e instanceof RuntimeError) {
        if (this.#instance === instance) this.#instance = null;
        instance.dispose();
      }
      throw e;
    }
  }

  close() {
    if (this.#instance) this.#instance.dispose();
    this.#instance = null;
  }
}

// Stands for a database or an HTTP service: answers after a few ms.
function pretendDatabase(settings, key) {
  return new Promise((resolve) => setTimeout(() => resolve(settings[key]), 10));
}

async function main() {
  const host = new PluginHost(path.join(__dirname, 'plugin.wasm'), {
    timeout: 500,
    maxMemory: 16 << 20,
    settings: { greeting: 'Bonjour' },
  });
  const show = async (fn, input) => {
    const t0 = performance.now();
    let line;
    try {
      line = JSON.stringify(await host.call(fn, input));
    } catch (e) {
      line = `${e.name}: ${e.message}`;
    }
    console.log(`${fn}(${JSON.stringify(input)}) -> ${line}  [${(performance.now() - t0).toFixed(0)} ms]`);
  };

  await show('upper', 'hello, plugins');
  await show('greet', 'Ada');   // awaits host.lookup (a Promise) inside the call
  await show('spin', 'x');      // loops forever: stopped by the 500 ms timeout
  await show('crash', 'x');     // traps: out of bounds memory access
  await show('hog', '');        // allocates until the 16 MiB cap: MiB it got
  await show('upper', 'still serving');

  // Four callers at once on one instance: the queue serves them in order,
  // each greet awaiting the host's lookup, and the event loop stays free
  // (the ticker keeps running).
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 1);
  const t0 = performance.now();
  const order = [];
  const names = ['Grace', 'Linus', 'Barbara', 'Ken'];
  const results = await Promise.all(names.map((n) =>
    host.call('greet', n).then((r) => { order.push(n); return r; })));
  clearInterval(ticker);
  console.log(`4 concurrent callers: ${JSON.stringify(results)}`);
  console.log(`served in order: ${order.join(', ')}  [${(performance.now() - t0).toFixed(0)} ms, ` +
    `event loop ticked ${ticks > 0 ? 'meanwhile' : 'NEVER'}]`);
  host.close();
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}

module.exports = { PluginHost };
