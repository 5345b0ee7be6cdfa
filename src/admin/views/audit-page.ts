// The audit log page: the newest changes first (secrets were masked before they were written).
import type { AuditEntry } from '../audit-log.js';
import { formatDate } from './format.js';
import { html, type SafeHtml } from './html.js';

function show(value: unknown): string {
  return value === undefined ? '(not set)' : typeof value === 'string' ? value : JSON.stringify(value);
}

export function auditPage(entries: readonly AuditEntry[], file: string): SafeHtml {
  if (entries.length === 0) return html`<p>No changes yet. The log is kept in <code>${file}</code>.</p>`;
  return html`<p class="lead">The newest ${entries.length} entries of <code>${file}</code>.</p>
<div class="table-wrap"><table class="audit"><thead><tr><th scope="col">When</th><th scope="col">Admin</th><th scope="col">From</th><th scope="col">Action</th><th scope="col">Changes</th></tr></thead><tbody>
${entries.map(
  (e) => html`<tr><td>${formatDate(e.time)}</td><td>${e.admin}</td><td>${e.address}</td><td>${e.action}${e.target ? html` <code>${e.target}</code>` : ''}${e.result === 'failed' ? html` <span class="warn-text">(failed)</span>` : ''}</td>
<td>${e.changes?.length ? html`<ul class="changes">${e.changes.map((c) => html`<li><code>${c.key}</code>: ${show(c.old)} → ${show(c.new)}</li>`)}</ul>` : ''}</td></tr>`,
)}
</tbody></table></div>`;
}
