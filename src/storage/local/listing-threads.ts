// A big listing on worker threads, so it uses the other core: the threads lstat the next batches of
// names, and format them into listing lines when the listing's form is known (Storage.listLines),
// while the main thread reads names (opendir, a batch at a time) and encrypts and sends what is done.
// lstat is most of a 50,000-entry LIST; formatting on the threads too took the main thread's part of
// a first (cold) one from ~170 to ~90 ms of CPU (LIST 0.27-0.32 -> 0.21-0.25 s). The server starts
// the threads with itself (startListingThreads); until they answer, batches are done inline, so a
// listing never waits for a thread to boot. The threads serve every session, in turn; they lstat
// names inside a folder whose real path the resolver already checked, and never follow a link (a
// link is reported as a link, for the main thread's careful treatment).
import fs from 'node:fs';
import path from 'node:path';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { createLineFormatter, type LineEntry, type LineFormat, type LineFormatter } from '../../listing/line-format.js';
import { uniqueOf } from './to-file-stat.js';

/** One entry's lstat data; for a link (`kind` 'symlink') the main thread looks further itself. */
export interface RawEntry {
  name: string;
  kind: 'file' | 'dir' | 'symlink' | 'other';
  size: number;
  mtimeMs: number;
  mode: number;
  dev: number;
  ino: number;
}

const FIELDS = 6; // kind, size, mtimeMs, mode, dev, ino per entry
const KINDS = ['file', 'dir', 'symlink', 'other'] as const;
const VANISHED = -1;

interface FsBinding {
  lstat(file: string, bigint: false, req: undefined, throwIfNoEntry: false): Float64Array | undefined;
}

/**
 * Node's fs binding, which fs.lstatSync calls and then wraps in an fs.Stats with four Date objects
 * (on Node 20, a third of the JavaScript per entry); undefined where it is not there any more. The
 * functions below run on the main thread and, as their source text, in the worker: self-contained.
 */
function fsBinding(): FsBinding | undefined {
  try {
    const binding = (process as unknown as { binding(name: string): Partial<FsBinding> }).binding('fs');
    return typeof binding.lstat === 'function' && binding.lstat('.', false, undefined, false) instanceof Float64Array ? (binding as FsBinding) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * lstat each of `names` in `prefix` into `numbers` (FIELDS per entry, kind VANISHED when it is gone).
 * Written with the literals 6 and -1: the worker gets this function's source text, not the constants.
 */
function statNames(files: typeof fs, binding: FsBinding | undefined, prefix: string, names: string[], numbers: Float64Array): void {
  const { S_IFMT, S_IFREG, S_IFDIR, S_IFLNK } = files.constants;
  for (let i = 0, at = 0; i < names.length; i++, at += 6) {
    let mode, size, mtimeMs, dev, ino;
    if (binding !== undefined) {
      const v = binding.lstat(prefix + names[i], false, undefined, false);
      if (v === undefined) {
        numbers[at] = -1;
        continue;
      }
      dev = v[0]!; mode = v[1]!; ino = v[7]!; size = v[8]!; mtimeMs = v[12]! * 1e3 + v[13]! / 1e6;
    } else {
      const st = files.lstatSync(prefix + names[i], { throwIfNoEntry: false });
      if (st === undefined) {
        numbers[at] = -1;
        continue;
      }
      dev = st.dev; mode = st.mode; ino = st.ino; size = st.size; mtimeMs = st.mtimeMs;
    }
    const type = mode & S_IFMT;
    numbers[at] = type === S_IFREG ? 0 : type === S_IFDIR ? 1 : type === S_IFLNK ? 2 : 3;
    numbers[at + 1] = size;
    numbers[at + 2] = mtimeMs;
    numbers[at + 3] = mode;
    numbers[at + 4] = dev;
    numbers[at + 5] = ino;
  }
}

/** One batch's lines (each with its CRLF) and the names of its links, which the main thread treats. */
interface FormattedBatch {
  text: string;
  links: string[];
}

/**
 * Format the entries `statNames` found with `line` (made for `format`): every one but links and names
 * starting with `hidden`. Its helpers come as parameters: the worker runs this function's source
 * text, where imports do not exist.
 */
function formatLines(names: string[], numbers: Float64Array, format: LineFormat, line: LineFormatter, hidden: string, unique: typeof uniqueOf): FormattedBatch {
  const wantsUnique = format.kind === 'mlsd' && format.facts.includes('unique');
  const types = ['file', 'dir', 'symlink', 'other'] as const;
  let text = '';
  const links: string[] = [];
  for (let i = 0, at = 0; i < names.length; i++, at += 6) {
    const kind = numbers[at]!;
    const name = names[i]!;
    if (kind === -1 || name.startsWith(hidden)) continue;
    if (kind === 2) {
      links.push(name);
      continue;
    }
    const entry: LineEntry = {
      name,
      type: types[kind]!,
      size: numbers[at + 1]!,
      mtimeMs: Math.round(numbers[at + 2]!),
      mode: numbers[at + 3]! & 0o777,
      unique: wantsUnique ? unique(numbers[at + 4]!, numbers[at + 5]!) : undefined,
    };
    text += `${line(entry)}\r\n`;
  }
  return { text, links };
}

// Plain CommonJS evaluated in the worker: no module path to resolve, from src/ (tsx) or dist/ alike.
// __name: under tsx (tests), esbuild's keepNames wraps named inner functions in that helper.
const WORKER_SOURCE = `
const __name = (target) => target;
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const fsBinding = ${fsBinding.toString()};
const statNames = ${statNames.toString()};
const formatLines = ${formatLines.toString()};
const createLineFormatter = ${createLineFormatter.toString()};
const uniqueOf = ${uniqueOf.toString()};
const binding = fsBinding();
const encoder = new TextEncoder();
parentPort.on('message', (m) => {
  if (m.op === 'ready') return parentPort.postMessage({ id: m.id });
  try {
    const names = m.op === 'format' ? m.names.split('/') : m.names;
    const numbers = new Float64Array(names.length * ${FIELDS});
    statNames(fs, binding, m.prefix, names, numbers);
    if (m.op === 'stat') return parentPort.postMessage({ id: m.id, numbers }, [numbers.buffer]);
    // A formatter per batch: one kept for a whole listing was faster in it, and its closure, once
    // optimized for, cost the next listing a deoptimization (warm LIST 0.14-0.18 -> 0.18-0.21 s).
    const { text, links } = formatLines(names, numbers, m.format, createLineFormatter(m.format), m.hidden, uniqueOf);
    const lines = encoder.encode(text);
    parentPort.postMessage({ id: m.id, lines, links }, [lines.buffer]);
  } catch (err) {
    parentPort.postMessage({ id: m.id, error: { code: err && err.code, message: String(err && err.message) } });
  }
});
`;

/** What the main thread asks of a thread: names (for 'format' joined by '/', which no name contains). */
type Request =
  | { op: 'ready' }
  | { op: 'stat'; prefix: string; names: string[] }
  | { op: 'format'; prefix: string; names: string; format: LineFormat; hidden: string };

interface Reply {
  id: number;
  numbers?: Float64Array;
  lines?: Uint8Array;
  links?: string[];
  error?: { code?: string; message: string };
}

/** One worker thread; started on first use, referenced only while it has requests out. */
class StatThread {
  private worker: Worker | undefined;
  /** Whether the worker has answered its first message: until then, batches are stat'ed inline. */
  ready = false;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (reply: Reply) => void; reject: (err: Error) => void }>();

  /** The boot in progress: every caller waits on the same one, so a worker gets one 'ready' ping. */
  private booting: Promise<void> | undefined;

  get pending(): number {
    return this.waiting.size;
  }

  /** Start the worker if needed; resolves once it has answered, or failed (it is then restarted on the next boot). */
  boot(): Promise<void> {
    if (this.ready) return Promise.resolve();
    const done = (): void => {
      this.booting = undefined;
    };
    this.booting ??= this.request({ op: 'ready' }).then(done, done);
    return this.booting;
  }

  request(message: Request): Promise<Reply> {
    const current = (this.worker ??= this.start());
    const id = this.nextId++;
    // Referenced only while a request is out: an idle lister never keeps the process alive.
    if (this.waiting.size === 0) current.ref();
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      current.postMessage({ ...message, id });
    });
  }

  private start(): Worker {
    const started = new Worker(WORKER_SOURCE, { eval: true });
    started.on('message', (reply: Reply) => {
      if (this.worker === started) this.ready = true;
      const pending = this.waiting.get(reply.id);
      if (!pending) return;
      this.waiting.delete(reply.id);
      if (this.waiting.size === 0) started.unref();
      if (reply.error) pending.reject(Object.assign(new Error(reply.error.message), { code: reply.error.code }));
      else pending.resolve(reply);
    });
    const lost = (err: Error): void => {
      if (this.worker === started) {
        this.worker = undefined;
        this.ready = false;
      }
      for (const pending of this.waiting.values()) pending.reject(err);
      this.waiting.clear();
    };
    started.on('error', lost);
    started.on('exit', (code) => lost(new Error(`listing worker exited (${code})`)));
    return started;
  }
}

/**
 * Two threads where there are two cores: lstat's path walk in the kernel is most of a big listing,
 * and two batches in flight keep both busy while the main thread formats and sends.
 */
const threads = Array.from({ length: Math.min(2, availableParallelism()) }, () => new StatThread());
let inlineBinding: FsBinding | undefined;
let inlineChecked = false;

/**
 * Start the listing threads now rather than at the first listing, which otherwise stats inline while
 * they boot (~0.1 s of CPU each): a server's first big listing runs on them too (cold LIST of 50,000
 * entries 0.36-0.44 -> 0.30-0.35 s). The threads cost ~8 MiB each, which a server that lists
 * anything pays anyway. Resolves once each has answered (or failed to start, which leaves listings
 * inline), so a server can finish booting them before it opens its ports.
 */
export async function startListingThreads(): Promise<void> {
  await Promise.all(threads.map((thread) => thread.boot()));
}

/** How many listing threads answer (for tests and diagnostics). */
export function readyListingThreads(): number {
  return threads.filter((t) => t.ready).length;
}

/** Run one batch on the least busy ready thread, or inline (and start the threads) while none is. */
function onThread<T>(request: Exclude<Request, { op: 'ready' }>, fromReply: (reply: Reply) => T, inline: (binding: FsBinding | undefined) => T): Promise<T> {
  const ready = threads.filter((t) => t.ready);
  if (ready.length > 0) {
    const thread = ready.reduce((a, b) => (b.pending < a.pending ? b : a));
    return thread.request(request).then(fromReply);
  }
  void startListingThreads();
  if (!inlineChecked) {
    inlineBinding = fsBinding();
    inlineChecked = true;
  }
  const result = inline(inlineBinding);
  // Resolved from the event loop, not as a microtask: a thread's first answer ("ready") is seen
  // between batches, so the rest of this listing moves to the threads as soon as they are up.
  return new Promise((resolve) => setImmediate(() => resolve(result)));
}

function statInline(binding: FsBinding | undefined, prefix: string, names: string[]): Float64Array {
  const numbers = new Float64Array(names.length * FIELDS);
  statNames(fs, binding, prefix, names, numbers);
  return numbers;
}

/** The entries of one batch of names. */
function statBatch(prefix: string, names: string[]): Promise<RawEntry[]> {
  return onThread(
    { op: 'stat', prefix, names },
    (reply) => decode(names, reply.numbers!),
    (binding) => decode(names, statInline(binding, prefix, names)),
  );
}

/** One batch's lines, encoded, and its links. */
function formatBatch(prefix: string, names: string[], format: LineFormat, hidden: string): Promise<{ lines: Uint8Array; links: string[] }> {
  return onThread(
    { op: 'format', prefix, names: names.join('/'), format, hidden },
    (reply) => ({ lines: reply.lines!, links: reply.links! }),
    (binding) => {
      const { text, links } = formatLines(names, statInline(binding, prefix, names), format, createLineFormatter(format), hidden, uniqueOf);
      return { lines: Buffer.from(text, 'utf8'), links };
    },
  );
}

/** Up to `batch` names from `dir`; fewer only at the end. */
function readNames(dir: fs.Dir, batch: number): string[] {
  const names: string[] = [];
  for (let dirent; names.length < batch && (dirent = dir.readSync()) !== null; ) names.push(dirent.name);
  return names;
}

/**
 * Batches dispatched ahead of the one being handed out: four per thread, so a thread that finishes
 * one finds the next waiting. With one each, nearly every batch woke a sleeping thread, and those
 * wake-ups (~0.5 ms each in this VM) were the main thread's largest cost in a 50,000-entry LIST
 * (cold LIST 0.22-0.26 -> 0.20-0.22 s). At most ~330 KiB of lines are in flight.
 */
const AHEAD = 4 * threads.length;

/**
 * Batches of the real folder `folder` (already checked to be inside the root), each the result of
 * `work` on up to `batch` names. The next batches are dispatched before the current one is handed
 * out, so the threads run ahead: at most AHEAD + 1 batches exist at a time, whatever the folder's size.
 */
async function* inBatches<T>(folder: string, batch: number, work: (prefix: string, names: string[]) => Promise<T>): AsyncGenerator<T> {
  const dir = fs.opendirSync(folder, { bufferSize: batch });
  // Names are appended to the folder's path as they are: path.join's normalizing cost more than the lstat's own JavaScript.
  const prefix = folder.endsWith(path.sep) ? folder : folder + path.sep;
  const ahead: Promise<T>[] = [];
  const dispatch = (): void => {
    const names = readNames(dir, batch);
    if (names.length > 0) ahead.push(work(prefix, names));
  };
  try {
    for (let i = 0; i < AHEAD; i++) dispatch();
    while (ahead.length > 0) {
      const done = await ahead.shift()!;
      dispatch();
      yield done;
    }
  } finally {
    for (const pending of ahead) pending.catch(() => {}); // a consumer that stopped early leaves batches unanswered
    dir.closeSync();
  }
}

/** Batches of raw entries (lstat data) of the real folder `folder`. */
export function statFolder(folder: string, batch: number): AsyncGenerator<RawEntry[]> {
  return inBatches(folder, batch, statBatch);
}

/**
 * Batches of listing lines of the real folder `folder`, formatted as `format` says, without names
 * starting with `hidden`; links are left out of the lines and named, for the caller to treat.
 */
export function formatFolder(folder: string, batch: number, format: LineFormat, hidden: string): AsyncGenerator<{ lines: Uint8Array; links: string[] }> {
  return inBatches(folder, batch, (prefix, names) => formatBatch(prefix, names, format, hidden));
}

function decode(names: string[], numbers: Float64Array): RawEntry[] {
  const entries: RawEntry[] = [];
  for (let i = 0, at = 0; i < names.length; i++, at += FIELDS) {
    const kind = numbers[at]!;
    if (kind === VANISHED) continue;
    entries.push({
      name: names[i]!,
      kind: KINDS[kind]!,
      size: numbers[at + 1]!,
      mtimeMs: numbers[at + 2]!,
      mode: numbers[at + 3]!,
      dev: numbers[at + 4]!,
      ino: numbers[at + 5]!,
    });
  }
  return entries;
}
