// File operations (RFC 959 DELE RNFR RNTO ALLO SITE, RFC 3659 SIZE MDTM, draft-somers-ftp-mfxx MFMT).
import { FerryError } from '../errors/ferry-error.js';
import { formatTimeVal } from '../listing/mlsx-facts.js';
import { Reply } from '../protocol/reply-codes.js';
import { resolveVirtualPath } from '../storage/virtual-path.js';
import { defineCommands } from './command-spec.js';

/** YYYYMMDDHHMMSS[.sss] in UTC (RFC 3659 time-val) -> Date, or undefined when malformed. */
export function parseTimeVal(text: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d{1,3}))?$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const ms = m[7] ? Number(m[7].padEnd(3, '0')) : 0;
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms));
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || s > 60) return undefined;
  return date;
}

const SITE_HELP = ['SITE commands:', 'CHMOD <mode> <path>  change permission bits (octal, e.g. 644)', 'HELP  this text', 'End'];

export const fileOpsCommands = defineCommands(
  {
    verb: 'DELE',
    arg: 'required',
    path: 'required',
    permission: 'delete',
    help: 'DELE <file>: delete a file',
    async handler({ storage, path, reply }) {
      await storage.remove(path);
      reply(Reply.FILE_ACTION_OK, `Deleted ${path}`);
    },
  },
  {
    verb: 'RNFR',
    arg: 'required',
    path: 'required',
    permission: 'rename',
    help: 'RNFR <path>: name the file or folder to rename (then RNTO)',
    async handler({ session, storage, path, reply }) {
      await storage.stat(path);
      session.renameFrom = path;
      reply(Reply.PENDING_FURTHER_INFO, 'Ready for RNTO');
    },
  },
  {
    verb: 'RNTO',
    arg: 'required',
    path: 'required',
    permission: 'rename',
    help: 'RNTO <path>: the new name (after RNFR)',
    async handler({ session, storage, path, reply }) {
      const from = session.renameFrom;
      session.renameFrom = undefined;
      if (!from) return reply(Reply.BAD_SEQUENCE, 'Send RNFR first');
      await storage.rename(from, path);
      reply(Reply.FILE_ACTION_OK, `Renamed ${from} to ${path}`);
    },
  },
  {
    verb: 'SIZE',
    arg: 'required',
    path: 'required',
    permission: 'list',
    feat: ['SIZE'],
    help: 'SIZE <file>: size in bytes',
    async handler({ storage, path, reply }) {
      const stat = await storage.stat(path);
      if (stat.type === 'dir') throw new FerryError('IS_A_DIRECTORY', 'SIZE of a dir', { publicMessage: `${path} is not a regular file` });
      reply(Reply.FILE_STATUS, String(stat.size));
    },
  },
  {
    verb: 'MDTM',
    arg: 'required',
    path: 'required',
    permission: 'list',
    feat: ['MDTM'],
    help: 'MDTM <path>: modification time (UTC, YYYYMMDDHHMMSS)',
    async handler({ storage, path, reply }) {
      const stat = await storage.stat(path);
      reply(Reply.FILE_STATUS, formatTimeVal(stat.mtime));
    },
  },
  {
    verb: 'MFMT',
    arg: 'required',
    permission: 'write',
    feat: ['MFMT'],
    help: 'MFMT <YYYYMMDDHHMMSS> <path>: set the modification time',
    async handler({ session, storage, arg, reply }) {
      const space = arg.indexOf(' ');
      const when = space > 0 ? parseTimeVal(arg.slice(0, space)) : undefined;
      if (!when || space < 0 || !arg.slice(space + 1)) return reply(Reply.SYNTAX_ERROR_ARGS, 'MFMT takes YYYYMMDDHHMMSS and a path');
      const path = resolveVirtualPath(session.cwd, arg.slice(space + 1));
      if (!storage.setModified) throw new FerryError('NOT_SUPPORTED', 'setModified missing');
      await storage.stat(path);
      await storage.setModified(path, when);
      reply(Reply.FILE_STATUS, `Modify=${formatTimeVal(when)}; ${path}`);
    },
  },
  {
    verb: 'ALLO',
    arg: 'optional',
    help: 'ALLO: accepted; no allocation is needed',
    handler({ reply }) {
      reply(Reply.NOT_IMPLEMENTED_SUPERFLUOUS, 'No storage allocation necessary');
    },
  },
  {
    verb: 'SITE',
    arg: 'required',
    feat: ['SITE CHMOD'],
    help: 'SITE HELP | SITE CHMOD <mode> <path>',
    async handler({ session, storage, arg, reply }) {
      const [sub = '', ...rest] = arg.trim().split(' ');
      switch (sub.toUpperCase()) {
        case 'HELP':
          return reply(Reply.HELP, SITE_HELP);
        case 'CHMOD': {
          const mode = rest.shift() ?? '';
          const target = rest.join(' ');
          if (!/^[0-7]{3,4}$/.test(mode) || !target) return reply(Reply.SYNTAX_ERROR_ARGS, 'SITE CHMOD takes an octal mode and a path, e.g. SITE CHMOD 644 file.txt');
          if (!session.user!.permissions.has('write')) return reply(Reply.FILE_UNAVAILABLE, 'Permission denied: you may not change files');
          if (!storage.chmod) throw new FerryError('NOT_SUPPORTED', 'chmod missing');
          const path = resolveVirtualPath(session.cwd, target);
          await storage.chmod(path, parseInt(mode, 8) & 0o777);
          return reply(Reply.OK, `SITE CHMOD ${mode} ${path} done`);
        }
        default:
          return reply(Reply.NOT_IMPLEMENTED_PARAM, `Unknown SITE command "${sub}": try SITE HELP`);
      }
    },
  },
);
