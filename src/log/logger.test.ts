// The logger's second line of defence: secret-named values never reach a log line, and lines without
// one pass through uncopied.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createLogger, redactSecrets } from './logger.js';

/** A logger at info level whose JSON lines are collected, parsed. */
function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { log: createLogger({ level: 'info', pretty: 'never' } as Parameters<typeof createLogger>[0], destination), lines };
}

const flushed = () => new Promise((resolve) => setImmediate(resolve));

test('secret-named values are censored at the top level and one level down; others are logged as they are', async () => {
  const { log, lines } = capture();
  log.info({ user: 'alice', password: 'hunter2', pass: 'x', key: 'k', passphrase: 'p', tls: { key: 'PEM', certFile: 'c.pem' }, path: '/a', bytes: 4 }, 'line');
  await flushed();
  assert.deepEqual(lines[0], {
    level: 30,
    time: lines[0]!.time,
    user: 'alice',
    password: '[redacted]',
    pass: '[redacted]',
    key: '[redacted]',
    passphrase: '[redacted]',
    tls: { key: '[redacted]', certFile: 'c.pem' },
    path: '/a',
    bytes: 4,
    msg: 'line',
  });
});

test('a child logger\'s bindings are censored too, and an error with a secret still logs its message', async () => {
  const { log, lines } = capture();
  const err = Object.assign(new Error('login failed'), { password: 'hunter2', code: 'E_AUTH' });
  log.child({ session: 's1', password: 'hunter2' }).error({ err }, 'failed');
  await flushed();
  const line = lines[0]!;
  assert.equal(line.session, 's1');
  assert.equal(line.password, '[redacted]');
  const logged = line.err as Record<string, unknown>;
  assert.equal(logged.message, 'login failed');
  assert.equal(logged.code, 'E_AUTH');
  assert.equal(logged.password, '[redacted]');
  assert.equal(err.password, 'hunter2', 'the caller\'s object is not changed');
  assert.doesNotMatch(JSON.stringify(lines), /hunter2/);
});

test('an object without secrets is passed on as it is (no copy; buffers and arrays are not walked)', () => {
  const record = { sessionId: 'a', user: 'alice', path: '/f', bytes: 4096, nested: { size: 1 }, data: Buffer.alloc(4096), list: [1, 2] };
  assert.equal(redactSecrets(record), record);
  const withSecret = { user: 'alice', nested: { pass: 'x' } };
  const safe = redactSecrets(withSecret);
  assert.notEqual(safe, withSecret);
  assert.deepEqual(safe, { user: 'alice', nested: { pass: '[redacted]' } });
  assert.deepEqual(withSecret, { user: 'alice', nested: { pass: 'x' } });
});
