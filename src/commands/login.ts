// Login commands (RFC 959 USER, PASS, QUIT), with the TLS policy gate of RFC 4217 section 7:
// under "TLS required" a plain-text login is refused with a reply that tells the user what to enable.
import { normalizeAddress } from '../data/address.js';
import { Reply } from '../protocol/reply-codes.js';
import type { Session } from '../session/session.js';
import { controlRequirement } from '../session/tls-policy.js';
import { defineCommands } from './command-spec.js';

export const TLS_REQUIRED_TEXT =
  'TLS required: this server only accepts encrypted logins. Enable explicit FTP over TLS (FTPES, "Require explicit FTP over TLS") in your client, or use implicit FTPS';

/** Would this (possibly unknown) user be refused for lack of TLS? Unknown users look like everyone else. */
function plainLoginRefused(session: Session, name: string): boolean {
  if (session.secure) return false;
  const tls = session.services.users.lookup(name) ?? 'inherit';
  return controlRequirement(session.config, { tls }) === 'required';
}

async function loginFailed(session: Session, name: string, locked: boolean): Promise<void> {
  const { guard } = session.services;
  session.loginFailures++;
  const { banned, locked: nowLocked } = guard.recordFailure(normalizeAddress(session.remoteAddress), name);
  session.log.warn({ user: name, failures: session.loginFailures, locked: locked || nowLocked }, 'login failed');
  session.services.events.emit('login', { user: name, remoteAddress: session.remoteAddress, ok: false });
  if (nowLocked) session.log.warn({ user: name }, 'account locked after repeated failed logins');
  await new Promise((resolve) => setTimeout(resolve, guard.failureDelayMs(session.loginFailures)));
  if (banned) {
    session.log.warn({ address: session.remoteAddress }, 'address banned after repeated failed logins');
    return session.close(Reply.SERVICE_NOT_AVAILABLE, 'Too many failed logins from your address: temporarily banned');
  }
  const max = session.config.server.maxLoginAttempts;
  if (session.loginFailures >= max) {
    return session.close(Reply.NOT_LOGGED_IN, `Login incorrect. Too many failed attempts (${max}): closing connection`);
  }
  session.reply(Reply.NOT_LOGGED_IN, 'Login incorrect');
}

export const loginCommands = defineCommands(
  {
    verb: 'USER',
    loginRequired: false,
    arg: 'required',
    help: 'USER <name>: start a login',
    handler({ session, arg, reply }) {
      if (session.user) return reply(Reply.NOT_LOGGED_IN, 'Already logged in: open a new connection to log in as another user');
      if (plainLoginRefused(session, arg)) {
        session.log.info({ user: arg }, 'plain-text login refused: TLS required');
        return reply(Reply.POLICY_REQUIRES_SECURITY, TLS_REQUIRED_TEXT);
      }
      session.pendingUser = arg;
      reply(Reply.NEED_PASSWORD, `Password required for ${arg}`);
    },
  },
  {
    verb: 'PASS',
    loginRequired: false,
    arg: 'optional',
    help: 'PASS <password>: finish a login',
    async handler({ session, arg, reply }) {
      if (session.user) return reply(Reply.BAD_SEQUENCE, 'Already logged in');
      const name = session.pendingUser;
      if (name === undefined) return reply(Reply.BAD_SEQUENCE, 'Send USER first');
      session.pendingUser = undefined;
      const { guard } = session.services;
      const authenticated = await session.services.users.authenticate(name, arg);
      // A locked account fails exactly like a wrong password (same reply, same time).
      const user = authenticated && !guard.isLocked(authenticated.name) ? authenticated : undefined;
      if (user && !session.secure && controlRequirement(session.config, user) === 'required') {
        session.log.info({ user: name }, 'plain-text login refused: TLS required');
        return reply(Reply.POLICY_REQUIRES_SECURITY, TLS_REQUIRED_TEXT);
      }
      if (!user) return loginFailed(session, name, authenticated !== undefined);
      const refusal = session.services.loginRefusal(session, user);
      if (refusal) {
        session.log.warn({ user: user.name, reason: refusal }, 'login refused');
        return session.close(Reply.SERVICE_NOT_AVAILABLE, refusal);
      }
      guard.recordSuccess(user.name);
      const storage = await session.services.openStorage(user);
      session.loggedIn(user, storage);
      session.log.info({ user: user.name, secure: session.secure }, 'login');
      session.services.events.emit('login', { user: user.name, remoteAddress: session.remoteAddress, ok: true });
      reply(Reply.LOGGED_IN, user.anonymous ? 'Anonymous access granted, restrictions apply' : `User ${user.name} logged in`);
    },
  },
  {
    verb: 'QUIT',
    loginRequired: false,
    arg: 'none',
    duringTransfer: true,
    help: 'QUIT: end the session (after a running transfer finishes)',
    async handler({ session }) {
      if (session.transfer) await session.transfer.done;
      session.close(Reply.CLOSING_CONTROL, 'Goodbye');
    },
  },
);
