// Runs one data transfer (RFC 959 section 5.4 sequencing: 150, then 226 or 4xx/5xx): checks the data
// TLS policy, opens the data connection, streams with backpressure, honours ABOR and the idle timeout,
// closes TLS with close_notify and replies 226 only once the data has been flushed.
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { finished } from 'node:stream/promises';
import { FerryError } from '../errors/ferry-error.js';
import { errorToReply } from '../protocol/error-to-reply.js';
import { Reply } from '../protocol/reply-codes.js';
import type { Session } from '../session/session.js';
import { dataRequirement, sessionReuseRequired } from '../session/tls-policy.js';
import { releaseTickets, releaseTicketsWithFirstBytes } from '../tls/ticket-hold.js';
import type { TlsSessionScope } from '../tls/secure-context-provider.js';
import type { SecureOptions } from './data-channel.js';
import type { ReadTargets } from './receive-file.js';

export interface TransferSpec {
  verb: string;
  /** Path for logs and the 150 text. */
  path: string;
  direction: 'upload' | 'download' | 'listing';
  /** Text after "150 ". */
  openingText: string;
  /**
   * Move the bytes; returns how many went through (file bytes). The socket is the (possibly TLS) data
   * connection. No counting stage is needed on the hot path: STAT reads the socket's counters.
   */
  body(socket: Socket, signal: AbortSignal): Promise<number>;
  /** Bytes moved so far when the socket's counters do not see them (sendfile); undefined: they do. */
  progress?(): number | undefined;
  /** Uploads: read the data connection into these buffers (see DataChannel.open). */
  onread?: ReadTargets;
  /** Uploads on a thread of their own: Node must not read the (plain) data connection. */
  unread?: boolean;
  /** Text of the final 226 reply. */
  doneText?: string;
}

/** Replies sent before the data connection opens (policy, setup) use this; returns false if refused. */
function checkDataPolicy(session: Session, upload: boolean): boolean {
  if (dataRequirement(session.config, session.user) === 'required' && session.prot !== 'P') {
    session.reply(
      Reply.DATA_PROTECTION_REFUSED,
      'Data connections must be encrypted here: send PBSZ 0 and PROT P first (enable FTPES / "Require explicit FTP over TLS" in your client)',
    );
    session.data.reset();
    return false;
  }
  if (!session.data.isPrepared) {
    session.reply(Reply.CANT_OPEN_DATA, 'Use PASV, EPSV, PORT or EPRT first');
    return false;
  }
  if (session.data.isSecured && (session.prot !== 'P' || (upload && session.data.isSecuredForDownload))) {
    // Its TLS handshake began under PROT P (PROT C since), or began for a download where Node cannot
    // hold its ticket (a download command that failed, 550, left it): an upload must not get a
    // ticket while it sends (ticket-hold.ts).
    session.data.reset();
    session.reply(Reply.CANT_OPEN_DATA, `This data connection was set up for a protected ${session.prot !== 'P' ? 'transfer' : 'download'}: use PASV or EPSV again for this transfer`);
    return false;
  }
  return true;
}

/** Event-loop turns a download waits for its client's ClientHello: accepting, then reading it. */
const HELLO_TURNS = 3;

/**
 * A download under PROT P, before its command opens the file: start the prepared passive connection's
 * TLS handshake if that has not begun as it was accepted (DataChannel.beginSecure), and then give the
 * event loop a few turns (accept, read) so that a ClientHello already sent is answered first; one
 * sent later is answered when it comes. runTransfer takes the connection over; a command that fails
 * before that leaves it prepared, as it leaves a plain one. A second call for the same transfer does
 * nothing.
 */
export async function secureDownloadEarly(session: Session): Promise<void> {
  if (session.prot !== 'P' || !session.tlsScope) return;
  session.tlsScope.renewTickets = true;
  const helloRead = session.data.beginSecure(secureOptions(session, session.tlsScope));
  for (let turn = 0; helloRead && !helloRead() && turn < HELLO_TURNS; turn++) await new Promise((resolve) => setImmediate(resolve));
}

/** How the session's passive connections are secured as they are accepted (PROT P), else undefined. */
export function secureOnAccept(session: Session): SecureOptions | undefined {
  return session.prot === 'P' && session.tlsScope ? secureOptions(session, session.tlsScope) : undefined;
}

function secureOptions(session: Session, tlsScope: TlsSessionScope): SecureOptions {
  return { tlsScope, requireSessionReuse: sessionReuseRequired(session.config, session.user) };
}

export async function runTransfer(session: Session, spec: TransferSpec): Promise<void> {
  const upload = spec.direction === 'upload';
  if (!checkDataPolicy(session, upload)) return;
  const controller = new AbortController();
  let settle!: () => void;
  let socket: Socket | undefined;
  let finalBytes: number | undefined;
  const transfer = {
    verb: spec.verb,
    path: spec.path,
    controller,
    get bytes(): number {
      return finalBytes ?? spec.progress?.() ?? (socket ? (upload ? socket.bytesRead : socket.bytesWritten) : 0);
    },
    startedAt: Date.now(),
    done: new Promise<void>((resolve) => (settle = resolve)),
  };
  session.transfer = transfer;
  session.reply(Reply.FILE_STATUS_OK, spec.openingText);
  let complete = false;
  try {
    if (session.tlsScope) session.tlsScope.renewTickets = !upload;
    socket = await session.data.open({
      tlsScope: session.prot === 'P' ? session.tlsScope : undefined,
      requireSessionReuse: sessionReuseRequired(session.config, session.user),
      upload,
      onread: spec.onread,
      unread: spec.unread,
      signal: controller.signal,
    });
    // Under TLS, 'secure' fires inside a step of Node's TLS layer that is not over yet. A listing
    // ready at once was written and closed from within it, and FileZilla (GnuTLS) saw the data
    // connection end without a proper TLS close; sending starts on the next turn. Uploads attach
    // their reader at once.
    if (!upload && session.prot === 'P') await new Promise((resolve) => setImmediate(resolve));
    const idleMs = session.config.timeouts.dataIdle * 1000;
    socket.setTimeout(idleMs, () => controller.abort(new FerryError('TIMEOUT', 'data connection idle')));
    const moving = spec.body(socket, controller.signal);
    if (!upload && socket instanceof TLSSocket) releaseTicketsWithFirstBytes(socket);
    finalBytes = await moving;
    // Uploads are complete once storage has them, however the client then closes its side.
    // Downloads: pipeline ended the socket (TLS close_notify, then FIN); 226 waits until it is flushed.
    if (upload) {
      // All of the upload is in: a held ticket may go now, ahead of close_notify (ticket-hold.ts).
      if (socket instanceof TLSSocket) await releaseTickets(socket);
      socket.end();
    }
    else if (!socket.writableFinished) await finished(socket, { readable: false });
    complete = true;
    session.reply(Reply.CLOSING_DATA, spec.doneText ?? 'Transfer complete');
    session.data.standBy();
  } catch (err) {
    const reason = controller.signal.reason as unknown;
    if (controller.signal.aborted && reason instanceof FerryError && reason.code === 'TIMEOUT') {
      session.reply(Reply.TRANSFER_ABORTED, `Data connection idle for ${session.config.timeouts.dataIdle}s: transfer aborted`);
    } else if (controller.signal.aborted) {
      session.reply(Reply.TRANSFER_ABORTED, 'Transfer aborted');
    } else if (isConnectionError(err)) {
      session.reply(Reply.TRANSFER_ABORTED, 'Data connection closed: transfer aborted');
    } else {
      const r = errorToReply(err);
      if (r.unexpected) session.log.error({ err }, `${spec.verb} failed`);
      session.reply(r.code, r.text);
    }
    socket?.destroy();
  } finally {
    session.restOffset = 0;
    finalBytes ??= transfer.bytes;
    session.transfer = undefined;
    settle();
    if (spec.direction !== 'listing') session.services.onTransfer({
      sessionId: session.id,
      user: session.user?.name ?? '',
      anonymous: session.user?.anonymous ?? false,
      remoteAddress: session.remoteAddress,
      direction: spec.direction === 'upload' ? 'upload' : 'download',
      path: spec.path,
      bytes: transfer.bytes,
      durationMs: Date.now() - transfer.startedAt,
      type: session.type,
      complete,
      secure: session.prot === 'P',
    });
  }
}

const CONNECTION_ERRORS = new Set(['ECONNRESET', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE', 'ECONNABORTED', 'ERR_STREAM_DESTROYED']);

function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: string } | undefined)?.code;
  return typeof code === 'string' && CONNECTION_ERRORS.has(code);
}
