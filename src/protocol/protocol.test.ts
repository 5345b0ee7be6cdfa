import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ERROR_CODES, FerryError } from '../errors/ferry-error.js';
import { parseCommand, redactCommand } from './command-parser.js';
import { ERROR_REPLIES, errorToReply } from './error-to-reply.js';
import { Reply } from './reply-codes.js';
import { formatReply, quotePath } from './reply-format.js';

test('parseCommand: verb upper-cased, argument verbatim', () => {
  assert.deepEqual(parseCommand('retr  my file.txt '), { verb: 'RETR', arg: ' my file.txt ' });
  assert.deepEqual(parseCommand('NOOP'), { verb: 'NOOP', arg: '' });
  assert.deepEqual(parseCommand('CWD "quoted"'), { verb: 'CWD', arg: '"quoted"' });
  assert.equal(parseCommand(''), undefined);
  assert.equal(parseCommand('123 x'), undefined);
  assert.equal(parseCommand('TOOLONGVERB x'), undefined);
  assert.equal(parseCommand('\u0000USER'), undefined);
});

test('redactCommand never shows a password', () => {
  assert.equal(redactCommand({ verb: 'PASS', arg: 'hunter2' }), 'PASS ****');
  assert.equal(redactCommand({ verb: 'RETR', arg: 'a.txt' }), 'RETR a.txt');
});

test('formatReply: single and multi-line (RFC 959 4.2)', () => {
  assert.equal(formatReply(Reply.OK, 'fine'), '200 fine\r\n');
  assert.equal(formatReply(Reply.SYSTEM_STATUS, ['Extensions:', 'UTF8', 'End']), '211-Extensions:\r\n UTF8\r\n211 End\r\n');
});

test('formatReply: CR/LF in text cannot forge a reply line', () => {
  const out = formatReply(Reply.FILE_UNAVAILABLE, 'No such file: a\r\n230 Logged in');
  assert.equal(out.split('\r\n').length, 2);
  assert.ok(out.startsWith('550 '));
});

test('quotePath doubles embedded quotes (RFC 959 appendix II)', () => {
  assert.equal(quotePath('/a"b'), '"/a""b"');
});

test('every error code maps to a reply, unknown errors to 451 without detail', () => {
  for (const code of ERROR_CODES) {
    assert.ok(ERROR_REPLIES[code], `${code} is mapped`);
    const r = errorToReply(new FerryError(code, 'internal detail /srv/secret'));
    assert.ok(r.code >= 400 && r.code < 600, code);
    assert.ok(!r.text.includes('/srv/secret'), 'internal message never reaches the client');
  }
  assert.equal(errorToReply(new FerryError('NO_SPACE', 'x')).code, Reply.EXCEEDED_STORAGE);
  assert.equal(errorToReply(new FerryError('NOT_FOUND', 'x', { publicMessage: 'No such file: /a' })).text, 'No such file: /a');
  const unknown = errorToReply(new Error('ENOMEM at /internal/path'));
  assert.equal(unknown.code, Reply.LOCAL_ERROR);
  assert.equal(unknown.unexpected, true);
  assert.ok(!unknown.text.includes('/internal'));
});
