// Types of wasihost (require('wasihost') and import ... from 'wasihost'):
// the WebAssembly JS API on wasihost's engine, WASI preview 1, and the
// extensions (limits, async runs, dispose, memory helpers, sharing).
/// <reference types="node" />

export type ValueType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref';
export type ExternKind = 'function' | 'table' | 'memory' | 'global' | 'tag';
export type BufferSource = ArrayBuffer | ArrayBufferView;

/** An exported wasm function (or a host function re-exported). */
export interface ExportedFunction {
  (...args: any[]): any;
  readonly name: string;
  readonly length: number;
}

export type ExportValue = ExportedFunction | Memory | Table | Global;
export type Exports = { readonly [name: string]: ExportValue };
export type ImportValue = ((...args: any[]) => any) | ExportedFunction | Memory | Table | Global | number | bigint;
export type ModuleImports = { [name: string]: ImportValue };
export type Imports = { [module: string]: ModuleImports };

export interface ModuleImportDescriptor { module: string; name: string; kind: ExternKind }
export interface ModuleExportDescriptor { name: string; kind: ExternKind }

/** What module.share() returns: plain data a Worker receives through postMessage or workerData. */
export interface SharedModuleHandle { readonly type: 'wasihost.Module'; readonly id: string }

/** Release now instead of at garbage collection; later use throws ERR_WASIHOST_DISPOSED. */
interface Disposable {
  dispose(): void;
  [Symbol.dispose](): void;
}

export class Module implements Disposable {
  /** Compiles synchronously; CompileError says why and at which offset. */
  constructor(bytes: BufferSource);
  static imports(module: Module): ModuleImportDescriptor[];
  static exports(module: Module): ModuleExportDescriptor[];
  static customSections(module: Module, sectionName: string): ArrayBuffer[];
  /** A handle for a Worker: Module.fromShared(handle) there gives the same compiled module. Valid while this Module lives. */
  share(): SharedModuleHandle;
  static fromShared(handle: SharedModuleHandle): Module;
  /** new Module(fs.readFileSync(path)) with one copy of the bytes, not two; a read error has its `code` ('ENOENT', ...). */
  static fromFile(path: string | Buffer | URL): Module;
  dispose(): void;
  [Symbol.dispose](): void;
}

/** Execution limits of an Instance (wasihost extension). */
export interface Limits {
  /** Instruction budget: RuntimeError "fuel exhausted" when spent; instance.fuel reads and refills it. */
  fuel?: number | bigint;
  /** Bytes per memory the instance defines: a larger initial size is a RangeError, memory.grow beyond returns -1. */
  maxMemory?: number | bigint;
  /** Guest frames; traps "call stack exhausted" beyond. */
  maxCallDepth?: number | bigint;
  /** Value stack in 8-byte slots; traps "call stack exhausted" beyond. */
  maxStackSlots?: number | bigint;
  /** Milliseconds per run: RuntimeError "interrupted". */
  timeout?: number;
  /** Interrupts the run in progress; later runs fail at once. */
  signal?: AbortSignal;
  /**
   * Opt-in run queue: concurrent callAsync/callBytes calls wait their turn (FIFO) instead of
   * rejecting "instance is busy".  true: up to 1000 may wait; a number: that many.  One more
   * rejects with code ERR_WASIHOST_QUEUE_FULL.  dispose() then rejects the waiting calls
   * (ERR_WASIHOST_DISPOSED), interrupts the running one and releases the instance when it stops.
   */
  queue?: boolean | number;
}

/** Limits of one run (WASI.start/startAsync): they add to the instance's own. */
export interface RunOptions {
  timeout?: number;
  signal?: AbortSignal;
}

/** Limits of one callAsync/callBytes call, on top of the instance's own. */
export interface CallOptions extends RunOptions {
  /** Milliseconds from the call, time waiting in the queue included: RuntimeError "interrupted". */
  timeout?: number;
  /** Interrupts this call (or takes it out of the queue): RuntimeError "interrupted" with cause = signal.reason. */
  signal?: AbortSignal;
  /** Instruction budget of this call ("fuel exhausted"); taken out of the instance's fuel when it has a limit. */
  fuel?: number | bigint;
}

/** The bytes-in/bytes-out plugin ABI of Instance.callBytes. */
export interface BytesCallOptions extends CallOptions {
  /** Export that allocates the input: alloc(len) -> ptr.  Default 'malloc'. */
  alloc?: string;
  /** Export that frees: free(ptr, len) (a one-parameter free works too); null: nothing is freed.  Default 'free'. */
  free?: string | null;
  /** Exported memory.  Default 'memory'. */
  memory?: string;
  /** Free the output buffer too (when it is not the input's).  Default true. */
  freeResult?: boolean;
  /** 'utf8': resolve with a string instead of bytes. */
  encoding?: 'utf8' | 'utf-8';
}

export class Instance implements Disposable {
  constructor(module: Module, importObject?: Imports, limits?: Limits);
  readonly exports: Exports;
  /** Fuel left; undefined unless created with limits.fuel. */
  fuel: bigint | number | undefined;
  /**
   * Runs exports[name] on a guest thread; JS imports still run on this thread, and an import
   * that returns a Promise suspends the guest until it settles (its value is the import's
   * result, a rejection its exception).  The options are never passed to the guest.
   */
  callAsync(name: string, args: unknown[], options?: CallOptions): Promise<any>;
  /** The older form: the arguments themselves (taken as the form above when args[0] is an Array). */
  callAsync(name: string, ...args: unknown[]): Promise<any>;
  /**
   * Bytes-in/bytes-out plugin call: writes input (a string as UTF-8) into guest memory from
   * alloc(len), runs exports[name](ptr, len) -> i64 (outPtr << 32 | outLen) or [outPtr, outLen]
   * on a guest thread, copies the output and frees both buffers.
   */
  callBytes(name: string, input: string | ArrayBuffer | ArrayBufferView, options: BytesCallOptions & { encoding: 'utf8' | 'utf-8' }): Promise<string>;
  callBytes(name: string, input: string | ArrayBuffer | ArrayBufferView, options?: BytesCallOptions): Promise<Uint8Array>;
  /** Releases the instance now; throws "instance is busy" during a run unless it has a queue (see Limits.queue). */
  dispose(): void;
  [Symbol.dispose](): void;
}

/** address 'i64' (memory64): initial/maximum are BigInt, and grow takes and returns BigInt. */
export interface MemoryDescriptor {
  initial?: number | bigint; minimum?: number | bigint; maximum?: number | bigint; shared?: false; address?: 'i32' | 'i64';
}
export interface MemoryType { minimum: number; maximum?: number; address?: 'i64' }

/** Guest-memory helpers: bounds-checked, little-endian, pointers as unsigned 32-bit; RangeError when out of bounds. */
export interface MemoryHelpers {
  readonly buffer: ArrayBuffer;
  /** A live view of [ptr, ptr+len): valid until the guest runs again. */
  bytes(ptr: number, len: number): Uint8Array;
  /** A copy of [ptr, ptr+len). */
  copy(ptr: number, len: number): Buffer;
  readString(ptr: number, len: number): string;
  readCString(ptr: number, max?: number): string;
  /** Writes a string (UTF-8) or bytes at ptr; returns the bytes written. */
  write(ptr: number, data: string | ArrayBuffer | ArrayBufferView, max?: number): number;
  getUint8(ptr: number): number;
  setUint8(ptr: number, v: number): void;
  getUint16(ptr: number): number;
  setUint16(ptr: number, v: number): void;
  getInt32(ptr: number): number;
  getUint32(ptr: number): number;
  setInt32(ptr: number, v: number): void;
  setUint32(ptr: number, v: number): void;
  getBigInt64(ptr: number): bigint;
  getUint64(ptr: number): bigint;
  setUint64(ptr: number, v: bigint | number): void;
  setInt64(ptr: number, v: bigint | number): void;
  getFloat32(ptr: number): number;
  setFloat32(ptr: number, v: number): void;
  getFloat64(ptr: number): number;
  setFloat64(ptr: number, v: number): void;
}

/** The helpers (MemoryHelpers) are on every Memory: the interface merges into the class. */
export interface Memory extends MemoryHelpers {}
export class Memory implements Disposable {
  constructor(descriptor: MemoryDescriptor);
  readonly buffer: ArrayBuffer;
  /** Grows by delta pages (64 KiB); returns the old size in pages (an i64 memory: BigInt both). */
  grow(delta: number): number;
  grow(delta: bigint): bigint;
  type(): MemoryType;
  dispose(): void;
  [Symbol.dispose](): void;
}

/** view(instance): the helpers over the instance's exported "memory"; view(memory) over a Memory or V8 WebAssembly.Memory. */
export interface MemoryView extends MemoryHelpers {
  readonly byteLength: number;
}
export function view(target: Instance | Memory | WebAssembly.Memory): MemoryView;

export type TableElement = 'anyfunc' | 'funcref' | 'externref';
/** address 'i64' (table64): sizes and indexes are BigInt. */
export interface TableDescriptor {
  element: TableElement; initial?: number | bigint; minimum?: number | bigint; maximum?: number | bigint;
  address?: 'i32' | 'i64';
}

export class Table implements Disposable {
  constructor(descriptor: TableDescriptor, value?: unknown);
  readonly length: number | bigint;
  get(index: number | bigint): any;
  set(index: number | bigint, value?: unknown): void;
  grow(delta: number, value?: unknown): number;
  grow(delta: bigint, value?: unknown): bigint;
  type(): { element: TableElement; minimum: number; maximum?: number; address?: 'i64' };
  dispose(): void;
  [Symbol.dispose](): void;
}

export type GlobalValueType = 'i32' | 'i64' | 'f32' | 'f64' | 'externref' | 'anyfunc' | 'funcref';
export interface GlobalDescriptor { value: GlobalValueType; mutable?: boolean }

export class Global implements Disposable {
  constructor(descriptor: GlobalDescriptor, value?: unknown);
  value: any;
  valueOf(): any;
  type(): { value: GlobalValueType; mutable: boolean };
  dispose(): void;
  [Symbol.dispose](): void;
}

/** Exception handling: the identity wasm exceptions are matched by, with their payload's types. */
export interface TagType { parameters: GlobalValueType[] }
export class Tag implements Disposable {
  constructor(type: TagType);
  type(): TagType;
  dispose(): void;
  [Symbol.dispose](): void;
}
/** A wasm exception as JS sees it: thrown by wasm and not caught there, or made here and thrown by a JS import into wasm. */
export class Exception {
  constructor(tag: Tag, payload: Iterable<unknown>, options?: { traceStack?: boolean });
  is(tag: Tag): boolean;
  getArg(tag: Tag, index: number): any;
  /** With traceStack: where the Exception was made. */
  stack?: string;
}
/** The tag of other JS exceptions passing through wasm (one externref: the value thrown). */
export const JSTag: Tag;

/** One wasm frame of a trap, innermost first. */
export interface WasmFrame {
  /** In the module's function index space. */
  index: number;
  /** From the name section (or DWARF), when there is one. */
  name?: string;
  /** Offset of the trapping instruction (the call, in callers) from the start of the code section's contents, as DWARF counts; e.stack prints the module-relative offset, as V8 does. */
  offset?: number;
  /** Source location from the module's DWARF, when it has one. */
  file?: string;
  line?: number;
  column?: number;
  /** A function inlined at this point (listed before the one it was inlined into). */
  inlined?: boolean;
}

/** The module failed to decode or validate; the message says where. */
export class CompileError extends Error {}
/** An import is missing or has the wrong type. */
export class LinkError extends Error {}
/** The guest trapped (spec wording); e.stack has the wasm frames in V8's format, wasmBacktrace as objects. */
export class RuntimeError extends Error {
  wasmBacktrace?: WasmFrame[];
}
/** proc_exit(code), thrown out of wasm calls; WASI.start() turns it into a return value. */
export class WASIExit extends Error {
  constructor(code: number, options?: ErrorOptions);
  code: number;
}

/** Errors with these codes come from wasihost's own checks. */
export type ErrorCode = 'ERR_WASIHOST_BUSY' | 'ERR_WASIHOST_DISPOSED' | 'ERR_WASIHOST_NO_ADDON' | 'ERR_INVALID_ARG_TYPE';

export function compile(bytes: BufferSource): Promise<Module>;
export function instantiate(module: Module, importObject?: Imports, limits?: Limits): Promise<Instance>;
export function instantiate(bytes: BufferSource, importObject?: Imports, limits?: Limits): Promise<{ module: Module; instance: Instance }>;
export function validate(bytes: BufferSource): boolean;
export function compileStreaming(source: Response | PromiseLike<Response>): Promise<Module>;
export function instantiateStreaming(source: Response | PromiseLike<Response>, importObject?: Imports, limits?: Limits): Promise<{ module: Module; instance: Instance }>;

/** Stops the run in progress of an instance (or of an exported function's instance); true when there was one. */
export function interrupt(target: Instance | ExportedFunction): boolean;
export interface GuestThreads { max: number; threads: number; idle: number; queued: number; running: number }
/** Reads (and with max, sets) the cap on async guest threads. */
export function guestThreads(max?: number): GuestThreads;

/** For the spec-test runner: exact bit patterns (see lib/index.js). */
export const internals: {
  callRaw(fn: ExportedFunction, args: Array<number | bigint | null | unknown>): unknown[];
  globalRaw(global: Global): unknown;
  funcType(fn: ExportedFunction): { params: ValueType[]; results: ValueType[] };
};

export type StdinOption = 'inherit' | 'ignore' | number | string | Buffer | Uint8Array;
export type StdoutOption = 'inherit' | 'pipe' | 'ignore' | number;

export interface WASIOptions {
  version: 'preview1';
  args?: string[];
  /** Exactly the environment the guest sees: nothing is inherited. */
  env?: { [name: string]: string };
  /** Guest path -> host path, as node:wasi. */
  preopens?: { [guest: string]: string };
  mounts?: Array<{ host: string; guest: string; readonly?: boolean }>;
  stdin?: StdinOption;
  stdout?: StdoutOption;
  stderr?: StdoutOption;
  /** Default true: start() returns the exit code; false ends the process on proc_exit. */
  returnOnExit?: boolean;
  /** Listening sockets for the guest (fds after the preopens, in order): an address to listen
   * on, an existing socket fd, or a listening net.Server (handed over: closed in Node). */
  sockets?: Array<number | { listen: string; backlog?: number } | { host?: string; port: number; backlog?: number }
    | { fd: number } | import('net').Server>;
  /** Fake clocks from 2022-01-01 that move only as the guest reads or sleeps; seeded random_get. */
  deterministic?: boolean;
  seed?: number | bigint;
  /** One line per WASI call: a function, or a writable stream (process.stderr). */
  trace?: ((line: string) => void) | NodeJS.WritableStream;
  traceCategories?: Array<'args' | 'clock' | 'fs' | 'filesystem' | 'poll' | 'proc' | 'random' | 'sock' | 'all'> | string;
}

export interface WASISocketInfo {
  fd: number;
  address: string;
  port: number;
  family: 'IPv4' | 'IPv6';
}

export type WASIImportObject = {
  wasi_snapshot_preview1: { [name: string]: ExportedFunction };
};

export class WASI {
  constructor(options: WASIOptions);
  readonly wasiImport: { [name: string]: ExportedFunction };
  getImportObject(): WASIImportObject;
  /** Runs _start; the exit code. The instance must be a wasihost Instance (TypeError otherwise). */
  start(instance: Instance, options?: RunOptions): number;
  /** start() on a guest thread. */
  startAsync(instance: Instance, options?: RunOptions): Promise<number>;
  /** Runs _initialize of a reactor when present. */
  initialize(instance: Instance): void;
  /** What the guest wrote with stdout/stderr 'pipe'; undefined otherwise. */
  readonly stdout: Buffer | undefined;
  readonly stderr: Buffer | undefined;
  /** The guest fd and bound address of each of options.sockets. */
  readonly sockets: WASISocketInfo[];
}

declare const wasihost: {
  Module: typeof Module;
  Instance: typeof Instance;
  Memory: typeof Memory;
  Table: typeof Table;
  Global: typeof Global;
  CompileError: typeof CompileError;
  LinkError: typeof LinkError;
  RuntimeError: typeof RuntimeError;
  WASIExit: typeof WASIExit;
  WASI: typeof WASI;
  compile: typeof compile;
  instantiate: typeof instantiate;
  validate: typeof validate;
  compileStreaming: typeof compileStreaming;
  instantiateStreaming: typeof instantiateStreaming;
  interrupt: typeof interrupt;
  guestThreads: typeof guestThreads;
  internals: typeof internals;
  view: typeof view;
};
export default wasihost;
