// Form controls shared by "add user" and "edit user": home folder, permissions, TLS override and
// session reuse, with help texts from the users-file schema.
import { PERMISSIONS, userRecordSchema, type Permission } from '../../config/schema.js';
import type { UserSummary } from '../../auth/users-file.js';
import { fieldId, formField } from './form-field.js';
import { html, type SafeHtml } from './html.js';

const shape = userRecordSchema.shape;

export interface UserFormValues {
  home: string;
  permissions: readonly Permission[];
  tls: string;
  reuse: 'inherit' | 'yes' | 'no';
  enabled: boolean;
}

export function userFormValues(u: UserSummary | undefined): UserFormValues {
  const perms = u ? (typeof u.permissions === 'string' ? (u.permissions === 'full' ? PERMISSIONS : (['list', 'read'] as const)) : u.permissions) : PERMISSIONS;
  return {
    home: u?.home ?? '',
    permissions: [...perms],
    tls: u?.tls ?? 'inherit',
    reuse: u?.requireSessionReuse === undefined ? 'inherit' : u.requireSessionReuse ? 'yes' : 'no',
    enabled: u?.enabled ?? true,
  };
}

export function userFields(v: UserFormValues, errors: Record<string, string>, withEnabled: boolean): SafeHtml {
  const permId = fieldId('permissions');
  return html`
${formField({ name: 'home', label: 'Home folder', field: { kind: 'string', description: shape.home.description ?? '', default: undefined, optional: true }, value: v.home, error: errors.home })}
<fieldset class="permissions${errors.permissions ? ' invalid' : ''}" aria-describedby="${permId}-help"><legend>Permissions</legend>
${PERMISSIONS.map((p) => html`<span class="perm"><input type="checkbox" id="${permId}-${p}" name="permissions" value="${p}"${v.permissions.includes(p) ? html` checked` : ''}> <label for="${permId}-${p}">${p}</label></span>`)}
<p class="help" id="${permId}-help">All seven is "full"; list and read is "read-only". Replacing a file needs write and delete.</p>
${errors.permissions ? html`<p class="error">${errors.permissions}</p>` : ''}
</fieldset>
${formField({ name: 'tls', label: 'TLS requirement for this user', field: { kind: 'enum', enum: ['inherit', 'optional', 'required'], description: `${shape.tls.description ?? ''}: inherit follows the server's TLS/SSL switches`, default: 'inherit', optional: false }, value: v.tls, error: errors.tls })}
${formField({ name: 'reuse', label: 'TLS session reuse on data connections', field: { kind: 'enum', enum: ['inherit', 'yes', 'no'], description: shape.requireSessionReuse.description ?? '', default: 'inherit', optional: false }, value: v.reuse, error: errors.reuse })}
${withEnabled ? formField({ name: 'enabled', label: 'Enabled (may log in)', field: { kind: 'boolean', description: 'A disabled user keeps their password and files but cannot log in', default: true, optional: false }, value: v.enabled }) : ''}`;
}
