// `ferry serve` as a child process on ephemeral ports: the startup banner, shutdown on SIGTERM (exit 0),
// the grace period that lets a running 20 MiB download finish, and usage/exit codes of every command.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'basic-ftp';
import YAML from 'yaml';
import { addUser } from '../../src/auth/users-file.js';
import { runCli } from '../../src/cli/program.js';
import { RawFtpClient } from '../helpers/raw-ftp-client.js';
import { FerryProcess, REPO_ROOT, runFerry } from './run-ferry.js';

const USER = { name: 'bob', password: 'Bob-serve-Pw1' };
const LISTENING = /^Ferry is listening: FTP\/FTPES on 127\.0\.0\.1:(\d+), implicit FTPS on 127\.0\.0\.1:(\d+)$/m;

let dir: string;
let configFile: string;
let bigFile: Buffer;
const running: FerryProcess[] = [];

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ferry-cli-serve-'));
  configFile = path.join(dir, 'ferry.yaml');
  await writeFile(
    configFile,
    YAML.stringify({
      server: { host: '127.0.0.1', port: 0, shutdownGraceSeconds: 20 },
      passive: { minPort: 0, maxPort: 0 },
      tls: { mode: 'optional', implicit: { enabled: true, port: 0 } },
      // SERVE_LOG=debug shows the server's log in failure messages
      logging: { level: process.env.SERVE_LOG ?? 'error', pretty: 'never' },
    }),
  );
  await addUser(path.join(dir, 'users.yaml'), USER);
  bigFile = randomBytes(20 * 1024 * 1024);
  await mkdir(path.join(dir, 'data', 'files', USER.name), { recursive: true });
  await writeFile(path.join(dir, 'data', 'files', USER.name, 'big.bin'), bigFile);
});
after(async () => {
  for (const p of running) p.kill();
  await rm(dir, { recursive: true, force: true });
});

async function serve(): Promise<{ ferry: FerryProcess; port: number; implicitPort: number }> {
  const ferry = new FerryProcess(['serve', '-c', configFile], { timeoutMs: 40_000 });
  running.push(ferry);
  const m = await ferry.waitForOutput(LISTENING);
  await ferry.waitForOutput(/^TLS: .*\n/m); // the last startup line
  return { ferry, port: Number(m[1]), implicitPort: Number(m[2]) };
}

async function connect(port: number): Promise<Client> {
  const client = new Client(10_000);
  await client.access({ host: '127.0.0.1', port, user: USER.name, password: USER.password, secure: true, secureOptions: { rejectUnauthorized: false } });
  return client;
}

/** Resolves once a TCP connect to `port` is refused (the listener is closed); false after `ms`. */
async function refusedWithin(port: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const refused = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(false)));
      socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
    });
    if (refused) return true;
    await sleep(50);
  }
  return false;
}

describe('ferry serve', () => {
  it('writes its log lines to a file given as stdout, whole lines, up to the last one at exit', async () => {
    const logConfig = path.join(dir, 'ferry-info.yaml');
    const config = YAML.parse(await readFile(configFile, 'utf8')) as { logging: object };
    await writeFile(logConfig, YAML.stringify({ ...config, logging: { level: 'info', pretty: 'never' } }));
    const logFile = path.join(dir, 'stdout.log');
    const fd = openSync(logFile, 'a');
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve', '-c', logConfig], {
      cwd: REPO_ROOT,
      env: { ...process.env, FERRY_CONFIG: undefined, NO_COLOR: '1' },
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const logged = async (pattern: RegExp): Promise<RegExpMatchArray> => {
        for (let i = 0; i < 300; i++) {
          const m = pattern.exec(await readFile(logFile, 'utf8'));
          if (m) return m;
          await sleep(50);
        }
        assert.fail(`${pattern} not in the log:\n${await readFile(logFile, 'utf8')}`);
      };
      const port = Number((await logged(LISTENING))[1]);
      const client = await connect(port);
      await logged(/"msg":"login"/);
      client.close();
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
      const lines = (await readFile(logFile, 'utf8')).split('\n').filter((l) => l.startsWith('{'));
      assert.ok(lines.every((l) => JSON.parse(l) !== null), 'whole JSON lines');
      assert.match(lines.at(-1) ?? '', /"msg":"(shutting down|stopped|session end)"/);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('prints where it listens and exits 0 soon after SIGTERM', async () => {
    const { ferry, port } = await serve();
    assert.match(ferry.stdout, /^TLS: optional\. Config: .*ferry\.yaml$/m);
    const client = await connect(port);
    assert.equal(await client.pwd(), '/');
    client.close();
    await sleep(100); // let the server see the disconnect
    const r = await ferry.stop('SIGTERM', 5_000);
    assert.equal(r.timedOut, false, `still running 5 s after SIGTERM\n${r.stderr}`);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.ms < 3_000, `took ${r.ms} ms`);
  });

  it('closes idle sessions with 421 and exits 0 on SIGTERM while a client stays connected', async () => {
    const { ferry, port } = await serve();
    const client = await RawFtpClient.login('127.0.0.1', port, USER.name, USER.password);
    const stopping = ferry.stop('SIGTERM', 3_000);
    const goodbye = await client.read();
    assert.equal(goodbye.code, 421);
    assert.match(goodbye.text, /shutting down/);
    await client.closed;
    const r = await stopping;
    assert.equal(r.timedOut, false, 'still running 3 s after SIGTERM with an idle client connected');
    assert.equal(r.code, 0);
  });

  it('lets a running 20 MiB download finish before exiting 0 (grace period)', async () => {
    const { ferry, port } = await serve();
    const client = await connect(port);
    const hash = createHash('sha256');
    let received = 0;
    let signalled = false;
    let signalledAt = 0;
    const started = Date.now();
    // A slow sink (~16 MB/s): backpressure keeps the transfer running long enough to signal mid-way.
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        received += chunk.length;
        if (!signalled && received >= 256 * 1024) {
          signalled = true;
          signalledAt = Date.now();
          ferry.child.kill('SIGTERM');
        }
        setTimeout(done, Math.max(0, started + received / 16_000 - Date.now()));
      },
    });
    const download = client.downloadTo(sink, 'big.bin');
    // While the transfer runs, the listeners are closed: no new sessions during shutdown.
    const refused = await Promise.race([
      (async () => {
        while (!signalled) await sleep(10);
        return refusedWithin(port, 3_000);
      })(),
      download.then(() => 'download finished first'),
    ]);
    assert.equal(refused, true, 'new connections must be refused once SIGTERM arrived');
    assert.equal(ferry.child.exitCode, null, 'ferry must not exit while the download runs');

    const reply = await download.catch((e: unknown) => assert.fail(`${String(e)}\n${ferry.stdout}\n${ferry.stderr}`));
    assert.equal(reply.code, 226);
    // far more than the socket buffers can hold was still to come when the signal arrived
    assert.ok(Date.now() - signalledAt > 500, `download ended ${Date.now() - signalledAt} ms after SIGTERM`);
    assert.equal(received, bigFile.length);
    assert.equal(hash.digest('hex'), createHash('sha256').update(bigFile).digest('hex'));
    client.close();
    const r = await ferry.waitForExit(5_000); // no second signal: the first one finishes the job
    assert.equal(r.timedOut, false, `still running 5 s after the transfer ended\n${r.stderr}`);
    assert.equal(r.code, 0, r.stderr);
  });
});

describe('ferry usage', () => {
  const COMMANDS = [
    [],
    ['serve'],
    ['check-config'],
    ['user'],
    ['user', 'add'],
    ['user', 'passwd'],
    ['user', 'remove'],
    ['user', 'list'],
    ['user', 'enable'],
    ['user', 'disable'],
    ['cert'],
    ['cert', 'generate'],
    ['cert', 'show'],
  ];

  /** Usage and exit code of `ferry ...args` through runCli, the function main.ts runs (no process spawn). */
  async function inProcess(args: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l), onSignal: () => {} });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('prints usage and exits 0 for --help on every command', async () => {
    for (const cmd of COMMANDS) {
      const r = await inProcess([...cmd, '--help']);
      assert.equal(r.code, 0, `ferry ${cmd.join(' ')} --help: ${r.err}`);
      assert.ok(r.out.startsWith(`Usage: ${['ferry', ...cmd].join(' ')} [options]`), r.out);
      if (cmd[0] === 'user' && cmd.length === 2 && cmd[1] !== 'list') assert.match(r.out, /<name>/);
      if (cmd.length === 0) assert.match(r.out, /serve .*\n.*check-config/s);
    }
    // and through the real entry point, for a top-level, a group and a leaf command
    const spawned = [[], ['user'], ['cert', 'generate']];
    const results = await Promise.all(spawned.map((cmd) => runFerry([...cmd, '--help'])));
    results.forEach((r, i) => {
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.stdout.startsWith(`Usage: ${['ferry', ...spawned[i]!].join(' ')} [options]`), r.stdout);
      assert.equal(r.stderr, '');
    });
  });

  it('exits 2 with a message for an unknown command or option', async () => {
    const spawned = await runFerry(['frobnicate']);
    const results = [
      [spawned.code, spawned.stderr, "unknown command 'frobnicate'"],
      ...(await Promise.all([
        inProcess(['user', 'frobnicate']).then((r) => [r.code, r.err, "unknown command 'frobnicate'"] as const),
        inProcess(['serve', '--frobnicate']).then((r) => [r.code, r.err, "unknown option '--frobnicate'"] as const),
        inProcess(['user', 'add']).then((r) => [r.code, r.err, "missing required argument 'name'"] as const),
      ])),
    ] as const;
    for (const [code, stderr, text] of results) {
      assert.equal(code, 2, stderr);
      assert.ok(stderr.includes(text), stderr);
      assert.match(stderr, /Usage: ferry/);
    }
  });

  it(
    'exits 0 for `ferry help <command>`',
    async () => {
      const r = await inProcess(['help', 'user']);
      assert.match(r.out, /^Usage: ferry user/);
      assert.equal(r.code, 0);
    },
  );
});
