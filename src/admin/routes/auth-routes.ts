// Log in and out of the admin page. Logins are rate-limited per address (429 with Retry-After) and
// every attempt is logged and audited (the name only, never the password).
import type { FastifyInstance } from 'fastify';
import { verifyAdmin } from '../admin-accounts.js';
import { bodyOf, csrfToken, sendPage, type AdminContext } from '../admin-context.js';
import { formString } from '../form-values.js';
import { loginPage } from '../views/login-page.js';

export function registerAuthRoutes(app: FastifyInstance, ctx: AdminContext): void {
  const cookieOptions = { httpOnly: true, sameSite: 'strict' as const, secure: ctx.secure, path: '/' };

  app.get('/login', async (req, reply) => {
    if (req.adminSession) return reply.redirect('/', 303);
    const csrf = csrfToken(req, reply);
    return sendPage(req, reply, csrf, { title: 'Log in', path: '/login', body: loginPage(csrf) });
  });

  app.post('/login', async (req, reply) => {
    const body = bodyOf(req);
    const name = (formString(body, 'name') ?? '').trim().slice(0, 64);
    const password = formString(body, 'password') ?? '';
    const address = req.ip;
    const log = ctx.running.logger;
    const refuse = (waitMs: number) => {
      const minutes = Math.max(1, Math.ceil(waitMs / 60_000));
      reply.header('retry-after', String(Math.ceil(waitMs / 1000)));
      const csrf = csrfToken(req, reply);
      return sendPage(req, reply, csrf, { title: 'Log in', path: '/login', notice: { kind: 'error', text: `Too many failed logins from your address: try again in ${minutes} minute(s).` }, body: loginPage(csrf, name) }, 429);
    };
    const wait = ctx.limiter.retryAfterMs(address);
    if (wait > 0) {
      log.warn({ admin: name, address }, 'admin login refused: too many failures from this address');
      return refuse(wait);
    }
    if (name && password && (await verifyAdmin(ctx.accountsFile, name, password))) {
      ctx.limiter.recordSuccess(address);
      const previous = req.cookies[ctx.sessionCookie];
      ctx.sessions.destroy(previous); // a fresh id at every login: no session fixation
      const session = ctx.sessions.create(name, address);
      reply.setCookie(ctx.sessionCookie, session.id, cookieOptions);
      log.info({ admin: name, address }, 'admin logged in');
      await ctx.audit.append({ admin: name, address, action: 'login', result: 'ok' });
      return reply.redirect('/', 303);
    }
    const locked = ctx.limiter.recordFailure(address);
    log.warn({ admin: name, address, locked }, 'admin login failed');
    await ctx.audit.append({ admin: name || '(empty)', address, action: 'login', result: 'failed' });
    if (locked) return refuse(ctx.limiter.retryAfterMs(address));
    const csrf = csrfToken(req, reply);
    return sendPage(req, reply, csrf, { title: 'Log in', path: '/login', notice: { kind: 'error', text: 'Wrong admin name or password.' }, body: loginPage(csrf, name) }, 401);
  });

  app.post('/logout', async (req, reply) => {
    if (req.adminSession) {
      ctx.running.logger.info({ admin: req.adminSession.admin, address: req.ip }, 'admin logged out');
      ctx.sessions.destroy(req.adminSession.id);
    }
    reply.clearCookie(ctx.sessionCookie, cookieOptions);
    return reply.redirect('/login', 303);
  });
}
