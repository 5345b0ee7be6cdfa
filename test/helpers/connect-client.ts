// Opens a logged-in basic-ftp Client on a test server: explicit FTPS by default (self-signed
// certificate accepted), plain FTP with `secure: false`, implicit FTPS with `secure: 'implicit'`.
import { Client } from 'basic-ftp';
import type { TestServer } from './test-server.js';

export interface ConnectClientOptions {
  secure?: boolean | 'implicit';
  user?: string;
  password?: string;
  /** basic-ftp's timeout, in ms (default 15,000). */
  timeoutMs?: number;
}

export async function connectClient(server: TestServer, options: ConnectClientOptions = {}): Promise<Client> {
  const secure = options.secure ?? true;
  const client = new Client(options.timeoutMs ?? 15_000);
  try {
    await client.access({
      host: server.host,
      port: secure === 'implicit' ? server.implicitPort : server.port,
      user: options.user ?? server.user.name,
      password: options.password ?? server.user.password,
      secure,
      secureOptions: { rejectUnauthorized: false },
    });
  } catch (err) {
    client.close();
    throw err;
  }
  return client;
}
