import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeHtml, html, raw } from './html.js';

describe('html', () => {
  it('escapes interpolated text, including in attributes', () => {
    const name = '<script>alert("x")</script>';
    assert.equal(html`<p title="${name}">${name}</p>`.value, '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>');
    assert.equal(escapeHtml(`a&b'c\``), 'a&amp;b&#39;c&#96;');
  });

  it('nests SafeHtml unescaped, joins arrays, skips false/null/undefined', () => {
    const items = ['<a>', 'b'].map((x) => html`<li>${x}</li>`);
    assert.equal(html`<ul>${items}</ul>${false}${null}${undefined}${0}`.value, '<ul><li>&lt;a&gt;</li><li>b</li></ul>0');
    assert.equal(html`${raw('<br>')}`.value, '<br>');
  });
});
