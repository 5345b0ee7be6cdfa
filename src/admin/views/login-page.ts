// The login form of the admin page (admin accounts, not FTP users).
import { csrfInput } from './form-field.js';
import { html, type SafeHtml } from './html.js';

export function loginPage(csrf: string, name = ''): SafeHtml {
  return html`<form method="post" action="/login" class="login">
${csrfInput(csrf)}
<div class="field"><label for="f-name">Admin name</label><input id="f-name" name="name" autocomplete="username" value="${name}" required autofocus></div>
<div class="field"><label for="f-password">Password</label><input id="f-password" name="password" type="password" autocomplete="current-password" required></div>
<p><button type="submit">Log in</button></p>
<p class="help">The first start printed the password of "admin" once. Lost it? Run <code>ferry admin passwd</code> on the server.</p>
</form>`;
}
