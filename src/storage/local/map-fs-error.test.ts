// Tests for the errno -> FerryError table of the local backend.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FerryError, type ErrorCode } from '../../errors/ferry-error.js';
import { mapFsError } from './map-fs-error.js';

function errnoError(code: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`${code}: something, open '/srv/secret/host/path'`);
  err.code = code;
  return err;
}

test('every errno in the table maps to its FerryError code with a path-free public message', () => {
  const table: Record<string, ErrorCode> = {
    ENOENT: 'NOT_FOUND',
    EEXIST: 'ALREADY_EXISTS',
    ENOTDIR: 'NOT_A_DIRECTORY',
    EISDIR: 'IS_A_DIRECTORY',
    ENOTEMPTY: 'DIRECTORY_NOT_EMPTY',
    EACCES: 'PERMISSION_DENIED',
    EPERM: 'PERMISSION_DENIED',
    ENOSPC: 'NO_SPACE',
    EDQUOT: 'NO_SPACE',
    ENAMETOOLONG: 'INVALID_NAME',
    EINVAL: 'INVALID_NAME',
    ELOOP: 'PATH_OUTSIDE_ROOT',
  };
  for (const [errno, code] of Object.entries(table)) {
    const cause = errnoError(errno);
    const mapped = mapFsError(cause, 'stat', '/docs/a.txt');
    assert.ok(mapped instanceof FerryError, errno);
    assert.equal(mapped.code, code, errno);
    assert.equal(mapped.cause, cause);
    assert.ok(mapped.publicMessage !== undefined && mapped.publicMessage.length > 0);
    assert.ok(!mapped.publicMessage.includes('/srv'), `${errno} leaks a host path`);
  }
});

test('unknown errors are returned unchanged, FerryErrors pass through', () => {
  const eio = errnoError('EIO');
  assert.equal(mapFsError(eio, 'read', '/x'), eio);
  const plain = new Error('boom');
  assert.equal(mapFsError(plain, 'read', '/x'), plain);
  assert.equal(mapFsError('a string', 'read', '/x'), 'a string');
  const ferry = new FerryError('BAD_ARGUMENT', 'bad');
  assert.equal(mapFsError(ferry, 'read', '/x'), ferry);
});

test('abort errors become TRANSFER_ABORTED', () => {
  const controller = new AbortController();
  controller.abort();
  let abortError: unknown;
  try {
    controller.signal.throwIfAborted();
  } catch (err) {
    abortError = err;
  }
  const mapped = mapFsError(abortError, 'write', '/x');
  assert.ok(mapped instanceof FerryError);
  assert.equal(mapped.code, 'TRANSFER_ABORTED');
  const streamAbort = Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' });
  assert.equal((mapFsError(streamAbort, 'write', '/x') as FerryError).code, 'TRANSFER_ABORTED');
});
