// The machine's own ceilings, measured in the same run: AES-128-GCM speed (openssl speed) and one
// TCP stream over loopback, raw and through Node's TLS, so FTP figures can be read against them.
import { once } from 'node:events';
import net from 'node:net';
import tls from 'node:tls';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { delay, killTree, runCommand, spawnTracked } from '../lib/child-processes.js';
import { BENCH_DIR, REPO_DIR } from '../plan.js';
import { readingInto } from '../../src/data/read-into-buffers.js';
import { summarize, type Summary } from '../lib/summary.js';
import type { BenchCertificate } from '../lib/certificate.js';

export interface MachineLimits {
  /** openssl speed -evp aes-128-gcm, 16 KiB blocks, one core: MB/s. */
  aes128gcmMBps: number | undefined;
  /** The same for AES-256-GCM, the cipher TLS 1.3 negotiates here by default. */
  aes256gcmMBps: number | undefined;
  /** One TCP stream 127.0.0.1 -> 127.0.0.1 between two Node processes: MB/s. */
  loopbackTcpMBps: Summary | undefined;
  /** The same through Node TLS (TLS 1.3, AES-256-GCM as negotiated by default): MB/s, the ceiling for one Node TLS stream. */
  loopbackTlsMBps: Summary | undefined;
  notes: string[];
}

async function opensslSpeed(cipher: 'aes-128-gcm' | 'aes-256-gcm'): Promise<number | undefined> {
  const r = await runCommand('openssl', ['speed', '-evp', cipher, '-bytes', '16384', '-seconds', '1'], { timeoutMs: 60_000 });
  // Last line: "AES-128-GCM   1234567.89k" (thousands of bytes per second for the single block size).
  const match = new RegExp(`^${cipher}\\s+([\\d.]+)k\\s*$`, 'im').exec(r.stdout);
  return match ? (Number(match[1]) * 1000) / 1e6 : undefined;
}

/**
 * Receive `bytes` from a sender child process over loopback; returns MB/s from first to last byte.
 * A plain stream is read into one reused 1 MiB buffer, as Ferry reads uploads (a fresh 64 KiB buffer
 * per read made this figure depend on the bench process's own garbage collection).
 */
async function streamOnce(bytes: number, secure: BenchCertificate | undefined): Promise<number> {
  const options = secure ? { cert: await readFile(secure.certFile), key: await readFile(secure.keyFile) } : undefined;
  const server = options ? tls.createServer(options) : net.createServer({ pauseOnConnect: true });
  let received = 0;
  let firstByteAt = 0;
  const done = new Promise<number>((resolve) => {
    const count = (n: number): void => {
      if (received === 0) firstByteAt = performance.now();
      received += n;
      if (received >= bytes) resolve(performance.now());
    };
    server.on(options ? 'secureConnection' : 'connection', (accepted: net.Socket) => {
      accepted.on('error', () => {});
      const buffer = Buffer.allocUnsafe(1024 * 1024);
      const socket = options ? accepted : readingInto(accepted, { buffer: () => buffer, callback: (n) => (count(n), true) });
      if (socket === accepted) socket.on('data', (chunk: Buffer) => count(chunk.length));
      socket.resume();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  const sender = spawnTracked(process.execPath, ['--import', 'tsx', path.join(BENCH_DIR, 'clients/loopback-sender.ts'), String(port), String(bytes), secure ? 'tls' : 'tcp'], { cwd: REPO_DIR });
  try {
    const finished = await Promise.race([
      done,
      sender.exited.then((code) => delay(1000).then(() => Promise.reject(new Error(`sender exited (${code}) after ${received} bytes`)))),
      delay(120_000).then(() => Promise.reject(new Error('loopback stream timed out'))),
    ]);
    return bytes / 1e6 / ((finished - firstByteAt) / 1000);
  } finally {
    await killTree(sender, 1000);
    server.close();
  }
}

export async function measureMachineLimits(cert: BenchCertificate, runs: number, bytes: number): Promise<MachineLimits> {
  const notes: string[] = [];
  const tryRuns = async (secure: BenchCertificate | undefined): Promise<Summary | undefined> => {
    try {
      const values: number[] = [];
      for (let i = 0; i < runs; i++) values.push(await streamOnce(bytes, secure));
      return summarize(values);
    } catch (err) {
      notes.push(`loopback ${secure ? 'TLS' : 'TCP'} test failed: ${(err as Error).message}`);
      return undefined;
    }
  };
  return {
    aes128gcmMBps: await opensslSpeed('aes-128-gcm'),
    aes256gcmMBps: await opensslSpeed('aes-256-gcm'),
    loopbackTcpMBps: await tryRuns(undefined),
    loopbackTlsMBps: await tryRuns(cert),
    notes,
  };
}
