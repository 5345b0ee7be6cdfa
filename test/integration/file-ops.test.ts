// Integration: file and directory operations over explicit FTPS (RFC 959 MKD RMD RNFR RNTO DELE CWD
// CDUP PWD STOU LIST NLST, RFC 3659 SIZE MDTM MLSD, MFMT, SITE CHMOD), UTF-8 names (RFC 2640).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { FileType, type Client } from 'basic-ftp';
import { LocalStorage } from '../../src/storage/local/local-storage.js';
import { connectClient } from '../helpers/connect-client.js';
import { HashSink } from '../helpers/hash-sink.js';
import { RawFtpClient, readAll } from '../helpers/raw-ftp-client.js';
import { replyCode } from '../helpers/reply-code.js';
import { sha256 } from '../helpers/sha256.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

async function exists(p: string): Promise<boolean> {
  return stat(p).then(() => true, () => false);
}

/** STOU through basic-ftp's upload machinery (it has no public STOU call). */
function uploadUnique(client: Client, source: Readable, hint: string): Promise<{ code: number; message: string }> {
  const upload = (client as unknown as {
    _uploadWithCommand(s: Readable, remote: string, command: string, options: object): Promise<{ code: number; message: string }>;
  })._uploadWithCommand.bind(client);
  return upload(source, hint, 'STOU', {});
}

/** A raw LIST/NLST over plain FTP: the listing text exactly as the server sent it. */
async function rawListing(raw: RawFtpClient, command: string): Promise<string> {
  const data = await raw.pasv();
  const [opening, body] = await Promise.all([raw.send(command), readAll(data)]);
  assert.equal(opening.code, 150, opening.text);
  assert.equal((await raw.read()).code, 226);
  return body.toString('utf8');
}

describe('file operations', () => {
  let server: TestServer;
  let client: Client;
  const home = () => server.user.home;

  before(async () => {
    server = await startTestServer();
    client = await connectClient(server);
  });
  after(async () => {
    client.close();
    await server.stop();
  });

  test('MKD replies 257 with the quoted path; RMD removes it', async () => {
    const res = await client.send('MKD newdir');
    assert.equal(res.code, 257);
    assert.equal(res.message, '257 "/newdir" created');
    assert.ok((await stat(path.join(home(), 'newdir'))).isDirectory());
    assert.equal(await replyCode(client.send('MKD newdir')), 550); // exists
    assert.equal((await client.send('RMD newdir')).code, 250);
    assert.equal(await exists(path.join(home(), 'newdir')), false);
    assert.equal(await replyCode(client.send('RMD newdir')), 550); // gone
  });

  test('quotes in names are doubled in the 257 reply', async () => {
    const res = await client.send('MKD a"b');
    assert.equal(res.code, 257);
    assert.equal(res.message, '257 "/a""b" created');
    assert.ok((await stat(path.join(home(), 'a"b'))).isDirectory());
    assert.equal((await client.send('CWD a"b')).code, 250);
    const pwd = await client.send('PWD');
    assert.equal(pwd.message, '257 "/a""b" is the current directory');
    assert.equal((await client.send('CWD /')).code, 250);
    assert.equal((await client.send('RMD a"b')).code, 250);
    assert.equal(await exists(path.join(home(), 'a"b')), false);
  });

  test('RMD of a non-empty folder gets 550 and keeps it', async () => {
    await mkdir(path.join(home(), 'full'), { recursive: true });
    await writeFile(path.join(home(), 'full', 'f.txt'), 'x');
    assert.equal(await replyCode(client.send('RMD full')), 550);
    assert.equal(await readFile(path.join(home(), 'full', 'f.txt'), 'utf8'), 'x');
  });

  test('RNFR/RNTO renames a file and a folder', async () => {
    const data = randomBytes(1000);
    await writeFile(path.join(home(), 'before.bin'), data);
    assert.equal((await client.send('RNFR before.bin')).code, 350);
    assert.equal((await client.send('RNTO after.bin')).code, 250);
    assert.equal(await exists(path.join(home(), 'before.bin')), false);
    assert.equal(sha256(await readFile(path.join(home(), 'after.bin'))), sha256(data));

    await mkdir(path.join(home(), 'dir-old'));
    assert.equal((await client.rename('dir-old', 'dir-new')).code, 250);
    assert.ok((await stat(path.join(home(), 'dir-new'))).isDirectory());
    assert.equal(await exists(path.join(home(), 'dir-old')), false);
  });

  test('RNTO without RNFR gets 503; so does RNTO after another command', async () => {
    assert.equal(await replyCode(client.send('RNTO nowhere.bin')), 503);
    await writeFile(path.join(home(), 'stay.bin'), 'stay');
    assert.equal((await client.send('RNFR stay.bin')).code, 350);
    assert.equal((await client.send('NOOP')).code, 200);
    assert.equal(await replyCode(client.send('RNTO moved.bin')), 503);
    assert.equal(await readFile(path.join(home(), 'stay.bin'), 'utf8'), 'stay');
    assert.equal(await exists(path.join(home(), 'moved.bin')), false);
  });

  test('RNFR of a missing file gets 550', async () => {
    assert.equal(await replyCode(client.send('RNFR no-such-file')), 550);
  });

  test('DELE deletes a file; a missing file or a folder gets 550', async () => {
    await writeFile(path.join(home(), 'doomed.txt'), 'bye');
    assert.equal((await client.remove('doomed.txt')).code, 250);
    assert.equal(await exists(path.join(home(), 'doomed.txt')), false);
    assert.equal(await replyCode(client.send('DELE doomed.txt')), 550);
    await mkdir(path.join(home(), 'not-a-file'));
    assert.equal(await replyCode(client.send('DELE not-a-file')), 550);
    assert.ok((await stat(path.join(home(), 'not-a-file'))).isDirectory());
  });

  test('SIZE gives the byte count; folders and missing files get 550', async () => {
    await writeFile(path.join(home(), 'sized.bin'), randomBytes(12_345));
    assert.equal(await client.size('sized.bin'), 12_345);
    const res = await client.send('SIZE sized.bin');
    assert.equal(res.message, '213 12345');
    await mkdir(path.join(home(), 'sized-dir'), { recursive: true });
    assert.equal(await replyCode(client.send('SIZE sized-dir')), 550);
    assert.equal(await replyCode(client.send('SIZE missing.bin')), 550);
  });

  test('MDTM gives the modification time in UTC', async () => {
    const file = path.join(home(), 'dated.txt');
    await writeFile(file, 'dated');
    const when = new Date(Date.UTC(2021, 5, 15, 13, 14, 15));
    await utimes(file, when, when);
    const res = await client.send('MDTM dated.txt');
    assert.equal(res.message, '213 20210615131415');
    assert.equal((await client.lastMod('dated.txt')).getTime(), when.getTime());
    assert.equal(await replyCode(client.send('MDTM missing.txt')), 550);
  });

  test('MFMT sets the modification time', async () => {
    const file = path.join(home(), 'touched.txt');
    await writeFile(file, 'touch');
    const res = await client.send('MFMT 20200102030405 touched.txt');
    assert.equal(res.code, 213);
    assert.match(res.message, /Modify=20200102030405/);
    assert.equal((await stat(file)).mtime.getTime(), Date.UTC(2020, 0, 2, 3, 4, 5));
    assert.equal(await replyCode(client.send('MFMT 20201302030405 touched.txt')), 501); // month 13
    assert.equal(await replyCode(client.send('MFMT yesterday touched.txt')), 501);
    assert.equal(await replyCode(client.send('MFMT 20200102030405 missing.txt')), 550);
    assert.equal((await stat(file)).mtime.getTime(), Date.UTC(2020, 0, 2, 3, 4, 5));
  });

  test('SITE CHMOD sets the permission bits', async () => {
    const file = path.join(home(), 'private.txt');
    await writeFile(file, 'secret', { mode: 0o644 });
    assert.equal((await client.send('SITE CHMOD 600 private.txt')).code, 200);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.equal((await client.send('SITE CHMOD 640 private.txt')).code, 200);
    assert.equal((await stat(file)).mode & 0o777, 0o640);
    assert.equal(await replyCode(client.send('SITE CHMOD 999 private.txt')), 501);
    assert.equal(await replyCode(client.send('SITE CHMOD 600 missing.txt')), 550);
    assert.equal((await stat(file)).mode & 0o777, 0o640);
  });

  test('STOU stores under a new unique name and never overwrites', async () => {
    const original = Buffer.from('original');
    await writeFile(path.join(home(), 'report.txt'), original);
    const data = randomBytes(5000);
    const res = await uploadUnique(client, Readable.from([data]), 'report.txt');
    assert.equal(res.code, 226);
    const stored = /stored as (\S+)/.exec(res.message)?.[1];
    assert.ok(stored, res.message);
    assert.notEqual(stored, 'report.txt');
    assert.ok(stored.startsWith('report.txt.'));
    assert.equal(sha256(await readFile(path.join(home(), stored))), sha256(data));
    assert.equal(sha256(await readFile(path.join(home(), 'report.txt'))), sha256(original));
  });

  test('CWD, CDUP and PWD move around; files and missing folders get 550', async () => {
    await mkdir(path.join(home(), 'd1', 'd2'), { recursive: true });
    await writeFile(path.join(home(), 'd1', 'file.txt'), 'f');
    assert.equal(await client.pwd(), '/');
    assert.equal((await client.cd('d1/d2')).code, 250);
    assert.equal(await client.pwd(), '/d1/d2');
    assert.equal((await client.cdup()).code, 250);
    assert.equal(await client.pwd(), '/d1');
    assert.equal(await replyCode(client.cd('file.txt')), 550);
    assert.equal(await replyCode(client.cd('nope')), 550);
    assert.equal(await client.pwd(), '/d1');
    // Relative paths follow the cwd.
    assert.equal(await client.size('file.txt'), 1);
    assert.equal((await client.cd('/')).code, 250);
    assert.equal((await client.cdup()).code, 250); // the root's parent is the root
    assert.equal(await client.pwd(), '/');
    assert.equal((await client.send('XPWD')).message, '257 "/" is the current directory');
  });

  test('UTF-8 names round-trip', async () => {
    const name = 'ünïcødé ✓.txt';
    const data = randomBytes(2048);
    assert.equal((await client.uploadFrom(Readable.from([data]), name)).code, 226);
    assert.ok((await readdir(home())).includes(name));
    assert.equal(sha256(await readFile(path.join(home(), name))), sha256(data));
    const sink = new HashSink();
    assert.equal((await client.downloadTo(sink, name)).code, 226);
    assert.equal(sink.sha256, sha256(data));
    const entry = (await client.list()).find((f) => f.name === name);
    assert.ok(entry, 'UTF-8 name missing from MLSD');
    assert.equal(entry.size, 2048);

    const dir = 'dossier été ✓';
    assert.equal((await client.send(`MKD ${dir}`)).message, `257 "/${dir}" created`);
    await client.cd(dir);
    assert.equal(await client.pwd(), `/${dir}`);
    await client.cd('/');
  });

  describe('listings', () => {
    let raw: RawFtpClient;
    before(async () => {
      await mkdir(path.join(home(), 'listed', 'sub'), { recursive: true });
      await writeFile(path.join(home(), 'listed', 'a.txt'), randomBytes(10));
      await writeFile(path.join(home(), 'listed', 'b.bin'), randomBytes(300_000));
      await writeFile(path.join(home(), 'listed', '.hidden'), 'h');
      await mkdir(path.join(home(), 'many'), { recursive: true });
      await Promise.all(Array.from({ length: 1000 }, (_, i) => writeFile(path.join(home(), 'many', `file-${String(i).padStart(4, '0')}.txt`), 'x'.repeat(i))));
      raw = await RawFtpClient.login(server.host, server.port, server.user.name, server.user.password);
    });
    after(() => raw.close());

    test('MLSD (basic-ftp list) gives names, sizes and types', async () => {
      const entries = await client.list('listed');
      const byName = new Map(entries.map((e) => [e.name, e]));
      assert.deepEqual([...byName.keys()].sort(), ['.hidden', 'a.txt', 'b.bin', 'sub']);
      assert.equal(byName.get('a.txt')!.type, FileType.File);
      assert.equal(byName.get('a.txt')!.size, 10);
      assert.equal(byName.get('b.bin')!.size, 300_000);
      assert.equal(byName.get('sub')!.type, FileType.Directory);
      assert.ok(byName.get('b.bin')!.modifiedAt instanceof Date);
    });

    test('MLSD of a file gets 550; MLST of a file gives its facts', async () => {
      assert.equal(await replyCode(client.send('MLSD listed/a.txt')), 550);
      const res = await client.send('MLST listed/a.txt');
      assert.equal(res.code, 250);
      assert.match(res.message, /type=file;/);
      assert.match(res.message, /size=10;/);
      assert.match(res.message, / \/listed\/a\.txt/);
    });

    test('LIST (forced in basic-ftp) gives names, sizes and types', async () => {
      const listing = await connectClient(server);
      try {
        listing.availableListCommands = ['LIST'];
        const entries = await listing.list('listed');
        const byName = new Map(entries.map((e) => [e.name, e]));
        assert.ok(byName.has('a.txt') && byName.has('b.bin') && byName.has('sub'), JSON.stringify([...byName.keys()]));
        assert.equal(byName.get('a.txt')!.type, FileType.File);
        assert.equal(byName.get('a.txt')!.size, 10);
        assert.equal(byName.get('b.bin')!.size, 300_000);
        assert.equal(byName.get('sub')!.type, FileType.Directory);
      } finally {
        listing.close();
      }
    });

    test('raw LIST lines are in ls -l form; LIST -la is accepted; NLST gives names', async () => {
      const text = await rawListing(raw, 'LIST listed');
      const lines = text.split('\r\n').filter(Boolean);
      assert.ok(text.endsWith('\r\n'));
      const line = lines.find((l) => l.endsWith(' b.bin'));
      assert.ok(line, text);
      assert.match(line, /^-[rwx-]{9} +\d+ +alice +alice +300000 +[A-Z][a-z]{2} [ \d]\d +(\d\d:\d\d|\d{4}) b\.bin$/);
      assert.match(lines.find((l) => l.endsWith(' sub'))!, /^d[rwx-]{9} /);

      const flagged = await rawListing(raw, 'LIST -la listed');
      assert.ok(flagged.split('\r\n').some((l) => l.endsWith(' a.txt')), flagged);

      const names = (await rawListing(raw, 'NLST listed')).split('\r\n').filter(Boolean).sort();
      assert.deepEqual(names, ['.hidden', 'a.txt', 'b.bin', 'sub']);
    });

    test('a listing of 1,000 files returns them all, MLSD and LIST', async () => {
      const entries = await client.list('many');
      assert.equal(entries.length, 1000);
      const sizes = new Map(entries.map((e) => [e.name, e.size]));
      for (let i = 0; i < 1000; i += 111) assert.equal(sizes.get(`file-${String(i).padStart(4, '0')}.txt`), i);
      const lines = (await rawListing(raw, 'LIST many')).split('\r\n').filter(Boolean);
      assert.equal(lines.length, 1000);
      assert.equal(new Set(lines.map((l) => l.split(' ').pop())).size, 1000);
    });

    test('listings of a folder come from the backend\'s own lines (listLines); LIST of a file does not', async () => {
      // The generic path (list, then format on the main thread) gives the same bytes, so only this
      // test and the benchmark would notice a command that stopped using the listing threads.
      const original = LocalStorage.prototype.listLines;
      const kinds: string[] = [];
      LocalStorage.prototype.listLines = function (this: LocalStorage, ...args: Parameters<LocalStorage['listLines']>) {
        kinds.push(args[1].kind);
        return original.apply(this, args);
      };
      try {
        await rawListing(raw, 'LIST listed');
        await rawListing(raw, 'NLST listed');
        await rawListing(raw, 'MLSD listed');
        assert.deepEqual(kinds, ['list', 'nlst', 'mlsd']);
        assert.match(await rawListing(raw, 'LIST listed/a.txt'), / a\.txt\r\n$/);
        assert.equal(kinds.length, 3, 'a file\'s own line is made on the main thread');
      } finally {
        LocalStorage.prototype.listLines = original;
      }
    });

    test('LIST of a missing folder gets 550', async () => {
      assert.equal(await replyCode(client.send('MLSD missing-folder')), 550);
      const res = await raw.send('LIST missing-folder');
      assert.equal(res.code, 550);
    });
  });
});
