// FTP users: list, add (password typed or generated and shown once), edit, enable/disable, new
// password, remove. Every change goes to the users file (comments kept, mode 0600), the running
// server reloads it at once, and the audit log records it (a password only as "set"/"changed").
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { generatePassword } from '../../auth/password-hash.js';
import { addUser, listUsers, removeUser, setPassword, setUserEnabled, type UserSummary } from '../../auth/users-file.js';
import { PERMISSIONS, userRecordSchema, type Permission, type UserRecord } from '../../config/schema.js';
import { isFerryError } from '../../errors/ferry-error.js';
import { actor, bodyOf, csrfToken, doneNotice, sendPage, type AdminContext } from '../admin-context.js';
import { formString, type FormBody } from '../form-values.js';
import { checkHome, updateUser, type UserUpdate } from '../user-editor.js';
import { userEditPage } from '../views/user-edit-page.js';
import { userFormValues, type UserFormValues } from '../views/user-fields.js';
import { usersPage } from '../views/users-page.js';

const DONE = { added: 'User added.', saved: 'Saved.', password: 'Password changed.', removed: 'User removed (the home folder was kept).', enabled: 'User enabled.', disabled: 'User disabled.' };

interface ParsedUserForm {
  values: UserFormValues;
  update: UserUpdate;
  errors: Record<string, string>;
}

function parseUserForm(body: FormBody, storageRoot: string): ParsedUserForm {
  const raw = body.permissions;
  const checked = (Array.isArray(raw) ? raw : raw ? [raw] : []).filter((p): p is Permission => (PERMISSIONS as readonly string[]).includes(p));
  const permissions = PERMISSIONS.filter((p) => checked.includes(p));
  const home = (formString(body, 'home') ?? '').trim();
  const tlsText = formString(body, 'tls') ?? 'inherit';
  const reuse = formString(body, 'reuse') ?? 'inherit';
  const values: UserFormValues = { home, permissions, tls: tlsText, reuse: reuse === 'yes' || reuse === 'no' ? reuse : 'inherit', enabled: formString(body, 'enabled') === 'on' };
  const errors: Record<string, string> = {};
  const homeProblem = checkHome(storageRoot, home || undefined);
  if (homeProblem) errors.home = homeProblem;
  if (permissions.length === 0) errors.permissions = 'Choose at least one permission (list and read for read-only access).';
  const tls = userRecordSchema.shape.tls.safeParse(tlsText);
  if (!tls.success) errors.tls = 'Choose inherit, optional or required';
  const asSetting: UserRecord['permissions'] = permissions.length === PERMISSIONS.length ? 'full' : permissions.length === 2 && permissions.includes('list') && permissions.includes('read') ? 'read-only' : permissions;
  return {
    values,
    errors,
    update: {
      home: home || undefined,
      permissions: asSetting,
      tls: tls.success ? tls.data : 'inherit',
      requireSessionReuse: values.reuse === 'inherit' ? undefined : values.reuse === 'yes',
      enabled: values.enabled,
    },
  };
}

export function registerUserRoutes(app: FastifyInstance, ctx: AdminContext): void {
  const { running } = ctx;
  const usersFile = running.paths.usersFile;
  const storageRoot = running.paths.storageRoot;
  const reload = async () => {
    const error = await running.server.userStore.reload();
    if (error) running.logger.error({ err: error.message }, 'users file invalid after an admin change');
  };
  const userPath = (name: string) => `/users/${encodeURIComponent(name)}`;

  async function showList(req: FastifyRequest, reply: FastifyReply, extra: Partial<Parameters<typeof usersPage>[0]> = {}, status = 200) {
    const csrf = csrfToken(req, reply);
    const users = await listUsers(usersFile);
    const body = usersPage({ csrf, users, add: { name: '', values: userFormValues(undefined), fieldErrors: {}, general: [] }, ...extra });
    const notice = status >= 400 ? { kind: 'error' as const, text: 'Not saved: correct the marked fields.' } : doneNotice(req, DONE);
    return sendPage(req, reply, csrf, { title: 'Users', path: '/users', notice, body }, status);
  }

  async function findUser(name: string): Promise<UserSummary | undefined> {
    return (await listUsers(usersFile)).find((u) => u.name === name);
  }

  async function showUser(req: FastifyRequest, reply: FastifyReply, user: UserSummary, extra: Partial<Parameters<typeof userEditPage>[0]> = {}, status = 200) {
    const csrf = csrfToken(req, reply);
    const body = userEditPage({ csrf, user, values: userFormValues(user), fieldErrors: {}, general: [], ...extra });
    const notice = status >= 400 ? { kind: 'error' as const, text: 'Not saved: correct the marked fields.' } : doneNotice(req, DONE);
    return sendPage(req, reply, csrf, { title: `User ${user.name}`, path: '/users', notice, body }, status);
  }

  app.get('/users', async (req, reply) => showList(req, reply));

  app.post('/users', async (req, reply) => {
    const body = bodyOf(req);
    const name = (formString(body, 'name') ?? '').trim();
    const typed = formString(body, 'password') ?? '';
    const form = parseUserForm(body, storageRoot);
    form.values.enabled = true;
    const nameCheck = userRecordSchema.shape.name.safeParse(name);
    if (!nameCheck.success) form.errors.name = nameCheck.error.issues[0]?.message ?? 'Invalid name';
    const fail = (general: string[] = []) => showList(req, reply, { add: { name, values: form.values, fieldErrors: form.errors, general } }, 400);
    if (Object.keys(form.errors).length > 0) return fail();
    const password = typed || generatePassword();
    try {
      await addUser(usersFile, {
        name,
        password,
        ...(form.update.home ? { home: form.update.home } : {}),
        permissions: form.update.permissions,
        tls: form.update.tls,
        ...(form.update.requireSessionReuse !== undefined ? { requireSessionReuse: form.update.requireSessionReuse } : {}),
      });
    } catch (err) {
      if (!isFerryError(err)) throw err;
      if (err.code === 'ALREADY_EXISTS' || /name|reserved/.test(err.message)) form.errors.name = err.message.replace(/^.*?: (?=user ")/, '');
      else if (/home/.test(err.message)) form.errors.home = err.message;
      else if (/password/.test(err.message)) form.errors.password = err.message;
      else return fail([err.message]);
      return fail();
    }
    await reload();
    await ctx.audit.append({ ...actor(req), action: 'user.add', target: name, changes: [{ key: 'password', old: undefined, new: 'x' }, ...(form.update.home ? [{ key: 'home', old: undefined, new: form.update.home }] : []), { key: 'permissions', old: undefined, new: form.update.permissions }, { key: 'tls', old: undefined, new: form.update.tls }] });
    if (typed) return reply.redirect('/users?done=added', 303);
    return showList(req, reply, { shownPassword: { user: name, password } });
  });

  app.get<{ Params: { name: string } }>('/users/:name', async (req, reply) => {
    const user = await findUser(req.params.name);
    if (!user) return reply.callNotFound();
    return showUser(req, reply, user);
  });

  app.post<{ Params: { name: string } }>('/users/:name', async (req, reply) => {
    const user = await findUser(req.params.name);
    if (!user) return reply.callNotFound();
    const form = parseUserForm(bodyOf(req), storageRoot);
    if (Object.keys(form.errors).length > 0) return showUser(req, reply, user, { values: form.values, fieldErrors: form.errors }, 400);
    const changes = await updateUser(usersFile, storageRoot, user.name, form.update);
    if (changes.length > 0) {
      await reload();
      await ctx.audit.append({ ...actor(req), action: 'user.update', target: user.name, changes });
    }
    return reply.redirect(`${userPath(user.name)}?done=saved`, 303);
  });

  app.post<{ Params: { name: string } }>('/users/:name/password', async (req, reply) => {
    const user = await findUser(req.params.name);
    if (!user) return reply.callNotFound();
    const typed = formString(bodyOf(req), 'password') ?? '';
    const password = typed || generatePassword();
    await setPassword(usersFile, user.name, password);
    await reload();
    await ctx.audit.append({ ...actor(req), action: 'user.password', target: user.name, changes: [{ key: 'password', old: 'x', new: 'y' }] });
    if (typed) return reply.redirect(`${userPath(user.name)}?done=password`, 303);
    return showUser(req, reply, user, { shownPassword: { user: user.name, password } });
  });

  app.post<{ Params: { name: string } }>('/users/:name/enabled', async (req, reply) => {
    const user = await findUser(req.params.name);
    if (!user) return reply.callNotFound();
    const enabled = formString(bodyOf(req), 'enabled') === 'yes';
    if (enabled !== user.enabled) {
      await setUserEnabled(usersFile, user.name, enabled);
      await reload();
      await ctx.audit.append({ ...actor(req), action: enabled ? 'user.enable' : 'user.disable', target: user.name, changes: [{ key: 'enabled', old: user.enabled, new: enabled }] });
    }
    return reply.redirect(`/users?done=${enabled ? 'enabled' : 'disabled'}`, 303);
  });

  app.post<{ Params: { name: string } }>('/users/:name/remove', async (req, reply) => {
    const user = await findUser(req.params.name);
    if (!user) return reply.callNotFound();
    await removeUser(usersFile, user.name);
    await reload();
    await ctx.audit.append({ ...actor(req), action: 'user.remove', target: user.name });
    return reply.redirect('/users?done=removed', 303);
  });
}
