// Hands out passive-mode listening sockets from the configured port range (RFC 959 PASV, RFC 2428
// EPSV). Shared by all sessions of a server; a port in use by another session is skipped, not retried.
import net from 'node:net';
import { FerryError } from '../errors/ferry-error.js';

export class PassivePortPool {
  private readonly inUse = new Set<number>();
  private next: number;
  /** Ports in the range; 0 for the range 0-0 (any free port, unlimited). */
  private readonly size: number;

  constructor(private readonly minPort: number, private readonly maxPort: number) {
    this.size = minPort === 0 && maxPort === 0 ? 0 : maxPort - minPort + 1;
    this.next = minPort + Math.floor(Math.random() * Math.max(this.size, 1));
  }

  /** Whether less than half of the range is in use (an unlimited range always has room). */
  hasRoom(): boolean {
    return this.size === 0 || this.inUse.size * 2 < this.size;
  }

  /** A listening server on `host` with a port from the range (any free port when the range is 0-0). */
  async listen(host: string): Promise<net.Server> {
    if (this.size === 0) return this.tryListen(host, 0);
    for (let tries = 0; tries < this.size; tries++) {
      const port = this.next;
      this.next = port >= this.maxPort ? this.minPort : port + 1;
      if (this.inUse.has(port)) continue;
      try {
        const server = await this.tryListen(host, port);
        this.inUse.add(port);
        server.once('close', () => this.inUse.delete(port));
        return server;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      }
    }
    throw new FerryError('DATA_CONNECTION_FAILED', 'passive port range exhausted', {
      publicMessage: 'No passive port free: too many transfers at once, try again shortly',
    });
  }

  private tryListen(host: string, port: number): Promise<net.Server> {
    return new Promise((resolve, reject) => {
      const server = net.createServer({ pauseOnConnect: true });
      server.once('error', reject);
      server.listen({ host, port, exclusive: true, backlog: 4 }, () => {
        server.removeListener('error', reject);
        // A failed accept (EMFILE) fails that connection only: the transfer waiting for it times out.
        server.on('error', () => {});
        resolve(server);
      });
    });
  }
}
