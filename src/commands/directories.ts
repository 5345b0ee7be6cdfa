// Directory commands and listings (RFC 959 MKD RMD LIST NLST, RFC 3659 MLSD MLST). Listings stream
// from storage to the data connection in batches: a 50,000-entry folder never sits in memory whole.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { runTransfer } from '../data/transfer.js';
import { FerryError } from '../errors/ferry-error.js';
import { formatListLine, parseListArgument } from '../listing/list-format.js';
import { formatFacts } from '../listing/mlsx-facts.js';
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

/** Formats entry batches into ~64 KiB buffers: one write per buffer, not per entry. Counts the bytes. */
async function* listingBuffers(header: string, batches: AsyncIterable<FileStat[]>, format: (entry: FileStat) => string, count: { bytes: number }): AsyncGenerator<Buffer> {
  let pending = header;
  const take = (): Buffer => {
    const chunk = Buffer.from(pending, 'utf8');
    count.bytes += chunk.length;
    pending = '';
    return chunk;
  };
  for await (const batch of batches) {
    for (const entry of batch) pending += format(entry);
    if (pending.length >= BATCH_BYTES) yield take();
  }
  if (pending) yield take();
}

/** Send the entries of `path` (or the file itself), one formatted line each, after an optional header line. */
async function sendListing(ctx: LoggedInContext, verb: string, path: VirtualPath, format: (entry: FileStat) => string, header?: (stat: FileStat) => string): Promise<void> {
  const stat = await ctx.storage.stat(path);
  await runTransfer(ctx.session, {
    verb,
    path,
    direction: 'listing',
    openingText: `Opening ${ctx.session.type === 'A' ? 'ASCII' : 'BINARY'} mode data connection for ${verb} ${path}`,
    async body(socket, signal) {
      const count = { bytes: 0 };
      await pipeline(Readable.from(listingBuffers(header?.(stat) ?? '', entriesOf(ctx.storage, path, stat), format, count)), socket, { signal });
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
      const name = owner(ctx);
      const now = Date.now();
      return sendListing(ctx, 'LIST', path, (entry) => formatListLine(entry, name, now));
    },
  },
  {
    verb: 'NLST',
    arg: 'optional',
    permission: 'list',
    help: 'NLST [path]: names only',
    handler(ctx) {
      const path = resolveVirtualPath(ctx.session.cwd, parseListArgument(ctx.arg).path);
      return sendListing(ctx, 'NLST', path, (entry) => `${entry.name}\r\n`);
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
      const stat = await storage.stat(path);
      if (stat.type !== 'dir') throw new FerryError('NOT_A_DIRECTORY', 'MLSD of a file', { publicMessage: `${path} is not a directory` });
      const perms = session.user!.permissions;
      return sendListing(
        ctx,
        'MLSD',
        path,
        (entry) => `${formatFacts(entry, entry.name, session.mlstFacts, perms)}\r\n`,
        (dirStat) => `${formatFacts(dirStat, '.', session.mlstFacts, perms, 'cdir')}\r\n`,
      );
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
