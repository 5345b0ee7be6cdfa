// Informational and setup commands seen from a client: STAT (server, path, transfer forms), HELP,
// SITE HELP, OPTS (UTF8, MLST), MODE/STRU/ALLO, EPSV ALL, MLST, and FEAT derived from the command table.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ALL_COMMANDS } from '../../src/commands/registry.js';
import { RawFtpClient } from '../helpers/raw-ftp-client.js';
import { DEFAULT_USER, startTestServer, type TestServer } from '../helpers/test-server.js';

let server: TestServer;
let client: RawFtpClient;
before(async () => {
  server = await startTestServer();
  await mkdir(path.join(server.user.home, 'docs'));
  await writeFile(path.join(server.user.home, 'docs', 'a.txt'), 'aaa');
  client = await RawFtpClient.login(server.host, server.port, DEFAULT_USER.name, DEFAULT_USER.password);
});
after(async () => {
  client.destroy();
  await server.stop();
});

test('STAT without argument describes the session', async () => {
  const reply = await client.send('STAT');
  assert.equal(reply.code, 211);
  assert.match(reply.text, /Logged in as alice/);
  assert.match(reply.text, /Control connection in clear text/);
});

test('STAT <path> lists over the control connection', async () => {
  const reply = await client.send('STAT docs');
  assert.equal(reply.code, 213);
  assert.match(reply.text, /-rw-r--r-- 1 alice alice\s+3 .* a\.txt/);
  assert.equal((await client.send('STAT missing')).code, 550);
});

test('HELP lists every verb of the command table; HELP <verb> explains one', async () => {
  const reply = await client.send('HELP');
  assert.equal(reply.code, 214);
  for (const spec of ALL_COMMANDS) assert.ok(reply.text.includes(spec.verb), `HELP lists ${spec.verb}`);
  const one = await client.send('HELP MFMT');
  assert.equal(one.code, 214);
  assert.match(one.text, /MFMT <YYYYMMDDHHMMSS> <path>/);
  assert.equal((await client.send('HELP NOPE')).code, 501);
});

test('FEAT is derived from the command table and the TLS mode', async () => {
  const reply = await client.send('FEAT');
  assert.equal(reply.code, 211);
  const lines = reply.lines.slice(1, -1).map((l) => l.trim());
  for (const spec of ALL_COMMANDS) for (const f of spec.feat ?? []) assert.ok(lines.includes(f), `FEAT has ${f}`);
  assert.ok(lines.includes('UTF8'));
  assert.ok(lines.some((l) => l.startsWith('MLST type*;size*;modify*;perm*;unique*;')));
});

test('SITE HELP, SITE with an unknown subcommand', async () => {
  const help = await client.send('SITE HELP');
  assert.equal(help.code, 214);
  assert.match(help.text, /CHMOD/);
  assert.equal((await client.send('SITE EXEC ls')).code, 504);
});

test('OPTS UTF8 ON, OPTS MLST selects facts, unknown options', async () => {
  assert.equal((await client.send('OPTS UTF8 ON')).code, 200);
  const mlst = await client.send('OPTS MLST size;modify;');
  assert.equal(mlst.code, 200);
  assert.match(mlst.text, /MLST OPTS size;modify;/);
  const facts = await client.send('MLST docs/a.txt');
  assert.equal(facts.code, 250);
  assert.match(facts.lines[1]!, /^ size=3;modify=\d{14}; \/docs\/a\.txt$/);
  assert.equal((await client.send('OPTS MLST type;size;modify;perm;unique;')).code, 200);
  assert.equal((await client.send('OPTS BOGUS')).code, 501);
});

test('MODE, STRU, ALLO', async () => {
  assert.equal((await client.send('MODE S')).code, 200);
  assert.equal((await client.send('MODE B')).code, 504);
  assert.equal((await client.send('STRU F')).code, 200);
  assert.equal((await client.send('STRU R')).code, 504);
  assert.equal((await client.send('ALLO 1000')).code, 202);
});

test('EPSV ALL: afterwards PASV, PORT and EPRT are refused, EPSV works', async () => {
  const c = await RawFtpClient.login(server.host, server.port, DEFAULT_USER.name, DEFAULT_USER.password);
  assert.equal((await c.send('EPSV ALL')).code, 200);
  assert.equal((await c.send('PASV')).code, 503);
  assert.equal((await c.send('PORT 127,0,0,1,200,10')).code, 503);
  assert.equal((await c.send('EPRT |1|127.0.0.1|51210|')).code, 503);
  assert.equal((await c.send('EPSV')).code, 229);
  assert.equal((await c.send('EPSV 3')).code, 522);
  c.destroy();
});
