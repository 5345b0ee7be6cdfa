// GET /metrics for Prometheus. It needs an admin login: the session cookie, or HTTP Basic auth with an
// admin account (Prometheus' basic_auth), rate-limited like the login form, unless admin.publicMetrics.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { verifyAdmin } from '../admin-accounts.js';
import type { AdminContext } from '../admin-context.js';

function basicCredentials(req: FastifyRequest): { name: string; password: string } | undefined {
  const m = /^Basic ([A-Za-z0-9+/=]+)$/.exec(req.headers.authorization ?? '');
  if (!m) return undefined;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon < 0 ? undefined : { name: text.slice(0, colon), password: text.slice(colon + 1) };
}

export function registerMetricsRoutes(app: FastifyInstance, ctx: AdminContext): void {
  app.get('/metrics', async (req, reply) => {
    if (!ctx.settings.publicMetrics && !req.adminSession) {
      const wait = ctx.limiter.retryAfterMs(req.ip);
      if (wait > 0) return reply.code(429).header('retry-after', String(Math.ceil(wait / 1000))).type('text/plain').send('too many failed logins\n');
      const credentials = basicCredentials(req);
      const ok = credentials !== undefined && (await verifyAdmin(ctx.accountsFile, credentials.name, credentials.password));
      if (!ok) {
        if (credentials) {
          ctx.limiter.recordFailure(req.ip);
          ctx.running.logger.warn({ admin: credentials.name.slice(0, 64), address: req.ip }, 'metrics login failed');
        }
        return reply.code(401).header('www-authenticate', 'Basic realm="Ferry metrics", charset="UTF-8"').type('text/plain').send('login required\n');
      }
      ctx.limiter.recordSuccess(req.ip);
    }
    return reply.type(ctx.metrics.contentType).send(await ctx.metrics.text());
  });
}
