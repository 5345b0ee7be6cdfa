import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isFerryError } from '../errors/ferry-error.js';
import { baseName, parentOf, resolveVirtualPath, ROOT, type VirtualPath } from './virtual-path.js';

const cwd = '/home/sub' as VirtualPath;

test('relative, absolute and dotted paths resolve inside the root', () => {
  assert.equal(resolveVirtualPath(cwd, 'a.txt'), '/home/sub/a.txt');
  assert.equal(resolveVirtualPath(cwd, '/x//y/./z'), '/x/y/z');
  assert.equal(resolveVirtualPath(cwd, '../../../../etc/passwd'), '/etc/passwd');
  assert.equal(resolveVirtualPath(cwd, '..'), '/home');
  assert.equal(resolveVirtualPath(ROOT, '/..'), '/');
  assert.equal(resolveVirtualPath(cwd, ''), '/home/sub');
});

test('NUL bytes and over-long paths are refused', () => {
  assert.throws(() => resolveVirtualPath(cwd, 'a\0b'), (e) => isFerryError(e, 'INVALID_PATH'));
  assert.throws(() => resolveVirtualPath(cwd, 'x'.repeat(5000)), (e) => isFerryError(e, 'INVALID_PATH'));
});

test('parentOf / baseName', () => {
  assert.equal(parentOf('/a/b' as VirtualPath), '/a');
  assert.equal(parentOf('/a' as VirtualPath), '/');
  assert.equal(parentOf(ROOT), '/');
  assert.equal(baseName('/a/b.txt' as VirtualPath), 'b.txt');
});

test('property: any input resolves to a normalised absolute path without . or .. segments', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom('..', '.', '', 'a', 'b c', '/', '\\', '..a', 'é'), { maxLength: 12 }), (parts) => {
      const p = resolveVirtualPath(cwd, parts.join('/'));
      assert.ok(p.startsWith('/'));
      for (const seg of p.split('/').slice(1)) assert.ok(seg !== '.' && seg !== '..' && (seg !== '' || p === '/'));
    }),
    { numRuns: 1000 },
  );
});
