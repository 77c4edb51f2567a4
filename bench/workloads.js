'use strict';
// The throughput workloads: real programs (Go wasip1 and C wasm32-wasi),
// each printing a checksum line that must be equal on every runtime.
// `full` args are sized for ~1-3 s on wasihost on an idle core (an
// interpreter: expect several times V8's time); `quick` for a sanity check.
// Sizes were calibrated on the engine at git 2f0a491 (Nov 2026); see
// bench/README.md for how to re-size them (--size ID=ARGS).
const WORKLOADS = [
  { id: 'go-sha256', lang: 'go', src: 'sha256', desc: 'crypto/sha256 of N MB generated in memory', full: ['8'], quick: ['1'] },
  { id: 'go-json', lang: 'go', src: 'json', desc: 'encoding/json marshal+unmarshal (struct and interface{}) of N users x R rounds', full: ['1000', '1'], quick: ['100', '1'] },
  { id: 'go-regexp', lang: 'go', src: 'regexp', desc: 'regexp: 6 patterns + ReplaceAll over N generated log lines', full: ['1500'], quick: ['150'] },
  { id: 'go-sort', lang: 'go', src: 'sort', desc: 'slices.Sort of N ints + sort.Strings of N/4 strings', full: ['400000'], quick: ['40000'] },
  { id: 'go-pingpong', lang: 'go', src: 'pingpong', desc: 'goroutine ping-pong over channels + 8-way fan-in, N messages', full: ['100000'], quick: ['10000'] },
  { id: 'go-wordcount', lang: 'go', src: 'wordcount', desc: 'map[string]int word count of N generated words', full: ['200000'], quick: ['20000'] },
  { id: 'c-fib', lang: 'c', src: 'fib', desc: 'recursive fib(N) (calls)', full: ['37'], quick: ['30'] },
  { id: 'c-matmul', lang: 'c', src: 'matmul', desc: '200x200 f64 matrix multiply, N times', full: ['12'], quick: ['1'] },
  { id: 'c-crc', lang: 'c', src: 'crc', desc: 'CRC-32 (table) + FNV-1a over 64 KB, N times', full: ['1200'], quick: ['100'] },
  { id: 'c-sieve', lang: 'c', src: 'sieve', desc: 'sieve of Eratosthenes below 2^20, N times', full: ['40'], quick: ['4'] },
  { id: 'c-vm', lang: 'c', src: 'vm', desc: 'bytecode VM (switch dispatch) running collatz/primes/fib, size N', full: ['35000'], quick: ['3000'] },
];

module.exports = { WORKLOADS };
