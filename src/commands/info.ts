// Informational commands (RFC 959 SYST HELP STAT NOOP, RFC 2389 FEAT OPTS, RFC 2640 UTF8, RFC 3659 OPTS MLST).
// FEAT and HELP are derived from the command table, so they cannot drift from what is implemented.
import { createLineFormatter, lineEntryOf } from '../listing/line-format.js';
import { mlstFeatLine, parseMlstOpts } from '../listing/mlsx-facts.js';
import { Reply } from '../protocol/reply-codes.js';
import { resolveVirtualPath } from '../storage/virtual-path.js';
import { defineCommands, type CommandSpec } from './command-spec.js';

const STAT_LIST_MAX = 1000;

export function infoCommands(all: () => readonly CommandSpec[]): CommandSpec[] {
  return defineCommands(
    {
      verb: 'SYST',
      loginRequired: false,
      arg: 'none',
      help: 'SYST: system type',
      handler: ({ reply }) => reply(Reply.SYSTEM_TYPE, 'UNIX Type: L8'),
    },
    {
      verb: 'NOOP',
      loginRequired: false,
      arg: 'optional',
      help: 'NOOP: do nothing (keeps the connection alive)',
      handler: ({ reply }) => reply(Reply.OK, 'NOOP ok'),
    },
    {
      verb: 'FEAT',
      loginRequired: false,
      arg: 'none',
      help: 'FEAT: list the extensions this server supports',
      handler({ session, reply }) {
        const lines = new Set<string>();
        for (const spec of all()) {
          if (spec.featWhen && !spec.featWhen(session.config)) continue;
          for (const line of spec.feat ?? []) lines.add(line);
        }
        lines.add(mlstFeatLine(session.mlstFacts));
        lines.add('UTF8');
        lines.add('TVFS');
        reply(Reply.SYSTEM_STATUS, ['Extensions supported:', ...[...lines].sort(), 'End']);
      },
    },
    {
      verb: 'OPTS',
      loginRequired: false,
      arg: 'required',
      feat: [],
      help: 'OPTS UTF8 ON | OPTS MLST <facts>',
      handler({ session, arg, reply }) {
        const [name = '', ...rest] = arg.trim().split(/\s+/);
        const value = rest.join(' ');
        switch (name.toUpperCase()) {
          case 'UTF8':
          case 'UTF-8':
            if (value.toUpperCase() === 'OFF') return reply(Reply.NOT_IMPLEMENTED_PARAM, 'UTF8 cannot be turned off: paths are always UTF-8');
            return reply(Reply.OK, 'UTF8 mode is always on');
          case 'MLST': {
            session.mlstFacts = parseMlstOpts(value);
            const names = [...session.mlstFacts].map((f) => (f === 'unix.mode' ? 'UNIX.mode' : f));
            return reply(Reply.OK, `MLST OPTS ${names.map((n) => `${n};`).join('')}`);
          }
          default:
            return reply(Reply.SYNTAX_ERROR_ARGS, `Unknown option "${name}"`);
        }
      },
    },
    {
      verb: 'HELP',
      loginRequired: false,
      arg: 'optional',
      help: 'HELP [command]: list commands, or explain one',
      handler({ arg, reply }) {
        const specs = all();
        const wanted = arg.trim().toUpperCase();
        if (wanted) {
          const spec = specs.find((s) => s.verb === wanted || s.aliases?.includes(wanted));
          if (!spec) return reply(Reply.SYNTAX_ERROR_ARGS, `Unknown command "${wanted}"`);
          return reply(Reply.HELP, `Syntax: ${spec.help}`);
        }
        const verbs = specs.flatMap((s) => [s.verb, ...(s.aliases ?? [])]).sort();
        const rows: string[] = [];
        for (let i = 0; i < verbs.length; i += 8) rows.push(verbs.slice(i, i + 8).map((v) => v.padEnd(5)).join(' '));
        reply(Reply.HELP, ['The following commands are recognized:', ...rows, 'Help OK']);
      },
    },
    {
      verb: 'STAT',
      loginRequired: false,
      arg: 'optional',
      duringTransfer: true,
      help: 'STAT [path]: server status, transfer progress, or a listing over the control connection',
      async handler({ session, arg, reply }) {
        const t = session.transfer;
        if (t) return reply(Reply.FILE_STATUS, `${t.verb} ${t.path}: ${t.bytes} bytes transferred in ${((Date.now() - t.startedAt) / 1000).toFixed(1)}s`);
        if (!arg.trim()) {
          const tls = session.channel.tlsSocket;
          return reply(Reply.SYSTEM_STATUS, [
            'Ferry FTP server status:',
            `Connected from ${session.remoteAddress}`,
            session.user ? `Logged in as ${session.user.name}` : 'Not logged in',
            tls ? `Control connection protected by ${tls.getProtocol()} (${tls.getCipher()?.name ?? ''})` : 'Control connection in clear text',
            `Data protection: ${session.prot === 'P' ? 'private (TLS)' : 'clear'}`,
            `TYPE: ${session.type === 'A' ? 'ASCII' : 'BINARY'}, STRUcture: File, MODE: Stream`,
            'End of status',
          ]);
        }
        if (!session.user || !session.storage) return reply(Reply.NOT_LOGGED_IN, 'Please log in with USER and PASS first');
        if (!session.user.permissions.has('list')) return reply(Reply.FILE_UNAVAILABLE, 'Permission denied');
        const path = resolveVirtualPath(session.cwd, arg.trim());
        const stat = await session.storage.stat(path);
        const lines = [`Status of ${path}:`];
        const line = createLineFormatter({ kind: 'list', owner: session.user.name, now: Date.now() });
        if (stat.type === 'dir') {
          listing: for await (const batch of session.storage.list(path)) {
            for (const entry of batch) {
              if (lines.length > STAT_LIST_MAX) {
                lines.push('... (listing truncated: use LIST or MLSD)');
                break listing;
              }
              lines.push(line(lineEntryOf(entry)));
            }
          }
        } else {
          lines.push(line(lineEntryOf(stat)));
        }
        lines.push('End of status');
        reply(Reply.FILE_STATUS, lines);
      },
    },
  );
}
