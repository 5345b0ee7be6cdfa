// The style sheet and the one script, as files of their own (the CSP allows only 'self' sources).
import type { FastifyInstance } from 'fastify';
import { ADMIN_CSS } from '../static/admin-css.js';
import { ADMIN_JS } from '../static/admin-js.js';

export function registerStaticRoutes(app: FastifyInstance): void {
  app.get('/static/admin.css', async (_req, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'no-cache').send(ADMIN_CSS));
  app.get('/static/admin.js', async (_req, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(ADMIN_JS));
  app.get('/favicon.ico', async (_req, reply) => reply.code(204).send());
}
