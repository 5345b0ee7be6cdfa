// Session tickets of a data connection held back until its transfer's direction is known. A passive
// data connection's TLS handshake starts as soon as the client connects (its ClientHello is waiting,
// and curl even waits for the handshake before it sends its command), so the handshake decides on a
// new TLS 1.3 ticket before Ferry knows whether the connection is for a download or an upload. A
// download sends it (curl resumes the next data connection with it), an upload must not while the
// client sends: curl 7.88 (OpenSSL) loses upload data when a ticket arrives then (it reports success
// after ~115 KB). So the ticket waits:
// - Node's TLS server announces each new ticket through the `server`'s 'newSession' event and writes
//   nothing on that connection until the event's callback runs (its encrypted output waits, reading
//   goes on); it also keeps 'secure' back until then.
// - A held connection's handshake counts as complete once a ticket is held (completeHandshake).
// - A download releases the ticket once its first bytes are written (they go out behind it, in one
//   write); an upload once all of its data has arrived, just before Ferry's close_notify.
// This uses Node's per-connection `onnewsession` hook (an internal of node:tls, set on the handle of
// every server-side TLSSocket); `ticketHoldSupported` checks for it, and without it data connections
// keep starting their handshake at the transfer command, with the ticket decided there (renewTickets).
import type tls from 'node:tls';
import { serverHandleHas } from './ticket-binding.js';

type NewSessionHook = (this: unknown, ...args: unknown[]) => unknown;

/** The hold whose connection Node is announcing a new session for, during that synchronous call. */
let announcing: TicketHold | undefined;

const holds = new WeakMap<object, TicketHold>();

export class TicketHold {
  private readonly waiting: (() => void)[] = [];
  private released = false;
  private onHeld: (() => void) | undefined;

  /** Send the held tickets now, and any later one at once; returns whether any was held. */
  release(): boolean {
    this.released = true;
    const held = this.waiting.splice(0);
    for (const done of held) done();
    return held.length > 0;
  }

  /** Call `listener` once, when the first ticket is held (at once if one is). */
  whenHolding(listener: () => void): void {
    if (this.waiting.length > 0) listener();
    else this.onHeld = listener;
  }

  /** Follow `socket`'s new-session announcements (where ticketHoldSupported). */
  attach(socket: tls.TLSSocket): void {
    const handle = (socket as unknown as { _handle: { onnewsession?: NewSessionHook } | null })._handle;
    const original = handle?.onnewsession;
    if (!handle || typeof original !== 'function') return;
    const hold = this;
    holds.set(socket, hold);
    handle.onnewsession = function (this: unknown, ...args: unknown[]) {
      announcing = hold.released ? undefined : hold;
      try {
        return original.apply(this, args);
      } finally {
        announcing = undefined;
      }
    };
  }

  private keep(done: () => void): void {
    this.waiting.push(done);
    const listener = this.onHeld;
    this.onHeld = undefined;
    listener?.();
  }

  /**
   * A `server`'s 'newSession' listener hands its callback here: held if the connection being
   * announced is held, else called at once.
   */
  static pass(done: () => void): void {
    if (announcing) announcing.keep(done);
    else done();
  }
}

/**
 * Release the tickets held on `socket` (an upload whose data has all arrived), and resolve once they
 * are written. Node hands a TLS write to the socket a turn later than it says it is done, so a
 * close_notify right behind the tickets could follow the TCP FIN instead of preceding it; an empty
 * write's callback waits for both.
 */
export async function releaseTickets(socket: tls.TLSSocket): Promise<void> {
  if (!holds.get(socket)?.release()) return;
  await new Promise<void>((resolve) => socket.write(Buffer.alloc(0), () => resolve()));
}

/**
 * Release the tickets held on `socket` (a download whose body has just started) on the next turn of
 * the event loop, with what the body wrote by then: Node encrypts writes behind the held ticket and
 * sends them all in one write, so a small file's data leaves in the ticket's segment (one send and
 * one wake-up of the client fewer per file). A body that has written nothing yet (a listing being
 * read) sends the ticket alone, ahead of its data.
 */
export function releaseTicketsWithFirstBytes(socket: tls.TLSSocket): void {
  const hold = holds.get(socket);
  if (hold) setImmediate(() => hold.release());
}

/** Whether this Node offers the hook ticket holds rely on. */
export function ticketHoldSupported(): boolean {
  return serverHandleHas('onnewsession');
}
