// Soak test (npm run soak): 300 concurrent FTPES sessions log in, list, upload and download for 60 s
// against a Ferry child process. Asserts zero errors, byte-exact data, and that the server's memory
// and file descriptors return to their baseline afterwards. SOAK_SESSIONS / SOAK_SECONDS shorten it.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'basic-ftp';
import YAML from 'yaml';
import { addUser } from '../../src/auth/users-file.js';
import { FerryProcess } from '../cli/run-ferry.js';

const SESSIONS = Number(process.env.SOAK_SESSIONS ?? 300);
const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const USERS = 10;

async function serverStats(pid: number): Promise<{ rssKiB: number; fds: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)![1]);
  const fds = (await readdir(`/proc/${pid}/fd`)).length;
  return { rssKiB, fds };
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test(`soak: ${SESSIONS} concurrent FTPES sessions for ${SECONDS}s`, { timeout: (SECONDS + 240) * 1000 }, async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ferry-soak-'));
  const configFile = path.join(dir, 'ferry.yaml');
  await writeFile(
    configFile,
    YAML.stringify({
      server: { host: '127.0.0.1', port: 0, maxClients: SESSIONS + 50, maxClientsPerIp: SESSIONS + 50, maxSessionsPerUser: SESSIONS },
      passive: { minPort: 0, maxPort: 0 },
      tls: { mode: 'required', implicit: { enabled: false } },
      security: { ban: { enabled: false } },
      logging: { level: 'warn', pretty: 'never' },
    }),
  );
  for (let u = 0; u < USERS; u++) await addUser(path.join(dir, 'users.yaml'), { name: `soak${u}`, password: `pass-${u}` });
  const ferry = new FerryProcess(['serve', '-c', configFile], { timeoutMs: (SECONDS + 240) * 1000 });
  try {
    const m = await ferry.waitForOutput(/FTP\/FTPES on [\d.]+:(\d+)/);
    const port = Number(m[1]);
    await sleep(500);
    const baseline = await serverStats(ferry.child.pid!);

    const errors: string[] = [];
    let transfers = 0;
    const round = async (seconds: number) => {
      const until = Date.now() + seconds * 1000;
      const worker = async (i: number) => {
        const client = new Client(30_000);
        try {
          await client.access({ host: '127.0.0.1', port, user: `soak${i % USERS}`, password: `pass-${i % USERS}`, secure: true, secureOptions: { rejectUnauthorized: false } });
          await client.ensureDir(`/w${i}`);
          while (Date.now() < until) {
            const payload = randomBytes(16 * 1024 + (i % 7) * 1000);
            await client.uploadFrom(Readable.from([payload]), `f.bin`);
            const sink = new PassThrough();
            const chunks: Buffer[] = [];
            sink.on('data', (c: Buffer) => chunks.push(c));
            await client.downloadTo(sink, `f.bin`);
            if (sha(Buffer.concat(chunks)) !== sha(payload)) errors.push(`session ${i}: data mismatch`);
            const list = await client.list();
            if (!list.some((e) => e.name === 'f.bin')) errors.push(`session ${i}: listing lacks f.bin`);
            transfers += 2;
          }
        } catch (err) {
          errors.push(`session ${i}: ${(err as Error).message}`);
        } finally {
          client.close();
        }
      };
      // Ramp up over the first seconds so the logins (scrypt) are not one burst.
      await Promise.all(
        Array.from({ length: SESSIONS }, async (_, i) => {
          await sleep(Math.floor((i / SESSIONS) * Math.min(10, seconds / 3) * 1000));
          await worker(i);
        }),
      );
      await sleep(3000); // sessions closed by the clients; let the server settle
      return serverStats(ferry.child.pid!);
    };
    // Two rounds: memory the first one takes is kept by the allocator (RSS rarely shrinks); a leak
    // would keep growing in the second round, retained memory does not.
    const first = await round(SECONDS / 2);
    const second = await round(SECONDS / 2);
    process.stdout.write(`# soak: ${transfers} transfers; server baseline ${JSON.stringify(baseline)}, after round 1 ${JSON.stringify(first)}, after round 2 ${JSON.stringify(second)}\n`);
    assert.deepEqual(errors.slice(0, 10), []);
    assert.ok(transfers > SESSIONS, `${transfers} transfers`);
    assert.ok(first.fds <= baseline.fds + 5 && second.fds <= baseline.fds + 5, `fds ${baseline.fds} -> ${first.fds} -> ${second.fds}`);
    assert.ok(second.rssKiB - first.rssKiB < 32 * 1024, `rss grew ${second.rssKiB - first.rssKiB} KiB in the second round`);
  } finally {
    await ferry.stop('SIGTERM', 10_000);
    await rm(dir, { recursive: true, force: true });
  }
});
