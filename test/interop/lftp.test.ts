// Interop with lftp (GnuTLS): explicit FTPS with PROT P forced, file and folder commands, mirror of a
// tree both ways, implicit FTPS and active mode. lftp resumes TLS sessions on data connections, so the
// default tls.requireSessionReuse must not get in its way (RFC 4217 section 10).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { requireBinary } from '../helpers/require-binary.js';
import { runClient, type ClientRun } from '../helpers/run-client.js';
import { sha256, sha256File } from '../helpers/sha256.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const skip = requireBinary('lftp');

const SECURE_SETTINGS = [
  'set ftp:ssl-force true',
  'set ftp:ssl-protect-data true',
  'set ssl:verify-certificate no',
  'set net:max-retries 1',
  'set net:timeout 10',
  'set net:reconnect-interval-base 1',
  'set cmd:fail-exit true',
  'set xfer:clobber on',
];

interface LftpRun extends ClientRun {
  /** Reply lines lftp read ("<--- 226 ..."), without the arrow. */
  replies: string[];
  /** Commands lftp sent ("---> PROT P"). */
  sent: string[];
}

function describeRun(run: LftpRun): string {
  const trace = run.stderr.split('\n').filter((l) => /^(<---|--->|\*\*\*\*|lftp:|mirror:|put:|get:|rm:|mv:|mkdir:)/.test(l.trim()) || /Fatal|error/i.test(l));
  return `lftp exited ${run.code ?? run.signal}${run.timedOut ? ' (killed: timed out)' : ''}\n${trace.join('\n')}`;
}

function codesOf(run: LftpRun): number[] {
  return run.replies.map((r) => Number(r.slice(0, 3)));
}

describe('lftp interop', { skip }, () => {
  let server: TestServer;
  let work: string;
  let payload: Buffer;
  const logs: Record<string, unknown>[] = [];

  /** Runs lftp commands after `open`; debug output (the FTP dialogue) goes to stderr. */
  async function lftp(commands: string[], options: { url?: string; settings?: string[] } = {}): Promise<LftpRun> {
    const url = options.url ?? `ftp://${server.host}:${server.port}`;
    const script = ['debug 5', ...(options.settings ?? SECURE_SETTINGS), `open -u alice,secret-alice ${url}`, ...commands].join('; ');
    const run = await runClient('lftp', ['-c', script], { cwd: work, timeoutMs: 30_000 });
    const lines = run.stderr.split('\n').map((l) => l.trim());
    return {
      ...run,
      replies: lines.filter((l) => l.startsWith('<--- ')).map((l) => l.slice(5)),
      sent: lines.filter((l) => l.startsWith('---> ')).map((l) => l.slice(5)),
    };
  }

  function assertOk(run: LftpRun): void {
    assert.equal(run.code, 0, describeRun(run));
    assert.ok(run.sent.includes('PROT P'), `data protection was negotiated: ${describeRun(run)}`);
  }

  before(async () => {
    server = await startTestServer({ logs });
    work = await mkdtemp(path.join(os.tmpdir(), 'ferry-lftp-'));
    payload = randomBytes(1024 * 1024 + 1);
    await writeFile(path.join(work, 'payload.bin'), payload);
  });

  after(async () => {
    await server?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('puts and gets a file with PROT P, bytes intact', async () => {
    const run = await lftp(['put payload.bin -o lftp.bin', 'get lftp.bin -o lftp-back.bin']);
    assertOk(run);
    assert.ok(run.sent.includes('STOR lftp.bin') && run.sent.includes('RETR lftp.bin'), describeRun(run));
    assert.equal(codesOf(run).filter((c) => c === 226).length, 2, describeRun(run));
    assert.equal(await sha256File(path.join(server.user.home, 'lftp.bin')), sha256(payload));
    assert.equal(await sha256File(path.join(work, 'lftp-back.bin')), sha256(payload));
  });

  it('lists, makes a folder, renames into it and removes', async () => {
    await writeFile(path.join(server.user.home, 'to-move.txt'), 'move me\n');
    const run = await lftp(['ls', 'mkdir made', 'mv to-move.txt made/moved.txt', 'ls made', 'rm made/moved.txt', 'ls made']);
    assertOk(run);
    assert.match(run.stdout, / to-move\.txt$/m, 'first ls shows the file');
    assert.match(run.stdout, / moved\.txt$/m, 'ls made shows the renamed file');
    assert.ok(codesOf(run).includes(257), `MKD answered 257: ${describeRun(run)}`);
    assert.ok(run.sent.includes('RNFR to-move.txt') && codesOf(run).includes(350), describeRun(run));
    assert.ok(run.sent.includes('DELE made/moved.txt'), describeRun(run));
    assert.ok((await stat(path.join(server.user.home, 'made'))).isDirectory());
    assert.deepEqual(await readdir(path.join(server.user.home, 'made')), []);
    await assert.rejects(stat(path.join(server.user.home, 'to-move.txt')), { code: 'ENOENT' });
  });

  it('mirrors a nested tree up (mirror -R) and back down, every file intact', async () => {
    const tree = path.join(work, 'tree');
    const files: Record<string, Buffer> = {
      'top.txt': Buffer.from('top level\n'),
      'a/one.bin': randomBytes(70_000),
      'a/b/two.txt': Buffer.from('two levels down\n'),
      'a/b/c/three.bin': randomBytes(3_000),
      'empty.txt': Buffer.alloc(0),
    };
    for (const [rel, data] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(tree, rel)), { recursive: true });
      await writeFile(path.join(tree, rel), data);
    }
    const run = await lftp(['mirror -R tree tree-up', 'mirror tree-up tree-back']);
    assertOk(run);
    for (const [rel, data] of Object.entries(files)) {
      assert.equal(await sha256File(path.join(server.user.home, 'tree-up', rel)), sha256(data), `uploaded ${rel}`);
      assert.equal(await sha256File(path.join(work, 'tree-back', rel)), sha256(data), `downloaded ${rel}`);
    }
    assert.deepEqual((await readdir(path.join(work, 'tree-back'), { recursive: true })).sort(), (await readdir(tree, { recursive: true })).sort());
  });

  it('fetches 40 files in one session (mget), every data connection resuming the control connection\'s ticket', async () => {
    // GnuTLS resumes each data connection with the control connection's TLS session, while each data
    // connection adds a ticket of its own to the session's bounded set: that one must never age out.
    const many = path.join(server.user.home, 'many');
    await mkdir(many, { recursive: true });
    const files = Array.from({ length: 40 }, (_, i) => ({ name: `m${String(i).padStart(2, '0')}.bin`, data: randomBytes(1000 + i) }));
    for (const f of files) await writeFile(path.join(many, f.name), f.data);
    await mkdir(path.join(work, 'many-back'), { recursive: true });
    logs.length = 0;
    const run = await lftp(['set net:max-retries 1', 'cd many', 'lcd many-back', 'mget m*.bin']);
    assertOk(run);
    assert.equal(run.sent.filter((c) => c.startsWith('RETR ')).length, files.length, describeRun(run));
    for (const f of files) assert.equal(await sha256File(path.join(work, 'many-back', f.name)), sha256(f.data), f.name);
    assert.ok(!logs.some((l) => l.msg === 'data connection refused'), 'no data connection refused');
  });

  it('works over implicit FTPS (ftps://)', async () => {
    await writeFile(path.join(server.user.home, 'implicit.bin'), payload);
    const run = await lftp(['ls', 'get implicit.bin -o implicit-back.bin'], { url: `ftps://${server.host}:${server.implicitPort}` });
    assertOk(run);
    assert.ok(!run.sent.some((s) => s.startsWith('AUTH')), 'no AUTH on an implicit connection');
    assert.match(run.stdout, / implicit\.bin$/m);
    assert.equal(await sha256File(path.join(work, 'implicit-back.bin')), sha256(payload));
  });

  it('transfers in active mode (ftp:passive-mode off) with PROT P', async () => {
    const run = await lftp(['set ftp:passive-mode off', 'put payload.bin -o active.bin', 'get active.bin -o active-back.bin', 'ls']);
    assertOk(run);
    assert.ok(run.sent.some((s) => /^(PORT|EPRT) /.test(s)), `active mode used: ${describeRun(run)}`);
    assert.ok(!run.sent.some((s) => s === 'PASV' || s === 'EPSV'), describeRun(run));
    assert.equal(await sha256File(path.join(server.user.home, 'active.bin')), sha256(payload));
    assert.equal(await sha256File(path.join(work, 'active-back.bin')), sha256(payload));
    assert.match(run.stdout, / active\.bin$/m);
  });

  it('transfers over TLS 1.2 (GnuTLS priority without TLS 1.3), resuming the session', async () => {
    await writeFile(path.join(server.user.home, 'tls12.bin'), payload);
    logs.length = 0;
    const run = await lftp(['set ssl:priority NORMAL:-VERS-TLS1.3', 'get tls12.bin -o tls12-back.bin']);
    assertOk(run);
    assert.equal(await sha256File(path.join(work, 'tls12-back.bin')), sha256(payload));
    const secured = logs.filter((l) => l.msg === 'control connection secured');
    assert.ok(secured.length > 0 && secured.every((l) => l.protocol === 'TLSv1.2'), JSON.stringify(secured));
    assert.ok(!logs.some((l) => l.msg === 'data connection refused'));
  });
});
