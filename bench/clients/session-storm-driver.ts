// Child process for measurement 5: SESSIONS short FTPES sessions, at most CONCURRENCY at once, each
// a TLS login, PWD, one small download (PROT P, resumed TLS session) and QUIT, with basic-ftp.
// Prints one JSON line: sessions done, errors, wall time and this client's own CPU time.
// Usage: session-storm-driver.ts '{"port":..,"user":..,"password":..,"file":..,"sessions":..,"concurrency":..}'
import { Writable } from 'node:stream';
import { Client } from 'basic-ftp';

interface StormArgs {
  port: number;
  user: string;
  password: string;
  file: string;
  sessions: number;
  concurrency: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as StormArgs;
const hardStop = setTimeout(() => process.exit(3), 15 * 60_000);

class CountingSink extends Writable {
  bytes = 0;
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.bytes += chunk.length;
    done();
  }
}

async function oneSession(): Promise<void> {
  const client = new Client(30_000);
  try {
    await client.access({ host: '127.0.0.1', port: args.port, user: args.user, password: args.password, secure: true, secureOptions: { rejectUnauthorized: false } });
    await client.pwd();
    const sink = new CountingSink();
    await client.downloadTo(sink, args.file);
    if (sink.bytes === 0) throw new Error('empty download');
    await client.send('QUIT');
  } finally {
    client.close();
  }
}

let next = 0;
let ok = 0;
const errors: string[] = [];
const cpuStart = process.cpuUsage();
const started = performance.now();
await Promise.all(
  Array.from({ length: Math.min(args.concurrency, args.sessions) }, async () => {
    while (next < args.sessions) {
      next += 1;
      try {
        await oneSession();
        ok += 1;
      } catch (err) {
        errors.push((err as Error).message);
      }
    }
  }),
);
const wallMs = performance.now() - started;
const cpu = process.cpuUsage(cpuStart);
clearTimeout(hardStop);
process.stdout.write(
  JSON.stringify({ ok, errors: errors.length, errorSamples: [...new Set(errors)].slice(0, 5), wallMs, clientCpuMs: (cpu.user + cpu.system) / 1000 }) + '\n',
);
