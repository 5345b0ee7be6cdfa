// The web admin page: a Fastify server with form bodies, cookies and CSRF protection (official
// plugins), security headers, login sessions, and the page, API and metrics routes. Plain HTTP only on
// loopback; anywhere else HTTPS with Ferry's own certificate.
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';
import type https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { isLoopbackHost } from '../config/schema.js';
import { FerryError } from '../errors/ferry-error.js';
import { loadTls, type RunningFerry } from '../server/bootstrap.js';
import type { CertificateMaterial } from '../tls/certificate-load.js';
import { ensureFirstAdmin } from './admin-accounts.js';
import { csrfToken, csrfUserInfo, sendPage, type AdminContext } from './admin-context.js';
import { AdminSessions } from './admin-sessions.js';
import { AuditLog } from './audit-log.js';
import { ConfigEditor } from './config-editor.js';
import { LoginLimiter } from './login-limiter.js';
import { FerryMetrics } from './metrics.js';
import { registerApiRoutes } from './routes/api-routes.js';
import { registerAuthRoutes } from './routes/auth-routes.js';
import { registerMetricsRoutes } from './routes/metrics-routes.js';
import { registerServiceRoutes } from './routes/service-routes.js';
import { registerSessionRoutes } from './routes/session-routes.js';
import { registerStaticRoutes } from './routes/static-routes.js';
import { registerStatusRoutes } from './routes/status-routes.js';
import { registerTlsRoutes } from './routes/tls-routes.js';
import { registerUserRoutes } from './routes/user-routes.js';
import { isLoopbackHostHeader, setSecurityHeaders } from './security-headers.js';
import { html } from './views/html.js';

export interface AdminServer {
  /** e.g. http://127.0.0.1:8021/ */
  readonly url: string;
  readonly address: AddressInfo;
  /** Re-read the certificate for HTTPS (after the FTP certificate changed). */
  refreshTls(): Promise<void>;
  close(): Promise<void>;
}

export interface AdminServerOptions {
  print(line: string): void;
  /** Login rate limits (tests shorten them). */
  limiter?: LoginLimiter;
}

/** Routes reachable without a login (the metrics route checks its own credentials). */
const PUBLIC_PATHS = new Set(['/login', '/static/admin.css', '/static/admin.js', '/favicon.ico', '/metrics']);
const BODY_LIMIT = 256 * 1024;

/** The certificate the admin page serves: the FTP one, or the generated one when FTP TLS is off. */
async function adminTlsMaterial(running: RunningFerry, print: (line: string) => void): Promise<CertificateMaterial> {
  const config = running.server.currentConfig;
  const setup = await loadTls({ ...config, tls: { ...config.tls, mode: 'required' } }, running.loaded.baseDir, running.paths, print);
  if (!setup) throw new FerryError('CERTIFICATE_INVALID', 'admin page: no certificate for HTTPS');
  return setup.material;
}

function urlOf(address: AddressInfo, host: string, secure: boolean): string {
  const wildcard = host === '0.0.0.0' || host === '::';
  const name = wildcard ? os.hostname() : address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `${secure ? 'https' : 'http'}://${name}:${address.port}/`;
}

function isCsrfError(err: { code?: string }): boolean {
  return err.code === 'FST_CSRF_INVALID_TOKEN' || err.code === 'FST_CSRF_MISSING_SECRET';
}

export async function startAdminServer(running: RunningFerry, options: AdminServerOptions): Promise<AdminServer> {
  const settings = running.loaded.config.admin;
  const { baseDir } = running.loaded;
  const secure = settings.https === 'always' || (settings.https === 'auto' && !isLoopbackHost(settings.host));
  // The schema refuses this already; the check stays here so no code path serves the page in clear text.
  if (!secure && !isLoopbackHost(settings.host)) throw new FerryError('CONFIG_INVALID', 'admin.https: plain HTTP is allowed only on a loopback address');

  const accountsFile = path.resolve(baseDir, settings.accountsFile);
  const first = await ensureFirstAdmin(accountsFile);
  if (first) {
    options.print(`Created the admin account "${first.name}" for the web admin page with password: ${first.password}`);
    options.print('  It is shown only this once (stored as an scrypt hash). Change it with: ferry admin passwd');
  }

  const material = secure ? await adminTlsMaterial(running, options.print) : undefined;
  const common = {
    loggerInstance: running.logger.child({ component: 'admin' }) as unknown as FastifyBaseLogger,
    // Requests are not logged one by one; logins, changes and errors are.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    forceCloseConnections: true,
    trustProxy: false,
  };
  const app = (material
    ? Fastify({ ...common, https: { cert: material.certPem, key: material.keyPem, ...(material.passphrase ? { passphrase: material.passphrase } : {}), minVersion: 'TLSv1.2' } })
    : Fastify(common)) as unknown as FastifyInstance;

  let url = '';
  const metrics = new FerryMetrics(running.server);
  const ctx: AdminContext = {
    running,
    settings,
    accountsFile,
    editor: new ConfigEditor(running.loaded.file, (next) => running.apply(next)),
    audit: new AuditLog(path.resolve(baseDir, settings.auditLog)),
    sessions: new AdminSessions(settings.sessionMinutes * 60_000),
    limiter: options.limiter ?? new LoginLimiter(),
    metrics,
    startedAt: Date.now(),
    secure,
    sessionCookie: secure ? '__Host-ferry_admin' : 'ferry_admin',
    url: () => url,
    refreshTls: async () => {
      if (!secure) return;
      try {
        const next = await adminTlsMaterial(running, options.print);
        (app.server as unknown as https.Server).setSecureContext({ cert: next.certPem, key: next.keyPem, ...(next.passphrase ? { passphrase: next.passphrase } : {}) });
      } catch (err) {
        running.logger.error({ err: (err as Error).message }, 'admin page: keeping the previous HTTPS certificate');
      }
    },
  };

  await app.register(fastifyFormbody);
  await app.register(fastifyCookie);
  await app.register(fastifyCsrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: secure ? '__Host-ferry_csrf' : 'ferry_csrf',
    cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true, secure },
    getUserInfo: csrfUserInfo,
    csrfOpts: { hmacKey: randomBytes(32).toString('base64'), userInfo: true },
  });

  const loopback = isLoopbackHost(settings.host);
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    setSecurityHeaders(reply, secure);
    if (loopback && !isLoopbackHostHeader(req.headers.host, settings.host)) {
      // A page on another site that re-points its DNS name at 127.0.0.1 (DNS rebinding) gets nothing.
      return reply.code(421).type('text/plain').send('Misdirected request: open this page as localhost or 127.0.0.1\n');
    }
    req.adminSession = ctx.sessions.get(req.cookies[ctx.sessionCookie]);
    const pathname = req.url.split('?')[0]!;
    if (req.adminSession || PUBLIC_PATHS.has(pathname)) return;
    if (pathname.startsWith('/api/')) return reply.code(401).send({ error: 'login required' });
    return reply.redirect('/login', 303);
  });
  app.addHook('preHandler', (req, reply, done) => {
    if (req.method === 'GET' || req.method === 'HEAD') return done();
    app.csrfProtection(req, reply, done);
  });

  app.setErrorHandler((err: Error & { code?: string; statusCode?: number }, req, reply) => {
    const api = req.url.startsWith('/api/');
    let status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    let text = status < 500 ? err.message : 'Something went wrong; the server log has the details.';
    if (isCsrfError(err)) {
      status = 403;
      text = 'This form was refused: its security token is missing or out of date (CSRF protection). Go back, reload the page and try again.';
      running.logger.warn({ address: req.ip, url: req.url }, 'admin request refused: bad or missing CSRF token');
    } else if (status === 500) {
      running.logger.error({ err, url: req.url }, 'admin page error');
    }
    if (api) return reply.code(status).send({ error: text });
    return sendPage(req, reply, csrfToken(req, reply), { title: status === 403 ? 'Refused' : 'Error', path: '', notice: { kind: 'error', text }, body: html`<p><a href="/">Back to the status page</a></p>` }, status);
  });
  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/api/')) return reply.code(404).send({ error: 'not found' });
    return sendPage(req, reply, csrfToken(req, reply), { title: 'Not found', path: '', body: html`<p>There is no such page. <a href="/">Back to the status page</a></p>` }, 404);
  });

  registerStaticRoutes(app);
  registerAuthRoutes(app, ctx);
  registerStatusRoutes(app, ctx);
  registerServiceRoutes(app, ctx);
  registerTlsRoutes(app, ctx);
  registerUserRoutes(app, ctx);
  registerSessionRoutes(app, ctx);
  registerApiRoutes(app, ctx);
  registerMetricsRoutes(app, ctx);

  try {
    await app.listen({ host: settings.host, port: settings.port });
  } catch (err) {
    metrics.close();
    await app.close().catch(() => undefined);
    throw err;
  }
  const address = app.server.address() as AddressInfo;
  url = urlOf(address, settings.host, secure);
  running.logger.info({ url }, 'admin page listening');
  return {
    url,
    address,
    refreshTls: ctx.refreshTls,
    async close() {
      metrics.close();
      await app.close();
    },
  };
}
