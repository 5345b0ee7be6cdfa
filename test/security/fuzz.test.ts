// Bad input never crashes the server: random command lines (NUL, lone CR, invalid UTF-8, Telnet IAC,
// huge arguments, hostile paths) each end in a reply or a clean close, and a new login still works.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { RawFtpClient, type FtpReply } from '../helpers/raw-ftp-client.js';
import { DEFAULT_USER, startTestServer, type TestServer } from '../helpers/test-server.js';

const VERBS = ['USER', 'PASS', 'CWD', 'CDUP', 'PWD', 'MKD', 'RMD', 'DELE', 'RNFR', 'RNTO', 'SIZE', 'MDTM', 'MFMT', 'MLST', 'MLSD', 'LIST', 'NLST', 'RETR', 'STOR', 'STOU', 'APPE', 'REST', 'TYPE', 'MODE', 'STRU', 'PASV', 'EPSV', 'PORT', 'EPRT', 'OPTS', 'FEAT', 'HELP', 'STAT', 'SITE', 'ALLO', 'NOOP', 'SYST', 'PBSZ', 'PROT', 'CCC', 'ABOR', 'XCWD', 'retr', 'Stor'];

const hostileArg = fc.oneof(
  fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b.filter((x) => x !== 0x0a))),
  fc.constantFrom('../../../../etc/passwd', '/..', 'a\0b', '\r', '\xff\xfe', '|1|127.0.0.1|1|', '127,0,0,1,0,21', '-la', '"', 'A', 'P', '0', '99999999999999999999', 'CHMOD 777 /', 'MLST type;size;').map((s) => Buffer.from(s, 'latin1')),
  fc.integer({ min: 5000, max: 9000 }).map((n) => Buffer.alloc(n, 0x41)),
);

const line = fc.oneof(
  fc.tuple(fc.constantFrom(...VERBS), hostileArg).map(([v, a]) => Buffer.concat([Buffer.from(`${v} `), a])),
  fc.uint8Array({ maxLength: 60 }).map((b) => Buffer.from(b.filter((x) => x !== 0x0a))),
  fc.constant(Buffer.from([0xff, 0xf4, 0xff, 0xf2, 0x41, 0x42, 0x4f, 0x52])), // IAC IP IAC DM ABOR
);

let server: TestServer;
before(async () => {
  server = await startTestServer({ config: { timeouts: { dataConnect: 1 }, security: { loginFailureDelayMs: 0, ban: { enabled: false } }, server: { maxLoginAttempts: 100 } } });
});
after(() => server.stop());

/** Send one line; read replies up to a final (non-1xx) one. Returns undefined when the server closed. */
async function exchange(client: RawFtpClient, bytes: Buffer): Promise<FtpReply | undefined> {
  try {
    let reply = await client.send(bytes);
    while (reply.code < 200) reply = await client.read();
    return reply;
  } catch (err) {
    if (/closed/.test((err as Error).message)) return undefined;
    throw err;
  }
}

test('property: every hostile line gets a reply or a clean close, and the server keeps serving', { timeout: 120_000 }, async () => {
  await fc.assert(
    fc.asyncProperty(fc.boolean(), fc.array(line, { minLength: 1, maxLength: 8 }), async (loggedIn, lines) => {
      let client = loggedIn
        ? await RawFtpClient.login(server.host, server.port, DEFAULT_USER.name, DEFAULT_USER.password, { timeoutMs: 5000 })
        : await RawFtpClient.connect(server.host, server.port, { timeoutMs: 5000 });
      for (const bytes of lines) {
        const reply = await exchange(client, bytes);
        if (reply) assert.ok(reply.code >= 200 && reply.code < 600, `reply ${reply.code}`);
        if (!reply || reply.code === 234 || reply.code === 221 || reply.code === 421) {
          client.destroy();
          client = await RawFtpClient.connect(server.host, server.port, { timeoutMs: 5000 });
        }
      }
      client.destroy();
    }),
    { numRuns: 60, seed: 4217 },
  );
  const fresh = await RawFtpClient.login(server.host, server.port, DEFAULT_USER.name, DEFAULT_USER.password);
  assert.equal((await fresh.send('PWD')).code, 257);
  await fresh.close();
});
