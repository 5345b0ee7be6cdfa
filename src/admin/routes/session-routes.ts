// The sessions page and its Disconnect action (the client gets 421, a running transfer is aborted).
import type { FastifyInstance } from 'fastify';
import { actor, csrfToken, doneNotice, sendPage, type AdminContext } from '../admin-context.js';
import { sessionsPage } from '../views/sessions-page.js';

export function registerSessionRoutes(app: FastifyInstance, ctx: AdminContext): void {
  const { server } = ctx.running;

  app.get('/sessions', async (req, reply) => {
    const csrf = csrfToken(req, reply);
    const notice = doneNotice(req, { disconnected: 'Session disconnected.', gone: 'That session had already ended.' });
    return sendPage(req, reply, csrf, { title: 'Sessions', path: '/sessions', notice, body: sessionsPage(server.sessionSummaries(), csrf) });
  });

  app.post<{ Params: { id: string } }>('/sessions/:id/disconnect', async (req, reply) => {
    const summary = server.sessionSummaries().find((s) => s.id === req.params.id);
    const done = summary !== undefined && server.disconnect(req.params.id);
    if (done) await ctx.audit.append({ ...actor(req), action: 'session.disconnect', target: `${summary!.user ?? '(not logged in)'} from ${summary!.remoteAddress}` });
    return reply.redirect(`/sessions?done=${done ? 'disconnected' : 'gone'}`, 303);
  });
}
