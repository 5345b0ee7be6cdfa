// The status page: listeners (explicit, implicit, admin), uptime, live sessions, recent transfers and
// the certificate summary with the checks' warnings.
import type { SessionSummary } from '../../server/ftp-server.js';
import type { TransferRecord } from '../../session/session.js';
import type { TlsStatus } from '../tls-status.js';
import { formatBytes, formatDate, formatDuration } from './format.js';
import { html, type SafeHtml } from './html.js';
import { sessionsTable } from './sessions-table.js';
import { findingsList } from './tls-page.js';

export interface StatusData {
  csrf: string;
  uptimeMs: number;
  tlsMode: string;
  listeners: { explicit: string; implicit: string | undefined; admin: string };
  configFile: string;
  sessions: SessionSummary[];
  transfers: readonly TransferRecord[];
  tls: TlsStatus;
}

const MODE_TEXT: Record<string, string> = { required: 'TLS/SSL only', optional: 'TLS/SSL offered (plain FTP allowed)', disabled: 'off: plain FTP only' };

export function statusPage(d: StatusData): SafeHtml {
  const info = d.tls.info;
  const transfers = [...d.transfers].reverse().slice(0, 20);
  return html`
<section aria-labelledby="h-service"><h2 id="h-service">Service</h2>
<dl class="facts">
<dt>FTP / FTPES</dt><dd id="listener-explicit">${d.listeners.explicit}</dd>
<dt>Implicit FTPS</dt><dd id="listener-implicit">${d.listeners.implicit ?? 'off'}</dd>
<dt>Admin page</dt><dd id="listener-admin">${d.listeners.admin}</dd>
<dt>TLS</dt><dd>${MODE_TEXT[d.tlsMode] ?? d.tlsMode}</dd>
<dt>Uptime</dt><dd>${formatDuration(d.uptimeMs)}</dd>
<dt>Config file</dt><dd><code>${d.configFile}</code></dd>
</dl></section>
<section aria-labelledby="h-cert"><h2 id="h-cert">Certificate</h2>
${info
  ? html`<dl class="facts"><dt>Subject</dt><dd>${info.subject}</dd><dt>Alternative names</dt><dd>${info.subjectAltNames.join(', ') || '(none)'}</dd><dt>Expires</dt><dd>${formatDate(info.notAfter)}</dd><dt>SHA-256</dt><dd><code class="fingerprint">${info.fingerprintSha256}</code></dd></dl>`
  : html`<p>${d.tls.error ?? 'No certificate yet.'}</p>`}
${findingsList(d.tls)}
</section>
<section aria-labelledby="h-sessions"><h2 id="h-sessions">Sessions</h2>${sessionsTable(d.sessions, { csrf: d.csrf, actions: false })}<p><a href="/sessions">Manage sessions</a></p></section>
<section aria-labelledby="h-transfers"><h2 id="h-transfers">Recent transfers</h2>
${transfers.length === 0
  ? html`<p>No transfers yet.</p>`
  : html`<div class="table-wrap"><table><thead><tr><th scope="col">User</th><th scope="col">Direction</th><th scope="col">Path</th><th scope="col">Size</th><th scope="col">Time</th><th scope="col">Result</th></tr></thead><tbody>
${transfers.map((t) => html`<tr><td>${t.user}</td><td>${t.direction}</td><td><code>${t.path}</code></td><td>${formatBytes(t.bytes)}</td><td>${formatDuration(t.durationMs)}</td><td>${t.complete ? 'complete' : html`<span class="warn-text">incomplete</span>`}${t.secure ? ' · TLS' : ' · plain'}</td></tr>`)}
</tbody></table></div>`}
</section>`;
}
