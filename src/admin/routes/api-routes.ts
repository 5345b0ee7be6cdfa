// The JSON API, behind the same login as the pages: status, sessions (with disconnect), users and
// recent transfers. State changes need the CSRF token in an X-CSRF-Token header.
import type { FastifyInstance } from 'fastify';
import { listUsers } from '../../auth/users-file.js';
import { actor, type AdminContext } from '../admin-context.js';
import { tlsStatus } from '../tls-status.js';
import { hostPort } from './status-routes.js';

export function registerApiRoutes(app: FastifyInstance, ctx: AdminContext): void {
  const { server, loaded, paths } = ctx.running;

  app.get('/api/status', async () => {
    const config = server.currentConfig;
    const tls = await tlsStatus(config, loaded.baseDir, paths.tlsDir);
    const info = tls.info;
    return {
      uptimeSeconds: Math.floor((Date.now() - ctx.startedAt) / 1000),
      listeners: { explicit: hostPort(server.addresses.explicit) ?? null, implicit: hostPort(server.addresses.implicit) ?? null, admin: ctx.url() },
      tls: {
        mode: config.tls.mode,
        certificate: info ? { subject: info.subject, subjectAltNames: info.subjectAltNames, notBefore: info.notBefore, notAfter: info.notAfter, fingerprintSha256: info.fingerprintSha256, selfSigned: info.selfSigned } : null,
        key: tls.key ?? null,
        findings: tls.findings,
        warnings: tls.warnings,
      },
      sessions: server.sessions.size,
    };
  });

  app.get('/api/sessions', async () => ({ now: Date.now(), sessions: server.sessionSummaries() }));

  app.post<{ Params: { id: string } }>('/api/sessions/:id/disconnect', async (req, reply) => {
    const summary = server.sessionSummaries().find((s) => s.id === req.params.id);
    if (!summary || !server.disconnect(req.params.id)) return reply.code(404).send({ error: 'no such session' });
    await ctx.audit.append({ ...actor(req), action: 'session.disconnect', target: `${summary.user ?? '(not logged in)'} from ${summary.remoteAddress}` });
    return { disconnected: summary.id };
  });

  app.get('/api/users', async () => ({ users: await listUsers(paths.usersFile) }));

  app.get('/api/transfers', async () => ({ transfers: server.recentTransfers }));
}
