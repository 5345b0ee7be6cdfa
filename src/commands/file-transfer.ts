// File transfers (RFC 959 RETR STOR STOU APPE ABOR, RFC 3659 REST STREAM): streamed with backpressure
// between storage and the data connection, ASCII line ends converted under TYPE A.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { byteCounter } from '../data/byte-counter.js';
import { fromNetworkAscii, toNetworkAscii } from '../data/ascii-transform.js';
import { claimUploadThread, receiveWithKernel } from '../data/kernel-receive.js';
import { plainSocketFd } from '../data/kernel-send.js';
import { UploadReceiver } from '../data/receive-file.js';
import { sendFile } from '../data/send-file.js';
import { runTransfer, secureDownloadEarly } from '../data/transfer.js';
import { FerryError } from '../errors/ferry-error.js';
import { Reply } from '../protocol/reply-codes.js';
import type { WriteMode, WriteSource } from '../storage/storage.js';
import { baseName, joinVirtual, parentOf, type VirtualPath } from '../storage/virtual-path.js';
import { defineCommands, type LoggedInContext } from './command-spec.js';

function modeName(type: 'A' | 'I'): string {
  return type === 'A' ? 'ASCII' : 'BINARY';
}

async function retrieve(ctx: LoggedInContext): Promise<void> {
  const { session, storage, path } = ctx;
  const start = session.restOffset;
  await secureDownloadEarly(session);
  // Opened before the 150 reply, so a missing file or a folder is refused without a data connection.
  const reader = await storage.read(path, { start }).catch((err: unknown) => {
    if (err instanceof FerryError && err.code === 'IS_A_DIRECTORY') {
      throw new FerryError('IS_A_DIRECTORY', 'RETR of a directory', { publicMessage: `${path} is a directory, not a file` });
    }
    throw err;
  });
  try {
    if (start > reader.size) {
      session.restOffset = 0;
      return ctx.reply(Reply.SYNTAX_ERROR_ARGS, `REST offset ${start} is beyond the end of the file (${reader.size} bytes)`);
    }
    let kernelBytes: number | undefined; // sent by sendfile, which the socket's counters miss
    await runTransfer(session, {
      verb: 'RETR',
      path,
      direction: 'download',
      openingText: `Opening ${modeName(session.type)} mode data connection for ${baseName(path)} (${reader.size - start} bytes)`,
      progress: () => kernelBytes,
      async body(socket, signal) {
        if (session.type === 'I') {
          const { sendfile: kernel, downloadThreads: threads } = session.config.storage;
          return sendFile(reader, socket, signal, { expected: reader.size - start, kernel, threads, onProgress: (n) => (kernelBytes = n) });
        }
        let bytes = 0;
        await pipeline(Readable.from(reader), toNetworkAscii(), byteCounter((n) => (bytes += n)), socket, { signal });
        return bytes;
      },
    });
  } finally {
    await reader.close();
  }
}

async function store(ctx: LoggedInContext, mode: WriteMode, target: VirtualPath, verb: string, openingText?: string, doneText?: string): Promise<void> {
  const { session, storage } = ctx;
  const start = mode === 'resume' ? session.restOffset : 0;
  const binary = session.type === 'I';
  const receiver = new UploadReceiver();
  // A plain binary upload may go to a thread of its own, which reads the connection (Node reads none
  // of it) and writes the file (kernel-receive.ts).
  const releaseThread = binary && session.prot !== 'P' ? claimUploadThread(session.config.storage.uploadThreads) : undefined;
  let threadBytes: number | undefined; // written by the thread, which the socket's counters miss
  try {
    await runTransfer(session, {
      verb,
      path: target,
      direction: 'upload',
      openingText: openingText ?? `Opening ${modeName(session.type)} mode data connection for ${baseName(target)}`,
      doneText,
      onread: binary && !releaseThread ? receiver.onread : undefined,
      unread: releaseThread !== undefined,
      progress: () => threadBytes,
      async body(socket, signal) {
        const options = { mode, start, signal, keepPartial: session.config.storage.partialUploads === 'keep' };
        if (releaseThread && plainSocketFd(socket) !== undefined) {
          const onThread: WriteSource = {
            receiveInto: (fileFd, position) => receiveWithKernel({ socket, fileFd, position, signal, onProgress: (n) => (threadBytes = n) }),
            // A backend without host files iterates: the connection is then read on the event loop.
            [Symbol.asyncIterator]: () => (receiver.attach(socket, socket, signal), receiver[Symbol.asyncIterator]()),
          };
          return (await storage.write(target, onThread, options)).bytes;
        }
        if (binary) receiver.attach(socket, socket, signal);
        else {
          const converted = fromNetworkAscii();
          pipeline(socket, converted).catch(() => {}); // its error reaches the receiver through `converted`
          receiver.attach(converted, socket, signal);
        }
        const result = await storage.write(target, receiver, options);
        return result.bytes;
      },
    });
  } finally {
    releaseThread?.();
  }
}

/** STOR: refuse before the data connection opens when the target cannot be written. */
async function storeChecked(ctx: LoggedInContext): Promise<void> {
  const { session, storage, path } = ctx;
  const existing = await storage.stat(path).catch((err: unknown) => {
    if (err instanceof FerryError && err.code === 'NOT_FOUND') return undefined;
    throw err;
  });
  if (existing?.type === 'dir') throw new FerryError('IS_A_DIRECTORY', 'STOR onto a directory', { publicMessage: `${path} is a directory` });
  const resume = session.restOffset > 0;
  // REST + STOR rewrites the tail of an existing file: it needs the same rights as overwriting it.
  if (existing) {
    if (!session.config.storage.overwrite) {
      session.restOffset = 0;
      return ctx.reply(Reply.FILE_UNAVAILABLE, `${path} exists and overwriting is disabled on this server`);
    }
    if (!session.user!.permissions.has('delete')) {
      return ctx.reply(Reply.FILE_UNAVAILABLE, `${path} exists and you may not replace files (no delete permission)`);
    }
  }
  await store(ctx, resume ? 'resume' : 'replace', path, 'STOR');
}

export const fileTransferCommands = defineCommands(
  {
    verb: 'RETR',
    arg: 'required',
    path: 'required',
    permission: 'read',
    help: 'RETR <file>: download a file',
    handler: retrieve,
  },
  {
    verb: 'STOR',
    arg: 'required',
    path: 'required',
    permission: 'write',
    help: 'STOR <file>: upload a file',
    handler: storeChecked,
  },
  {
    verb: 'APPE',
    arg: 'required',
    path: 'required',
    permission: 'write',
    help: 'APPE <file>: append to a file (resume an upload)',
    handler: (ctx) => store(ctx, 'append', ctx.path, 'APPE'),
  },
  {
    verb: 'STOU',
    arg: 'optional',
    permission: 'write',
    help: 'STOU [name]: upload under a new unique name',
    async handler(ctx) {
      const hint = ctx.arg.trim() ? joinVirtual(ctx.session.cwd, ctx.arg.trim()) : undefined;
      const dir = hint ? parentOf(hint) : ctx.session.cwd;
      const base = hint ? baseName(hint) : 'ferry';
      const target = joinVirtual(dir, `${base}.${randomBytes(4).toString('hex')}`);
      ctx.session.restOffset = 0;
      const name = baseName(target);
      // RFC 1123 4.1.2.9: the 150 reply names the file ("FILE: name").
      await store(ctx, 'create', target, 'STOU', `FILE: ${name}`, `Transfer complete: stored as ${name}`);
    },
  },
  {
    verb: 'ABOR',
    arg: 'none',
    duringTransfer: true,
    help: 'ABOR: abort the running transfer',
    async handler({ session, reply }) {
      const transfer = session.transfer;
      if (!transfer) {
        session.data.reset();
        return reply(Reply.DATA_OPEN_NO_TRANSFER, 'No transfer to abort');
      }
      transfer.controller.abort();
      await transfer.done;
      reply(Reply.CLOSING_DATA, 'ABOR successful: transfer aborted');
    },
  },
);
