// Streams keep backpressure end to end: moving 1 GiB each way over FTPES (curl, PROT P) leaves the
// server's memory flat. The server runs in this process; curl is the client, in its own process.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { open, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { DEFAULT_USER, startTestServer, type TestServer } from '../helpers/test-server.js';

const SIZE = 1024 * 1024 * 1024;
const MAX_GROWTH = 150 * 1024 * 1024;

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.stop());

function curl(args: string[], stdin?: 'zeros'): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('curl', ['-sS', '--ssl-reqd', '-k', '-u', `${DEFAULT_USER.name}:${DEFAULT_USER.password}`, ...args], { stdio: [stdin ? 'pipe' : 'ignore', 'ignore', 'inherit'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    if (stdin) {
      // Feed 1 GiB of zeros in 1 MiB writes, respecting the pipe's backpressure.
      const chunk = Buffer.alloc(1024 * 1024);
      let sent = 0;
      const pump = () => {
        while (sent < SIZE) {
          sent += chunk.length;
          if (!child.stdin!.write(chunk)) return void child.stdin!.once('drain', pump);
        }
        child.stdin!.end();
      };
      child.stdin!.on('error', () => {});
      pump();
    }
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code ?? -1);
    });
  });
}

/** Runs `work` while sampling RSS; returns the peak growth over the starting RSS. */
async function peakGrowth(work: () => Promise<void>): Promise<number> {
  global.gc?.();
  const start = process.memoryUsage().rss;
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return peak - start;
}

test('1 GiB download and upload over FTPES keep server memory flat', { timeout: 300_000 }, async () => {
  const big = path.join(server.user.home, 'big.bin');
  const fh = await open(big, 'w');
  await fh.truncate(SIZE); // sparse: no disk is used for the source
  await fh.close();

  const down = await peakGrowth(async () => {
    assert.equal(await curl([`ftp://${server.host}:${server.port}/big.bin`, '-o', '/dev/null']), 0);
  });
  assert.ok(down < MAX_GROWTH, `download grew RSS by ${(down / 1048576).toFixed(0)} MiB`);
  await rm(big);

  const up = await peakGrowth(async () => {
    assert.equal(await curl(['-T', '-', `ftp://${server.host}:${server.port}/up.bin`], 'zeros'), 0);
  });
  assert.equal((await stat(path.join(server.user.home, 'up.bin'))).size, SIZE);
  assert.ok(up < MAX_GROWTH, `upload grew RSS by ${(up / 1048576).toFixed(0)} MiB`);
  await rm(path.join(server.user.home, 'up.bin'));
});
