// Runs one command line through the fixed checks (exists, login, TLS policy, argument, path,
// permission) and then its handler, mapping any error to a reply. No per-verb branches here.
import { isFerryError } from '../errors/ferry-error.js';
import { parseCommand, redactCommand } from '../protocol/command-parser.js';
import { errorToReply } from '../protocol/error-to-reply.js';
import { Reply } from '../protocol/reply-codes.js';
import type { Session } from '../session/session.js';
import { controlRequirement } from '../session/tls-policy.js';
import { resolveVirtualPath, type VirtualPath } from '../storage/virtual-path.js';
import type { CommandSpec, LoggedInContext } from './command-spec.js';
import { TLS_REQUIRED_TEXT } from './login.js';
import { COMMANDS } from './registry.js';

function lookup(line: string): { spec: CommandSpec; verb: string; arg: string } | { error: string } {
  const parsed = parseCommand(line);
  if (!parsed) return { error: 'Syntax error: command unrecognized' };
  const spec = COMMANDS.get(parsed.verb);
  if (!spec) return { error: `Unknown command "${parsed.verb}": see HELP` };
  return { spec, verb: parsed.verb, arg: parsed.arg };
}

export async function dispatch(session: Session, line: string): Promise<void> {
  const found = lookup(line);
  if ('error' in found) return session.reply(Reply.SYNTAX_ERROR, found.error);
  const { spec, verb, arg } = found;
  if (session.log.isLevelEnabled('debug')) session.log.debug({ cmd: redactCommand({ verb, arg }) }, 'command');
  // RNTO must come right after RNFR (RFC 959 4.1.3): any other command forgets the pending rename.
  if (spec.verb !== 'RNTO') session.renameFrom = undefined;

  const needsLogin = spec.loginRequired ?? true;
  if (needsLogin && !session.user) return session.reply(Reply.NOT_LOGGED_IN, 'Please log in with USER and PASS first');
  if (needsLogin && !session.secure && controlRequirement(session.config, session.user) === 'required') {
    return session.reply(Reply.POLICY_REQUIRES_SECURITY, TLS_REQUIRED_TEXT);
  }
  const hasArg = arg.trim().length > 0;
  if (spec.arg === 'none' && hasArg) return session.reply(Reply.SYNTAX_ERROR_ARGS, `${spec.verb} takes no argument`);
  if (spec.arg === 'required' && !hasArg) return session.reply(Reply.SYNTAX_ERROR_ARGS, `${spec.verb} needs an argument: ${spec.help}`);

  try {
    let path: VirtualPath = session.cwd;
    if (spec.path && (hasArg || spec.path === 'required')) path = resolveVirtualPath(session.cwd, arg);
    if (spec.permission && !session.user?.permissions.has(spec.permission)) {
      return session.reply(Reply.FILE_UNAVAILABLE, `Permission denied: your account may not ${spec.permission}`);
    }
    const ctx: LoggedInContext = {
      session,
      verb,
      arg,
      path,
      reply: (code, text) => session.reply(code, text),
      get storage() {
        return session.storage!;
      },
    };
    await spec.handler(ctx);
  } catch (err) {
    const reply = errorToReply(err);
    if (reply.unexpected) session.log.error({ err, cmd: verb }, 'command failed');
    else if (isFerryError(err)) session.log.debug({ code: err.code, cmd: verb }, err.message);
    session.reply(reply.code, reply.text);
  }
}

/** Called for lines read while a transfer runs: ABOR, STAT and QUIT run at once; others wait. */
export function dispatchDuringTransfer(session: Session, line: string): boolean {
  const found = lookup(line);
  if ('error' in found || !found.spec.duringTransfer) return false;
  void dispatch(session, line);
  return true;
}
