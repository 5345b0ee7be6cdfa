// Waits until a server accepts TCP connections (and greets) on 127.0.0.1, or gives up at a deadline.
import net from 'node:net';
import { delay } from './child-processes.js';

/**
 * Connect to the port on 127.0.0.1; `decide` settles the answer from the socket's events, and an
 * error or a second without one settles it false.
 */
function probe(port: number, decide: (socket: net.Socket, done: (answer: boolean) => void) => void): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    decide(socket, done);
  });
}

function tryGreeting(port: number): Promise<boolean> {
  return probe(port, (socket, done) => socket.once('data', (chunk) => done(chunk.toString('latin1').startsWith('220'))));
}

/** Whether something already accepts connections on the port (a server left running from before). */
export function portTaken(port: number): Promise<boolean> {
  return probe(port, (socket, done) => socket.once('connect', () => done(true)));
}

/** True once a 220 greeting arrives on the port; false when `timeoutMs` passes, or `alive()` says the server died. */
export async function waitForGreeting(port: number, timeoutMs: number, alive: () => boolean): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive()) return false;
    if (await tryGreeting(port)) return true;
    await delay(100);
  }
  return false;
}
