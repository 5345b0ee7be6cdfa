// Child process for the loopback ceiling test: connects to 127.0.0.1:PORT (TLS when asked) and
// writes BYTES as fast as the socket takes them, so sender and receiver each get their own core.
// Usage: loopback-sender.ts PORT BYTES tcp|tls
import { once } from 'node:events';
import net from 'node:net';
import tls from 'node:tls';

const [portArg, bytesArg, mode] = process.argv.slice(2);
const port = Number(portArg);
const bytes = Number(bytesArg);
const timer = setTimeout(() => process.exit(3), 120_000);
const socket = mode === 'tls' ? tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false }) : net.connect({ host: '127.0.0.1', port });
socket.on('error', () => process.exit(2));
await once(socket, mode === 'tls' ? 'secureConnect' : 'connect');
const block = Buffer.alloc(256 * 1024, 7);
for (let sent = 0; sent < bytes; sent += block.length) {
  if (!socket.write(block)) await once(socket, 'drain');
}
socket.end();
await once(socket, 'close');
clearTimeout(timer);
