// One user's page: settings (home, permissions, TLS, enabled), a new password (typed or generated and
// shown once), and removal (the home folder is kept).
import type { UserSummary } from '../../auth/users-file.js';
import { csrfInput, formErrors, formField } from './form-field.js';
import { html, type SafeHtml } from './html.js';
import { userFields, type UserFormValues } from './user-fields.js';
import { shownPasswordBox } from './users-page.js';

export interface UserEditData {
  csrf: string;
  user: UserSummary;
  values: UserFormValues;
  fieldErrors: Record<string, string>;
  general: string[];
  passwordError?: string;
  shownPassword?: { user: string; password: string };
}

export function userEditPage(d: UserEditData): SafeHtml {
  const base = `/users/${encodeURIComponent(d.user.name)}`;
  return html`${shownPasswordBox(d.shownPassword)}
<p><a href="/users">← All users</a></p>
<section aria-labelledby="h-settings"><h2 id="h-settings">Settings</h2>
<form method="post" action="${base}" novalidate class="settings" id="edit-user">
${csrfInput(d.csrf)}
${formErrors(d.general)}
${userFields(d.values, d.fieldErrors, true)}
<p><button type="submit">Save</button></p>
</form></section>
<section aria-labelledby="h-password"><h2 id="h-password">Password</h2>
<form method="post" action="${base}/password" novalidate class="settings" id="set-password">
${csrfInput(d.csrf)}
${formField({ name: 'password', label: 'New password', as: 'password', autocomplete: 'new-password', field: { kind: 'string', description: 'Leave empty to generate a strong one (shown once)', default: undefined, optional: true }, value: '', error: d.passwordError })}
<p><button type="submit">Set password</button></p>
</form></section>
<section aria-labelledby="h-remove"><h2 id="h-remove">Remove</h2>
<form method="post" action="${base}/remove" class="settings">
${csrfInput(d.csrf)}
<p class="help">Removes the account from the users file. The home folder and its files are kept.</p>
<p><button type="submit" class="danger">Remove ${d.user.name}</button></p>
</form></section>`;
}
