// lstat's folder entries on a worker thread, so a big listing uses a second core: the worker stats
// the next batch while the main thread formats, encrypts and sends the current one (lstat is about
// 85% of a 50,000-entry LIST when done inline). The main thread reads the names (opendir, a batch at
// a time) and stats inline only until the worker has started, so the first listing of a process does
// not wait for it. One worker serves every session, in turn; it lstat's names inside a folder whose
// real path the resolver already checked, and never follows a link (links come back as links, for
// the main thread's careful treatment).
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

/** One entry as the worker reports it; `kind` is 'symlink' for links, which carry no stats. */
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

/** lstat each of `names` in `prefix` into `numbers` (FIELDS per entry, kind -1 when it vanished). */
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

// Plain CommonJS evaluated in the worker: no module path to resolve, from src/ (tsx) or dist/ alike.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const fsBinding = ${fsBinding.toString()};
const statNames = ${statNames.toString()};
const binding = fsBinding();
parentPort.on('message', (m) => {
  if (m.op === 'ready') return parentPort.postMessage({ id: m.id });
  try {
    const numbers = new Float64Array(m.names.length * ${FIELDS});
    statNames(fs, binding, m.prefix, m.names, numbers);
    parentPort.postMessage({ id: m.id, numbers }, [numbers.buffer]);
  } catch (err) {
    parentPort.postMessage({ id: m.id, error: { code: err && err.code, message: String(err && err.message) } });
  }
});
`;

interface Reply {
  id: number;
  numbers?: Float64Array;
  error?: { code?: string; message: string };
}

let worker: Worker | undefined;
/** Whether `worker` has answered its first message: until then, batches are stat'ed inline. */
let workerReady = false;
let nextId = 1;
const waiting = new Map<number, { resolve: (reply: Reply) => void; reject: (err: Error) => void }>();
let inlineBinding: FsBinding | undefined;
let inlineChecked = false;

function request(message: { op: 'ready' } | { op: 'stat'; prefix: string; names: string[] }): Promise<Reply> {
  if (worker === undefined) {
    const started = new Worker(WORKER_SOURCE, { eval: true });
    started.on('message', (reply: Reply) => {
      if (worker === started) workerReady = true;
      const pending = waiting.get(reply.id);
      if (!pending) return;
      waiting.delete(reply.id);
      if (waiting.size === 0) started.unref();
      if (reply.error) pending.reject(Object.assign(new Error(reply.error.message), { code: reply.error.code }));
      else pending.resolve(reply);
    });
    const lost = (err: Error): void => {
      if (worker === started) {
        worker = undefined;
        workerReady = false;
      }
      for (const pending of waiting.values()) pending.reject(err);
      waiting.clear();
    };
    started.on('error', lost);
    started.on('exit', (code) => lost(new Error(`listing worker exited (${code})`)));
    worker = started;
  }
  const current = worker;
  const id = nextId++;
  // Referenced only while a request is out: an idle lister never keeps the process alive.
  if (waiting.size === 0) current.ref();
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    current.postMessage({ ...message, id });
  });
}

/** The entries of one batch of names: on the worker once it runs, inline (and start it) before. */
function statBatch(prefix: string, names: string[]): Promise<RawEntry[]> {
  if (workerReady) return request({ op: 'stat', prefix, names }).then((reply) => decode(names, reply.numbers!));
  if (worker === undefined) request({ op: 'ready' }).catch(() => {});
  if (!inlineChecked) {
    inlineBinding = fsBinding();
    inlineChecked = true;
  }
  const numbers = new Float64Array(names.length * FIELDS);
  statNames(fs, inlineBinding, prefix, names, numbers);
  return Promise.resolve(decode(names, numbers));
}

/** Up to `batch` names from `dir`; fewer only at the end. */
function readNames(dir: fs.Dir, batch: number): string[] {
  const names: string[] = [];
  for (let dirent; names.length < batch && (dirent = dir.readSync()) !== null; ) names.push(dirent.name);
  return names;
}

/**
 * Batches of raw entries of the real folder `folder` (already checked to be inside the root). The
 * next batch is dispatched before the current one is handed out, so the worker runs one batch
 * ahead: at most two batches exist at a time, whatever the folder's size.
 */
export async function* statFolder(folder: string, batch: number): AsyncGenerator<RawEntry[]> {
  const dir = fs.opendirSync(folder, { bufferSize: batch });
  // Names are appended to the folder's path as they are: path.join's normalizing cost more than the lstat's own JavaScript.
  const prefix = folder.endsWith(path.sep) ? folder : folder + path.sep;
  let ahead: Promise<RawEntry[]> | undefined;
  try {
    let names = readNames(dir, batch);
    ahead = names.length > 0 ? statBatch(prefix, names) : undefined;
    while (ahead !== undefined) {
      const entries = await ahead;
      names = readNames(dir, batch);
      ahead = names.length > 0 ? statBatch(prefix, names) : undefined;
      yield entries;
    }
  } finally {
    ahead?.catch(() => {}); // a consumer that stopped early leaves one batch unanswered
    dir.closeSync();
  }
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
