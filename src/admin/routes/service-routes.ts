// The "FTP service" page: GET shows the settings, POST validates them with the config schema, applies
// them live and writes the config file (or shows each error next to its field and changes nothing).
import type { FastifyInstance } from 'fastify';
import { actor, bodyOf, csrfToken, doneNotice, sendPage, type AdminContext } from '../admin-context.js';
import { changesFromForm } from '../form-values.js';
import { SERVICE_KEYS } from '../service-fields.js';
import { servicePage } from '../views/service-page.js';

export function registerServiceRoutes(app: FastifyInstance, ctx: AdminContext): void {
  app.get('/service', async (req, reply) => {
    const csrf = csrfToken(req, reply);
    // A config file broken by hand since the start: show what the server runs with.
    const values = await ctx.editor.read().catch(() => ctx.running.server.currentConfig);
    const notice = doneNotice(req, { saved: 'Saved and applied: new connections use the new settings; open sessions keep theirs.', unchanged: 'Nothing changed.' });
    return sendPage(req, reply, csrf, { title: 'FTP service', path: '/service', notice, body: servicePage({ csrf, values, submitted: false, fieldErrors: {}, general: [] }) });
  });

  app.post('/service', async (req, reply) => {
    const changes = changesFromForm(bodyOf(req), SERVICE_KEYS);
    const outcome = await ctx.editor.save(changes);
    if (outcome.ok) {
      if (outcome.changes.length === 0) return reply.redirect('/service?done=unchanged', 303);
      await ctx.audit.append({ ...actor(req), action: 'service.settings', changes: outcome.changes });
      return reply.redirect('/service?done=saved', 303);
    }
    const csrf = csrfToken(req, reply);
    const values = Object.fromEntries(changes.map((c) => [c.key, c.value ?? '']));
    const body = servicePage({ csrf, values, submitted: true, fieldErrors: outcome.fields, general: outcome.general });
    return sendPage(req, reply, csrf, { title: 'FTP service', path: '/service', notice: { kind: 'error', text: 'Not saved: correct the marked fields. Nothing was changed.' }, body }, 400);
  });
}
