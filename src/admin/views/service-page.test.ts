import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../config/load-config.js';
import { configField } from '../config-fields.js';
import { SERVICE_KEYS } from '../service-fields.js';
import { escapeHtml } from './html.js';
import { fieldId } from './form-field.js';
import { servicePage } from './service-page.js';

describe('servicePage', () => {
  it('shows every field with its label, the schema help text and default', () => {
    const page = servicePage({ csrf: 't', values: parseConfig({}, 'x'), submitted: false, fieldErrors: {}, general: [] }).value;
    for (const key of SERVICE_KEYS) {
      const field = configField(key);
      const id = fieldId(key);
      assert.ok(page.includes(`<label for="${id}">`), `${key}: label`);
      assert.ok(page.includes(escapeHtml(field.description)), `${key}: help text from the schema`);
      assert.ok(page.includes(`aria-describedby="${id}-help"`), `${key}: help linked to the control`);
      if (field.default !== undefined) {
        const shown = field.kind === 'boolean' ? (field.default ? 'on' : 'off') : String(field.default);
        assert.ok(page.includes(`Default: ${escapeHtml(shown)}`), `${key}: default`);
      }
    }
    assert.match(page, /<form method="post" action="\/service" novalidate/);
    assert.match(page, /name="_csrf" value="t"/);
  });

  it('re-shows submitted values with the error linked to its field', () => {
    const page = servicePage({ csrf: 't', values: { 'server.port': 70000 }, submitted: true, fieldErrors: { 'server.port': 'Too big' }, general: ['other problem'] }).value;
    assert.match(page, /id="f-server-port" name="server.port" value="70000" min="0" max="65535" aria-describedby="f-server-port-help f-server-port-error" aria-invalid="true">/);
    assert.match(page, /<p class="error" id="f-server-port-error">Too big<\/p>/);
    assert.match(page, /role="alert"><p>Nothing was saved:<\/p><ul><li>other problem<\/li>/);
    assert.match(page, /<details><summary>Brute-force protection/, 'folded: no error inside');
    const folded = servicePage({ csrf: 't', values: {}, submitted: true, fieldErrors: { 'security.ban.banSeconds': 'Too big' }, general: [] }).value;
    assert.match(folded, /<details open><summary>Brute-force protection/, 'unfolded when a field inside has an error');
  });
});
