// Login commands (RFC 959 USER, PASS, QUIT), with the TLS policy gate of RFC 4217 section 7:
// under "TLS required" a plain-text login is refused with a reply that tells the user what to enable.
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
      const user = await session.services.users.authenticate(name, arg);
      if (user && !session.secure && controlRequirement(session.config, user) === 'required') {
        session.log.info({ user: name }, 'plain-text login refused: TLS required');
        return reply(Reply.POLICY_REQUIRES_SECURITY, TLS_REQUIRED_TEXT);
      }
      if (!user) {
        session.loginFailures++;
        session.log.warn({ user: name, failures: session.loginFailures }, 'login failed');
        const max = session.config.server.maxLoginAttempts;
        if (session.loginFailures >= max) {
          return session.close(Reply.NOT_LOGGED_IN, `Login incorrect. Too many failed attempts (${max}): closing connection`);
        }
        return reply(Reply.NOT_LOGGED_IN, 'Login incorrect');
      }
      if (!session.services.onLogin(session)) return; // a per-user limit closed the session
      const storage = await session.services.openStorage(user);
      session.loggedIn(user, storage);
      session.log.info({ user: user.name, secure: session.secure }, 'login');
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
