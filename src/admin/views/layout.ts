// The page frame every admin page shares: head (no inline script or style, for the strict CSP), skip
// link, navigation with the current page marked, notices, and the log-out form (a POST with CSRF token).
import { html, type SafeHtml } from './html.js';

export const NAV = [
  ['/', 'Status'],
  ['/service', 'FTP service'],
  ['/tls', 'TLS/SSL'],
  ['/users', 'Users'],
  ['/sessions', 'Sessions'],
  ['/audit', 'Audit log'],
] as const;

export interface PageFrame {
  title: string;
  /** Path of the current page (marks the nav entry). */
  path: string;
  /** Logged-in admin; undefined on the login page. */
  admin?: string;
  csrf: string;
  /** Shown at the top: successes and failures of the last action. */
  notice?: { kind: 'ok' | 'error'; text: string | SafeHtml };
  body: SafeHtml;
}

export function layout(page: PageFrame): SafeHtml {
  const nav = page.admin
    ? html`<nav aria-label="Main"><ul>${NAV.map(([href, label]) => html`<li><a href="${href}"${page.path === href ? html` aria-current="page"` : ''}>${label}</a></li>`)}</ul>
      <form method="post" action="/logout" class="logout"><input type="hidden" name="_csrf" value="${page.csrf}"><button type="submit">Log out ${page.admin}</button></form></nav>`
    : '';
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="${page.csrf}">
<title>${page.title} · Ferry admin</title>
<link rel="stylesheet" href="/static/admin.css">
<script src="/static/admin.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header><span class="brand">Ferry</span>${nav}</header>
<main id="main">
<h1>${page.title}</h1>
${page.notice ? html`<p class="notice ${page.notice.kind}" role="${page.notice.kind === 'error' ? 'alert' : 'status'}">${page.notice.text}</p>` : ''}
${page.body}
</main>
</body>
</html>
`;
}
