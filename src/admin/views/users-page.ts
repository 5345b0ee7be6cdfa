// The users page: the list (enable/disable in place, edit link) and the "add user" form. A generated
// password is shown once, right after it was made, and never again.
import type { UserSummary } from '../../auth/users-file.js';
import { csrfInput, formErrors, formField } from './form-field.js';
import { html, type SafeHtml } from './html.js';
import { userFields, type UserFormValues } from './user-fields.js';

export interface UsersPageData {
  csrf: string;
  users: readonly UserSummary[];
  add: { name: string; values: UserFormValues; fieldErrors: Record<string, string>; general: string[] };
  /** A password to show once (generated for a new user). */
  shownPassword?: { user: string; password: string };
}

function permissionsText(p: UserSummary['permissions']): string {
  return Array.isArray(p) ? p.join(', ') : p;
}

export function shownPasswordBox(shown: { user: string; password: string } | undefined): SafeHtml {
  if (!shown) return html``;
  return html`<div class="once" role="status"><p>Password of <strong>${shown.user}</strong>, shown only this once:</p><p><code class="password" id="shown-password">${shown.password}</code></p><p class="help">Copy it now into the FTP client; it is stored only as an scrypt hash.</p></div>`;
}

export function usersPage(d: UsersPageData): SafeHtml {
  const rows = d.users.map(
    (u) => html`<tr>
<td><a href="/users/${encodeURIComponent(u.name)}">${u.name}</a></td>
<td>${u.enabled ? 'enabled' : html`<span class="warn-text">disabled</span>`}</td>
<td><code>${u.home ?? u.name}</code></td>
<td>${permissionsText(u.permissions)}</td>
<td>${u.tls}${u.requireSessionReuse === false ? ' (no session reuse)' : ''}</td>
<td class="actions"><form method="post" action="/users/${encodeURIComponent(u.name)}/enabled">${csrfInput(d.csrf)}<input type="hidden" name="enabled" value="${u.enabled ? 'no' : 'yes'}"><button type="submit">${u.enabled ? 'Disable' : 'Enable'}<span class="sr-only"> ${u.name}</span></button></form> <a href="/users/${encodeURIComponent(u.name)}">Edit<span class="sr-only"> ${u.name}</span></a></td>
</tr>`,
  );
  return html`${shownPasswordBox(d.shownPassword)}
<section aria-labelledby="h-list"><h2 id="h-list">FTP users</h2>
<div class="table-wrap"><table class="users"><thead><tr><th scope="col">Name</th><th scope="col">Status</th><th scope="col">Home</th><th scope="col">Permissions</th><th scope="col">TLS</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
<tbody>${rows.length ? rows : html`<tr class="empty"><td colspan="6">No users yet: add one below.</td></tr>`}</tbody></table></div></section>
<section aria-labelledby="h-add"><h2 id="h-add">Add a user</h2>
<form method="post" action="/users" novalidate class="settings" id="add-user">
${csrfInput(d.csrf)}
${formErrors(d.add.general)}
${formField({ name: 'name', label: 'User name', field: { kind: 'string', description: 'Letters, digits, ".", "_", "@" and "-"', default: undefined, optional: false }, value: d.add.name, error: d.add.fieldErrors.name, autocomplete: 'off' })}
${formField({ name: 'password', label: 'Password', as: 'password', autocomplete: 'new-password', field: { kind: 'string', description: 'Leave empty to generate a strong one (shown once)', default: undefined, optional: true }, value: '', error: d.add.fieldErrors.password })}
${userFields(d.add.values, d.add.fieldErrors, false)}
<p><button type="submit">Add user</button></p>
</form></section>`;
}
