// Directory commands and listings (RFC 959 MKD RMD LIST NLST, RFC 3659 MLSD MLST). Listings stream
// from storage to the data connection in batches: a 50,000-entry folder never sits in memory whole.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { runTransfer, secureDownloadEarly } from '../data/transfer.js';
import { FerryError } from '../errors/ferry-error.js';
import { createLineFormatter, lineEntryOf, type LineFormat, type LineFormatter } from '../listing/line-format.js';
import { parseListArgument } from '../listing/list-format.js';
import { formatFacts, mlsdFormat } from '../listing/mlsx-facts.js';
import { Reply } from '../protocol/reply-codes.js';
import { quotePath } from '../protocol/reply-format.js';
import type { FileStat, Storage } from '../storage/storage.js';
import { resolveVirtualPath, type VirtualPath } from '../storage/virtual-path.js';
import { defineCommands, type LoggedInContext } from './command-spec.js';

const BATCH_BYTES = 64 * 1024;

/** Entries of `path` in batches if it is a directory, or the file itself (what `ls -l file` does). */
async function* entriesOf(storage: Storage, path: VirtualPath, stat: FileStat): AsyncGenerator<FileStat[]> {
  if (stat.type !== 'dir') {
    yield [stat];
    return;
  }
  yield* storage.list(path);
}

/** Formats entry batches into ~64 KiB buffers: one write per buffer, not per entry. */
async function* formatted(batches: AsyncIterable<FileStat[]>, line: LineFormatter): AsyncGenerator<Uint8Array> {
  let pending = '';
  for await (const batch of batches) {
    for (const entry of batch) pending += `${line(lineEntryOf(entry))}\r\n`;
    if (pending.length >= BATCH_BYTES) {
      yield Buffer.from(pending, 'utf8');
      pending = '';
    }
  }
  if (pending) yield Buffer.from(pending, 'utf8');
}

/** The chunks, the header sent with the first of them (one write for a small listing); counts the bytes. */
async function* withHeader(header: string, chunks: AsyncIterable<Uint8Array>, count: { bytes: number }): AsyncGenerator<Uint8Array> {
  let first: Uint8Array | undefined = header ? Buffer.from(header, 'utf8') : undefined;
  for await (let chunk of chunks) {
    if (first) {
      chunk = Buffer.concat([first, chunk]);
      first = undefined;
    }
    count.bytes += chunk.byteLength;
    yield chunk;
  }
  if (first) {
    count.bytes += first.byteLength;
    yield first;
  }
}

/**
 * Send the lines of `path`'s entries (or of the file itself) in `format`, after an optional header
 * line; `stat` is `path`'s, where the caller already has it. A folder's lines come from the backend
 * when it formats them itself (the local one, on its listing threads), else from its entries.
 */
async function sendListing(
  ctx: LoggedInContext,
  verb: string,
  path: VirtualPath,
  format: LineFormat,
  options: { stat?: FileStat; header?: (stat: FileStat, line: LineFormatter) => string } = {},
): Promise<void> {
  const { storage } = ctx;
  await secureDownloadEarly(ctx.session);
  const stat = options.stat ?? (await storage.stat(path));
  // Only when this thread formats lines: not for a folder whose backend formats its own (listLines).
  let formatter: LineFormatter | undefined;
  const line = (): LineFormatter => (formatter ??= createLineFormatter(format));
  await runTransfer(ctx.session, {
    verb,
    path,
    direction: 'listing',
    openingText: `Opening ${ctx.session.type === 'A' ? 'ASCII' : 'BINARY'} mode data connection for ${verb} ${path}`,
    async body(socket, signal) {
      const count = { bytes: 0 };
      const lines = stat.type === 'dir' && storage.listLines ? storage.listLines(path, format) : formatted(entriesOf(storage, path, stat), line());
      await pipeline(Readable.from(withHeader(options.header?.(stat, line()) ?? '', lines, count)), socket, { signal });
      return count.bytes;
    },
  });
}

function owner(ctx: LoggedInContext): string {
  return ctx.session.user!.anonymous ? 'ftp' : ctx.session.user!.name;
}

export const directoryCommands = defineCommands(
  {
    verb: 'MKD',
    aliases: ['XMKD'],
    arg: 'required',
    path: 'required',
    permission: 'mkdir',
    help: 'MKD <dir>: create a directory',
    async handler({ storage, path, reply }) {
      await storage.mkdir(path);
      reply(Reply.PATH_CREATED, `${quotePath(path)} created`);
    },
  },
  {
    verb: 'RMD',
    aliases: ['XRMD'],
    arg: 'required',
    path: 'required',
    permission: 'rmdir',
    help: 'RMD <dir>: remove an empty directory',
    async handler({ storage, path, reply }) {
      await storage.rmdir(path);
      reply(Reply.FILE_ACTION_OK, `Removed ${path}`);
    },
  },
  {
    verb: 'LIST',
    arg: 'optional',
    permission: 'list',
    help: 'LIST [path]: directory listing in `ls -l` form',
    handler(ctx) {
      const path = resolveVirtualPath(ctx.session.cwd, parseListArgument(ctx.arg).path);
      return sendListing(ctx, 'LIST', path, { kind: 'list', owner: owner(ctx), now: Date.now() });
    },
  },
  {
    verb: 'NLST',
    arg: 'optional',
    permission: 'list',
    help: 'NLST [path]: names only',
    handler(ctx) {
      const path = resolveVirtualPath(ctx.session.cwd, parseListArgument(ctx.arg).path);
      return sendListing(ctx, 'NLST', path, { kind: 'nlst' });
    },
  },
  {
    verb: 'MLSD',
    arg: 'optional',
    path: 'optional',
    permission: 'list',
    help: 'MLSD [dir]: machine-readable directory listing',
    async handler(ctx) {
      const { session, storage, path } = ctx;
      await secureDownloadEarly(session); // before the stat, as sendListing does
      const stat = await storage.stat(path);
      if (stat.type !== 'dir') throw new FerryError('NOT_A_DIRECTORY', 'MLSD of a file', { publicMessage: `${path} is not a directory` });
      return sendListing(ctx, 'MLSD', path, mlsdFormat(session.mlstFacts, session.user!.permissions), {
        stat, // already looked up: one stat per MLSD
        header: (dirStat, line) => `${line(lineEntryOf(dirStat, '.'), 'cdir')}\r\n`,
      });
    },
  },
  {
    verb: 'MLST',
    arg: 'optional',
    path: 'optional',
    permission: 'list',
    help: 'MLST [path]: machine-readable facts of one file or directory',
    async handler({ session, storage, path, reply }) {
      const stat = await storage.stat(path);
      reply(Reply.FILE_ACTION_OK, [`Listing ${path}`, formatFacts(stat, path, session.mlstFacts, session.user!.permissions), 'End']);
    },
  },
);
