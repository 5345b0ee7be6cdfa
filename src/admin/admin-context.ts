// What every admin route gets: the running server, the editors, the audit log, the login machinery,
// plus small helpers to render a page (with its CSRF token) and to name who did something.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FerryConfig } from '../config/schema.js';
import type { RunningFerry } from '../server/bootstrap.js';
import type { AdminSession, AdminSessions } from './admin-sessions.js';
import type { AuditLog } from './audit-log.js';
import type { ConfigEditor } from './config-editor.js';
import type { FormBody } from './form-values.js';
import type { LoginLimiter } from './login-limiter.js';
import type { FerryMetrics } from './metrics.js';
import { layout, type PageFrame } from './views/layout.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The logged-in admin's session; undefined on public routes when not logged in. */
    adminSession?: AdminSession;
  }
}

export interface AdminContext {
  running: RunningFerry;
  settings: FerryConfig['admin'];
  accountsFile: string;
  editor: ConfigEditor;
  audit: AuditLog;
  sessions: AdminSessions;
  limiter: LoginLimiter;
  metrics: FerryMetrics;
  startedAt: number;
  /** Served over HTTPS (cookies get Secure and the __Host- prefix). */
  secure: boolean;
  sessionCookie: string;
  /** The admin page's own URL (known once it listens). */
  url(): string;
  /** Reload the admin page's HTTPS certificate after the FTP certificate changed. */
  refreshTls(): Promise<void>;
}

/** CSRF tokens are bound to the login session ("anonymous" before login). */
export function csrfUserInfo(req: FastifyRequest): string {
  return req.adminSession?.id ?? 'anonymous';
}

export function csrfToken(req: FastifyRequest, reply: FastifyReply): string {
  return reply.generateCsrf({ userInfo: csrfUserInfo(req) });
}

export function sendPage(req: FastifyRequest, reply: FastifyReply, csrf: string, frame: Omit<PageFrame, 'csrf' | 'admin'>, status = 200): FastifyReply {
  const page = layout({ ...frame, csrf, ...(req.adminSession ? { admin: req.adminSession.admin } : {}) });
  return reply.code(status).type('text/html; charset=utf-8').send(page.value);
}

/** Who did it, for the audit log. */
export function actor(req: FastifyRequest): { admin: string; address: string } {
  return { admin: req.adminSession?.admin ?? '(not logged in)', address: req.ip };
}

/** A fixed notice for `?done=<code>` after a redirect (the query text itself is never shown). */
export function doneNotice(req: FastifyRequest, messages: Record<string, string>): PageFrame['notice'] {
  const code = (req.query as Record<string, unknown> | undefined)?.done;
  const text = typeof code === 'string' ? messages[code] : undefined;
  return text ? { kind: 'ok', text } : undefined;
}

export function bodyOf(req: FastifyRequest): FormBody {
  return (req.body && typeof req.body === 'object' ? req.body : {}) as FormBody;
}
