// Interop with FileZilla 3 (GnuTLS), the client users name first, against Ferry's default TLS policy
// (explicit FTPES required, TLS session reuse required; RFC 4217): log in, list the home folder, upload
// and download through FileZilla's queue, then read FileZilla's own log for any error.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { launchFileZilla, type FileZillaSession } from '../helpers/filezilla-driver.js';
import { fileZillaProblems, summarizeFileZillaLog, type FileZillaLogLine } from '../helpers/filezilla-log.js';
import { requireBinary } from '../helpers/require-binary.js';
import { sha256, sha256File } from '../helpers/sha256.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

// In CI the first missing program fails the file; on a developer machine it is the skip reason.
const skip = ['filezilla', 'Xvfb', 'xdotool', 'python3'].map(requireBinary).find((reason) => reason !== false) ?? false;

const UPLOAD = { local: 'to-ferry.bin', remote: 'uploaded-by-filezilla.bin', size: 3 * 1024 * 1024 + 3 };
const DOWNLOAD = { remote: 'from-ferry.bin', local: 'downloaded-by-filezilla.bin', size: 2 * 1024 * 1024 + 7 };

function status(lines: FileZillaLogLine[], text: string | RegExp): FileZillaLogLine[] {
  return lines.filter((l) => l.type === 'Status' && (typeof text === 'string' ? l.text === text : text.test(l.text)));
}

function traces(lines: FileZillaLogLine[], text: string): FileZillaLogLine[] {
  return lines.filter((l) => l.type === 'Trace' && l.text === text);
}

describe('FileZilla interop', { skip }, () => {
  let server: TestServer;
  let work: string;
  let fz: FileZillaSession | undefined;
  let uploadData: Buffer;
  let downloadData: Buffer;
  const serverLogs: Record<string, unknown>[] = [];

  before(async () => {
    // Ferry's default TLS policy, spelled out; the admin page is not needed and would take a fixed port.
    server = await startTestServer({ config: { tls: { mode: 'required' }, admin: { enabled: false } }, logs: serverLogs });
    work = await mkdtemp(path.join(os.tmpdir(), 'ferry-filezilla-work-'));
    uploadData = randomBytes(UPLOAD.size);
    downloadData = randomBytes(DOWNLOAD.size);
    await writeFile(path.join(work, UPLOAD.local), uploadData);
    await writeFile(path.join(server.user.home, DOWNLOAD.remote), downloadData);
    // Only what Ferry logs while serving FileZilla counts, not start-up notices about other services.
    serverLogs.length = 0;
  }, { timeout: 15_000 });

  after(async () => {
    await fz?.close();
    await server?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  }, { timeout: 15_000 });

  it('logs in over explicit FTPS and lists the home folder', { timeout: 22_000 }, async () => {
    assert.ok(server.certPem, 'the server has a certificate');
    fz = await launchFileZilla({
      host: server.host,
      port: server.port,
      user: server.user.name,
      password: server.user.password,
      certPem: server.certPem,
      localDir: work,
      transfers: [
        { direction: 'upload', localFile: path.join(work, UPLOAD.local), remoteName: UPLOAD.remote, size: UPLOAD.size },
        { direction: 'download', localFile: path.join(work, DOWNLOAD.local), remoteName: DOWNLOAD.remote, size: DOWNLOAD.size },
      ],
    });
    const lines = await fz.waitFor('the home folder listing', (l) => status(l, 'Directory listing of "/" successful').length > 0, 18_000);
    const browse = lines.filter((l) => l.engine === lines[0]?.engine);
    const commands = browse.filter((l) => l.type === 'Command').map((l) => l.text);
    assert.ok(commands.indexOf('AUTH TLS') >= 0 && commands.indexOf('AUTH TLS') < commands.indexOf(`USER ${server.user.name}`), `AUTH TLS before USER: ${commands.join(' | ')}`);
    assert.ok(commands.includes('PBSZ 0') && commands.includes('PROT P'), `data protection negotiated: ${commands.join(' | ')}`);
    assert.equal(status(browse, 'TLS connection established.').length, 1, summarizeFileZillaLog(lines));
    assert.ok(browse.some((l) => l.type === 'Response' && l.text.startsWith('230 ')), 'logged in (230)');
    const listing = browse.filter((l) => l.type === 'Listing').map((l) => l.text);
    assert.ok(
      listing.some((l) => l.startsWith('type=file;') && l.includes(`size=${DOWNLOAD.size};`) && l.endsWith(` ${DOWNLOAD.remote}`)),
      `the listing shows ${DOWNLOAD.remote} with its size: ${JSON.stringify(listing)}`,
    );
  });

  it('uploads and downloads through its queue, bytes intact', { timeout: 18_000 }, async () => {
    assert.ok(fz, 'FileZilla was started by the previous test');
    await fz.processQueue(6_000);
    const lines = await fz.waitFor('the upload and the download', (l) => status(l, /^File transfer successful/).length >= 2, 10_000);
    const done = status(lines, /^File transfer successful/).map((l) => l.text);
    assert.ok(done.some((t) => t.includes(`transferred ${UPLOAD.size} bytes`)), `upload reported: ${done.join(' | ')}`);
    assert.ok(done.some((t) => t.includes(`transferred ${DOWNLOAD.size} bytes`)), `download reported: ${done.join(' | ')}`);
    const commands = lines.filter((l) => l.type === 'Command').map((l) => l.text);
    assert.ok(commands.includes(`STOR ${UPLOAD.remote}`) && commands.includes(`RETR ${DOWNLOAD.remote}`), commands.join(' | '));
    assert.equal(await sha256File(path.join(server.user.home, UPLOAD.remote)), sha256(uploadData), 'uploaded file on the server');
    assert.equal(await sha256File(path.join(work, DOWNLOAD.local)), sha256(downloadData), 'downloaded file on disk');
  });

  it('logs no error, and every connection and data connection uses TLS (sessions resumed)', { timeout: 5_000 }, async () => {
    assert.ok(fz, 'FileZilla was started by the first test');
    const lines = await fz.lines();
    const log = summarizeFileZillaLog(lines);
    assert.deepEqual(
      fileZillaProblems(lines).map((l) => l.raw),
      [],
      `FileZilla's log has errors:\n${log}`,
    );
    // One control connection to browse, one per queued transfer: each completed its TLS handshake.
    const connections = status(lines, /^Connecting to /).length;
    assert.ok(connections >= 2, `connections opened: ${connections}`);
    assert.equal(status(lines, 'TLS connection established.').length, connections, log);
    // Each data connection (MLSD, STOR, RETR) resumed its control connection's TLS session, which
    // Ferry requires by default; a refusal would have been a 425 reply and an Error line.
    const attempts = traces(lines, 'Trying to resume existing TLS session.').length;
    assert.ok(attempts >= 3, `data connections over TLS: ${attempts}\n${log}`);
    assert.equal(traces(lines, 'TLS Session resumed').length, attempts, log);
    const serverTrouble = serverLogs.filter((l) => typeof l.level === 'number' && l.level >= 40);
    assert.deepEqual(serverTrouble, [], 'Ferry logged no warning or error while serving FileZilla');
  });
});
