// Interop with Python's ftplib.FTP_TLS: the stock client does not resume the control connection's TLS
// session on data connections, so the default tls.requireSessionReuse refuses it (425) unless the
// server or the user turns the requirement off; a client that passes `session=` is accepted.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { editUserRecord } from '../helpers/edit-user-record.js';
import { requireBinary } from '../helpers/require-binary.js';
import { runClient } from '../helpers/run-client.js';
import { sha256, sha256File } from '../helpers/sha256.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const skip = requireBinary('python3');

// One session: AUTH TLS, login, PROT P, upload, download, NOOP. Each step reports success or the
// error and the server's reply; when a TLS error surfaces before the reply, the reply is read after it.
const SCRIPT = String.raw`
import ftplib, hashlib, json, ssl, sys

cfg = json.loads(sys.argv[1])
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
if cfg.get('tls12'):
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
data_conns = []

def record(conn):
    # Right after the handshake: once ftplib closes the socket these read as None.
    if isinstance(conn, ssl.SSLSocket):
        data_conns.append({'version': conn.version(), 'reused': conn.session_reused})

class Stock(ftplib.FTP_TLS):
    def ntransfercmd(self, cmd, rest=None):
        conn, size = super().ntransfercmd(cmd, rest)
        record(conn)
        return conn, size

class Reusing(ftplib.FTP_TLS):
    """Offers the control connection's TLS session on data connections, as FileZilla and lftp do."""
    def ntransfercmd(self, cmd, rest=None):
        conn, size = ftplib.FTP.ntransfercmd(self, cmd, rest)
        if self._prot_p:
            conn = self.context.wrap_socket(conn, server_hostname=self.host, session=self.sock.session)
        record(conn)
        return conn, size

ftp = (Reusing if cfg['client'] == 'reusing' else Stock)(context=ctx, timeout=10)

def step(fn):
    try:
        return {'ok': True, 'value': fn()}
    except ftplib.Error as e:
        return {'ok': False, 'error': type(e).__name__, 'reply': str(e)}
    except Exception as e:
        out = {'ok': False, 'error': '%s: %s' % (type(e).__name__, e)}
        try:
            out['reply'] = ftp.getresp()
        except ftplib.Error as r:
            out['reply'] = str(r)
        except Exception as r:
            out['replyError'] = '%s: %s' % (type(r).__name__, r)
        return out

def download():
    h = hashlib.sha256()
    reply = ftp.retrbinary('RETR ' + cfg.get('fetch', cfg['remote']), h.update)
    return {'reply': reply, 'sha256': h.hexdigest()}

result = {}
ftp.connect(cfg['host'], cfg['port'])
ftp.auth()
result['login'] = ftp.login(cfg['user'], cfg['password'])
ftp.prot_p()
ftp.set_pasv(cfg.get('passive', True))
result['controlVersion'] = ftp.sock.version()
with open(cfg['upload'], 'rb') as f:
    result['upload'] = step(lambda: ftp.storbinary('STOR ' + cfg['remote'], f))
result['download'] = step(download)
result['noop'] = step(lambda: ftp.voidcmd('NOOP'))
result['data'] = data_conns
ftp.quit()
print(json.dumps(result))
`;

interface Step<T = string> {
  ok: boolean;
  value?: T;
  error?: string;
  reply?: string;
  replyError?: string;
}

interface SessionResult {
  login: string;
  controlVersion: string;
  upload: Step;
  download: Step<{ reply: string; sha256: string }>;
  noop: Step;
  data: { version: string | null; reused: boolean }[];
}

interface SessionOptions {
  client: 'stock' | 'reusing';
  user?: string;
  password?: string;
  tls12?: boolean;
  passive?: boolean;
  /** Upload target. */
  remote: string;
  /** Download source (default: `remote`, i.e. download what was just uploaded). */
  fetch?: string;
}

const REFUSAL = /^425 .*resume the TLS session/;

describe('Python ftplib interop', { skip }, () => {
  let work: string;
  let scriptFile: string;
  let payload: Buffer;
  let payloadFile: string;

  before(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'ferry-ftplib-'));
    scriptFile = path.join(work, 'ftplib_session.py');
    await writeFile(scriptFile, SCRIPT);
    payload = randomBytes(1024 * 1024 + 1);
    payloadFile = path.join(work, 'payload.bin');
    await writeFile(payloadFile, payload);
  });

  after(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  async function session(server: TestServer, options: SessionOptions): Promise<SessionResult> {
    const cfg = {
      ...options,
      host: server.host,
      port: server.port,
      user: options.user ?? server.user.name,
      password: options.password ?? server.user.password,
      upload: payloadFile,
    };
    const run = await runClient('python3', [scriptFile, JSON.stringify(cfg)], { timeoutMs: 40_000 });
    assert.equal(run.code, 0, `python3 exited ${run.code ?? run.signal}${run.timedOut ? ' (timed out)' : ''}: ${run.stderr}`);
    return JSON.parse(run.stdout) as SessionResult;
  }

  function assertTransfersWork(result: SessionResult): void {
    assert.ok(result.upload.ok, JSON.stringify(result.upload));
    assert.match(result.upload.value ?? '', /^226 /);
    assert.ok(result.download.ok, JSON.stringify(result.download));
    assert.match(result.download.value?.reply ?? '', /^226 /);
    assert.equal(result.download.value?.sha256, sha256(payload));
  }

  function assertRefused(step: Step<unknown>, what: string): void {
    assert.equal(step.ok, false, `${what} should be refused: ${JSON.stringify(step)}`);
    assert.match(step.reply ?? '', REFUSAL, `${what}: ${JSON.stringify(step)}`);
  }

  describe('default policy (requireSessionReuse: true)', () => {
    let server: TestServer;
    const logs: Record<string, unknown>[] = [];

    before(async () => {
      server = await startTestServer({ logs, users: [{ name: 'legacy', password: 'legacy-pass' }] });
      // The per-user override: addUser (and so the harness) cannot write requireSessionReuse yet.
      await editUserRecord(server.running.paths.usersFile, 'legacy', { requireSessionReuse: false });
      await server.running.reload();
    });

    after(async () => {
      await server?.stop();
    });

    it('refuses stock FTP_TLS data connections with a 425 that says to resume the TLS session', async () => {
      await writeFile(path.join(server.user.home, 'seeded.bin'), payload);
      logs.length = 0;
      const result = await session(server, { client: 'stock', remote: 'stock.bin', fetch: 'seeded.bin' });
      assert.match(result.login, /^230 /);
      assertRefused(result.upload, 'STOR');
      assertRefused(result.download, 'RETR');
      assert.ok(result.noop.ok, `the control connection stays usable: ${JSON.stringify(result.noop)}`);
      await assert.rejects(stat(path.join(server.user.home, 'stock.bin')), { code: 'ENOENT' }, 'nothing was stored');
      const refused = logs.filter((l) => l.msg === 'data connection refused');
      assert.equal(refused.length, 2, JSON.stringify(refused));
      assert.match(String(refused[0]!.reason), /did not resume/);
    });

    it('accepts a client that passes session=self.sock.session (upload + download, hashes equal)', async () => {
      const result = await session(server, { client: 'reusing', remote: 'reusing.bin' });
      assertTransfersWork(result);
      assert.equal(await sha256File(path.join(server.user.home, 'reusing.bin')), sha256(payload));
      assert.deepEqual(result.data.map((d) => d.reused), [true, true]);
    });

    it('accepts the reusing client under TLS 1.2 (maximum_version = TLSv1_2)', async () => {
      const result = await session(server, { client: 'reusing', tls12: true, remote: 'reusing-tls12.bin' });
      assert.equal(result.controlVersion, 'TLSv1.2');
      assertTransfersWork(result);
      assert.deepEqual(result.data, [
        { version: 'TLSv1.2', reused: true },
        { version: 'TLSv1.2', reused: true },
      ]);
      assert.equal(await sha256File(path.join(server.user.home, 'reusing-tls12.bin')), sha256(payload));
    });

    it('accepts the reusing client in active mode (PORT) with PROT P', async () => {
      const result = await session(server, { client: 'reusing', passive: false, remote: 'reusing-active.bin' });
      assertTransfersWork(result);
      assert.deepEqual(result.data.map((d) => d.reused), [true, true]);
    });

    it('lets stock FTP_TLS work for a user whose requireSessionReuse is false, and only for that user', async () => {
      const legacy = await session(server, { client: 'stock', user: 'legacy', password: 'legacy-pass', remote: 'legacy.bin' });
      assertTransfersWork(legacy);
      assert.deepEqual(legacy.data.map((d) => d.reused), [false, false], 'stock ftplib really does not resume');
      assert.equal(await sha256File(path.join(server.storageRoot, 'legacy', 'legacy.bin')), sha256(payload));

      const alice = await session(server, { client: 'stock', remote: 'still-refused.bin' });
      assertRefused(alice.upload, 'STOR for alice');
    });
  });

  describe('tls.requireSessionReuse: false', () => {
    let server: TestServer;

    before(async () => {
      server = await startTestServer({ config: { tls: { requireSessionReuse: false } } });
    });

    after(async () => {
      await server?.stop();
    });

    it('accepts stock FTP_TLS (upload + download, hashes equal)', async () => {
      const result = await session(server, { client: 'stock', remote: 'stock.bin' });
      assertTransfersWork(result);
      assert.deepEqual(result.data.map((d) => d.reused), [false, false]);
      assert.equal(await sha256File(path.join(server.user.home, 'stock.bin')), sha256(payload));
    });
  });
});
