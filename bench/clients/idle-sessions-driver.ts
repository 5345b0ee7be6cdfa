// Child process for measurement 6: opens SESSIONS explicit-FTPS control connections (AUTH TLS, USER,
// PASS, PBSZ 0, PROT P), CONCURRENCY logins at a time, prints "READY {json}", holds them idle until
// stdin closes or says "close", then QUITs them all and exits.
// Usage: idle-sessions-driver.ts '{"port":..,"user":..,"password":..,"sessions":..,"concurrency":..}'
import { createInterface } from 'node:readline';
import { FtpsControlSession } from './ftps-control-session.js';

interface IdleArgs {
  port: number;
  user: string;
  password: string;
  sessions: number;
  concurrency: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as IdleArgs;
const hardStop = setTimeout(() => process.exit(3), 20 * 60_000);
const open: FtpsControlSession[] = [];
const errors: string[] = [];

async function login(): Promise<void> {
  const session = await FtpsControlSession.open(args.port, 60_000);
  try {
    await session.command(`USER ${args.user}`, 331);
    await session.command(`PASS ${args.password}`, 230);
    await session.command('PBSZ 0', 200);
    await session.command('PROT P', 200);
    open.push(session);
  } catch (err) {
    session.close();
    throw err;
  }
}

let next = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: Math.min(args.concurrency, args.sessions) }, async () => {
    while (next < args.sessions) {
      next += 1;
      await login().catch((err: Error) => errors.push(err.message));
    }
  }),
);
process.stdout.write(`READY ${JSON.stringify({ open: open.length, errors: errors.length, errorSamples: [...new Set(errors)].slice(0, 5), loginMs: performance.now() - started })}\n`);

const input = createInterface({ input: process.stdin });
await new Promise<void>((resolve) => {
  input.on('line', (line) => line.trim() === 'close' && resolve());
  input.on('close', resolve);
});
await Promise.all(open.map((s) => s.command('QUIT', 221).catch(() => undefined).finally(() => s.close())));
clearTimeout(hardStop);
process.exit(0);
