// The live sessions table (status and sessions pages): user, address, TLS version and cipher, data
// protection, current transfer with progress. /static/admin.js refreshes it from /api/sessions.
import type { SessionSummary } from '../../server/ftp-server.js';
import { csrfInput } from './form-field.js';
import { formatBytes, formatDuration } from './format.js';
import { html, type SafeHtml } from './html.js';

function transferCell(s: SessionSummary, now: number): SafeHtml {
  if (!s.transfer) return html`idle`;
  const secs = Math.max(0.001, (now - s.transfer.startedAt) / 1000);
  return html`${s.transfer.verb} <code>${s.transfer.path}</code><br><progress aria-label="transfer in progress"></progress> ${formatBytes(s.transfer.bytes)} at ${formatBytes(Math.round(s.transfer.bytes / secs))}/s`;
}

export function sessionsTable(sessions: readonly SessionSummary[], options: { csrf: string; actions: boolean; now?: number }): SafeHtml {
  const now = options.now ?? Date.now();
  const rows = sessions.map(
    (s) => html`<tr data-id="${s.id}">
<td>${s.user ?? html`<em>not logged in</em>`}</td>
<td>${s.remoteAddress}</td>
<td>${formatDuration(now - s.startedAt)}</td>
<td>${s.tlsProtocol ? `${s.tlsProtocol} ${s.tlsCipher ?? ''}` : html`<span class="warn-text">plain</span>`}</td>
<td>${s.dataProtection === 'P' ? 'protected' : 'clear'}</td>
<td>${transferCell(s, now)}</td>
${options.actions ? html`<td><form method="post" action="/sessions/${encodeURIComponent(s.id)}/disconnect">${csrfInput(options.csrf)}<button type="submit" class="danger">Disconnect</button></form></td>` : ''}
</tr>`,
  );
  return html`<div class="table-wrap"><table class="sessions" data-live="sessions" data-actions="${options.actions ? 'yes' : 'no'}">
<caption>Live sessions: <span class="count">${sessions.length}</span> <span class="updated" aria-live="polite"></span></caption>
<thead><tr><th scope="col">User</th><th scope="col">Address</th><th scope="col">Connected</th><th scope="col">TLS</th><th scope="col">Data</th><th scope="col">Transfer</th>${options.actions ? html`<th scope="col"><span class="sr-only">Actions</span></th>` : ''}</tr></thead>
<tbody>${rows.length ? rows : html`<tr class="empty"><td colspan="${options.actions ? 7 : 6}">No one is connected.</td></tr>`}</tbody>
</table></div>`;
}
