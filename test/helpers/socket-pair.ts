// Connected loopback TCP pairs for the data-path unit tests (sendfile, transfer threads).
import net from 'node:net';

export interface SocketPair {
  /** The server's side (accepted), as a data connection in Ferry is. */
  server: net.Socket;
  /** The client's side. */
  client: net.Socket;
  close(): void;
}

/** A connected loopback pair; `options` go to the listening server (pauseOnConnect, say). */
export async function socketPair(options: net.ServerOpts = {}): Promise<SocketPair> {
  const listener = net.createServer(options);
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const { port } = listener.address() as net.AddressInfo;
  const accepted = new Promise<net.Socket>((resolve) => listener.once('connection', resolve));
  const client = net.connect(port, '127.0.0.1');
  const server = await accepted;
  listener.close();
  return {
    server,
    client,
    close() {
      server.destroy();
      client.destroy();
    },
  };
}

/** Runs `use` with a fresh pair, closed afterwards whatever happens. */
export async function withPair(use: (pair: SocketPair) => Promise<void>, options: net.ServerOpts = {}): Promise<void> {
  const pair = await socketPair(options);
  try {
    await use(pair);
  } finally {
    pair.close();
  }
}
