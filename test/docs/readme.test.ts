import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { withReference } from '../../scripts/update-readme.js';

test('README configuration reference matches the schema (run `npm run docs` to update)', async () => {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  assert.equal(readme, withReference(readme));
});

test('README shows the two commands', async () => {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  assert.match(readme, /npm ci && npm start/);
  assert.match(readme, /npm test/);
});
