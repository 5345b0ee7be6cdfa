// The status page (GET /) and the audit log page (GET /audit).
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { csrfToken, sendPage, type AdminContext } from '../admin-context.js';
import { tlsStatus } from '../tls-status.js';
import { auditPage } from '../views/audit-page.js';
import { statusPage } from '../views/status-page.js';

export function hostPort(a: AddressInfo | undefined): string | undefined {
  if (!a) return undefined;
  return a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}

export function registerStatusRoutes(app: FastifyInstance, ctx: AdminContext): void {
  app.get('/', async (req, reply) => {
    const { server, loaded, paths } = ctx.running;
    const config = server.currentConfig;
    const addresses = server.addresses;
    const csrf = csrfToken(req, reply);
    const body = statusPage({
      csrf,
      uptimeMs: Date.now() - ctx.startedAt,
      tlsMode: config.tls.mode,
      listeners: { explicit: hostPort(addresses.explicit) ?? 'not listening', implicit: hostPort(addresses.implicit), admin: ctx.url() },
      configFile: loaded.file,
      sessions: server.sessionSummaries(),
      transfers: server.recentTransfers,
      tls: await tlsStatus(config, loaded.baseDir, paths.tlsDir),
    });
    return sendPage(req, reply, csrf, { title: 'Status', path: '/', body });
  });

  app.get('/audit', async (req, reply) => {
    const entries = await ctx.audit.recent(200);
    return sendPage(req, reply, csrfToken(req, reply), { title: 'Audit log', path: '/audit', body: auditPage(entries, ctx.audit.file) });
  });
}
