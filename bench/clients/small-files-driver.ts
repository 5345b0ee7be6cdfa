// Child process for measurement 3: ONE FTPES session (basic-ftp, PROT P) that downloads every file
// of a folder in turn; each data connection resumes the control connection's TLS session.
// Prints one JSON line: files, bytes, the seconds the downloads took (login excluded), client CPU.
// Usage: small-files-driver.ts '{"port":..,"user":..,"password":..,"dir":..,"names":[..]}'
import { Writable } from 'node:stream';
import { Client } from 'basic-ftp';

interface SmallFilesArgs {
  port: number;
  user: string;
  password: string;
  dir: string;
  names: string[];
}

const args = JSON.parse(process.argv[2] ?? '{}') as SmallFilesArgs;
const hardStop = setTimeout(() => process.exit(3), 15 * 60_000);

let bytes = 0;
const sink = () =>
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done();
    },
  });

const client = new Client(30_000);
try {
  await client.access({ host: '127.0.0.1', port: args.port, user: args.user, password: args.password, secure: true, secureOptions: { rejectUnauthorized: false } });
  await client.cd(args.dir);
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  for (const name of args.names) await client.downloadTo(sink(), name);
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  await client.send('QUIT');
  process.stdout.write(JSON.stringify({ files: args.names.length, bytes, seconds, clientCpuMs: (cpu.user + cpu.system) / 1000 }) + '\n');
} finally {
  client.close();
  clearTimeout(hardStop);
}
