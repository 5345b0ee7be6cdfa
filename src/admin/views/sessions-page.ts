// The sessions page: every control connection, live, with a Disconnect button each.
import type { SessionSummary } from '../../server/ftp-server.js';
import { html, type SafeHtml } from './html.js';
import { sessionsTable } from './sessions-table.js';

export function sessionsPage(sessions: readonly SessionSummary[], csrf: string): SafeHtml {
  return html`<p class="lead">Disconnecting a session aborts its transfer; the client is told "421 Disconnected by the administrator". This list updates itself every few seconds.</p>
${sessionsTable(sessions, { csrf, actions: true })}`;
}
