// Data safety: a full disk gives 552 and leaves no corrupt file; an interrupted upload never replaces
// a good file; storage.partialUploads decides whether a broken new upload is kept for resume.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RawFtpClient, writeAll } from '../helpers/raw-ftp-client.js';
import { DEFAULT_USER, startTestServer, type TestServer } from '../helpers/test-server.js';

/** Mount a small tmpfs (root only); returns undefined with a reason when the machine does not allow it. */
function mountTmpfs(dir: string, size: string): string | undefined {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
    return undefined;
  } catch (err) {
    return `cannot mount a tmpfs here (${(err as Error).message.split('\n')[0]})`;
  }
}

async function upload(client: RawFtpClient, name: string, data: Buffer, cut = false) {
  const socket = await client.pasv();
  const opening = await client.send(`STOR ${name}`);
  assert.equal(opening.code, 150);
  if (cut) {
    // Interrupt deterministically with ABOR (RFC 959): 426 for the transfer, then 226 for ABOR.
    // (A FIN would mean "end of file" in stream mode; resets are covered by abort.test.ts.)
    await new Promise<void>((resolve) => socket.write(data.subarray(0, data.length / 2), () => resolve()));
    await new Promise((r) => setTimeout(r, 50));
    const aborted = await client.send('ABOR');
    const abor = await client.read();
    assert.equal(abor.code, 226);
    socket.destroy();
    return aborted;
  } else {
    await writeAll(socket, data).catch(() => {});
    socket.end();
  }
  return client.read();
}

describe('disk full', () => {
  const mountDir = path.join(os.tmpdir(), `ferry-full-${process.pid}`);
  let skip: string | undefined;
  let server: TestServer | undefined;
  before(async () => {
    await (await import('node:fs/promises')).mkdir(mountDir, { recursive: true });
    skip = mountTmpfs(mountDir, '4m');
    if (!skip) server = await startTestServer({ config: { storage: { root: mountDir } } });
  });
  after(async () => {
    await server?.stop();
    if (!skip) execFileSync('umount', [mountDir]);
    await rm(mountDir, { recursive: true, force: true });
  });

  test('an upload larger than the free space gets 552, and the previous file is intact', async (t) => {
    if (skip) return t.skip(skip);
    const home = path.join(mountDir, DEFAULT_USER.name);
    await (await import('node:fs/promises')).mkdir(home, { recursive: true });
    await writeFile(path.join(home, 'keep.txt'), 'good content');
    const client = await RawFtpClient.login(server!.host, server!.port, DEFAULT_USER.name, DEFAULT_USER.password);
    assert.equal((await client.send('TYPE I')).code, 200);
    const reply = await upload(client, 'keep.txt', Buffer.alloc(8 * 1024 * 1024, 1));
    assert.equal(reply.code, 552);
    assert.match(reply.text, /space/i);
    assert.equal(await readFile(path.join(home, 'keep.txt'), 'utf8'), 'good content');
    assert.deepEqual((await readdir(home)).sort(), ['keep.txt'], 'no temporary or partial file left');
    assert.equal((await client.send('NOOP')).code, 200);
    await client.close();
  });
});

for (const partialUploads of ['delete', 'keep'] as const) {
  describe(`interrupted uploads with storage.partialUploads: ${partialUploads}`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ config: { storage: { partialUploads } } });
      await writeFile(path.join(server.user.home, 'good.bin'), 'GOOD');
    });
    after(() => server.stop());

    test('an existing file is never replaced; a new file is kept only when configured', async () => {
      const client = await RawFtpClient.login(server.host, server.port, DEFAULT_USER.name, DEFAULT_USER.password);
      assert.equal((await client.send('TYPE I')).code, 200);
      const data = Buffer.alloc(4 * 1024 * 1024, 9);
      assert.equal((await upload(client, 'good.bin', data, true)).code, 426);
      assert.equal(await readFile(path.join(server.user.home, 'good.bin'), 'utf8'), 'GOOD');
      assert.equal((await upload(client, 'new.bin', data, true)).code, 426);
      const kept = await stat(path.join(server.user.home, 'new.bin')).catch(() => undefined);
      if (partialUploads === 'keep') {
        assert.ok(kept && kept.size > 0 && kept.size < data.length, 'partial file kept for resume');
        const size = await client.send('SIZE new.bin');
        assert.equal(size.code, 213);
      } else {
        assert.equal(kept, undefined, 'partial file deleted');
      }
      const left = (await readdir(server.user.home)).filter((n) => n.startsWith('.ferry-upload-'));
      assert.deepEqual(left, [], 'no hidden temporary file left');
      await client.close();
    });
  });
}
