// The shape of one FTP command: metadata the dispatcher enforces before the handler runs
// (like pyftpdlib's proto_cmds), plus the handler. FEAT and HELP are derived from these specs.
import type { FerryConfig, Permission } from '../config/schema.js';
import type { ReplyCode } from '../protocol/reply-codes.js';
import type { Session } from '../session/session.js';
import type { Storage } from '../storage/storage.js';
import type { VirtualPath } from '../storage/virtual-path.js';

export interface CommandContext {
  session: Session;
  verb: string;
  /** The raw argument ('' when absent). */
  arg: string;
  /** The argument resolved against the cwd, when the spec has a `path` rule. */
  path: VirtualPath;
  reply(code: ReplyCode, text: string | readonly string[]): void;
}

/** Context of commands that need a login: user and storage are there. */
export interface LoggedInContext extends CommandContext {
  storage: Storage;
}

export interface CommandSpec {
  verb: string;
  aliases?: readonly string[];
  /** Default true: answered with 530 before login. */
  loginRequired?: boolean;
  arg: 'none' | 'optional' | 'required';
  /** Resolve the argument (or the cwd when optional and absent) to `ctx.path`. */
  path?: 'required' | 'optional';
  permission?: Permission;
  /** May be read and run while a transfer is in progress (ABOR, STAT, QUIT). */
  duringTransfer?: boolean;
  /** Lines this command adds to the FEAT reply (RFC 2389). */
  feat?: readonly string[];
  /** Show `feat` only when this holds for the config (TLS lines when TLS is enabled). */
  featWhen?(config: FerryConfig): boolean;
  help: string;
  handler(ctx: LoggedInContext): Promise<void> | void;
}

export function defineCommands(...specs: CommandSpec[]): CommandSpec[] {
  return specs;
}
