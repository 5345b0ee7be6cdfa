// Data-connection setup (RFC 959 TYPE MODE STRU REST PASV PORT, RFC 2428 EPSV EPRT, RFC 3659 REST).
// PORT/EPRT may only name the client's own address and a port of 1024 or more (RFC 2577), unless FXP is on.
import { formatPasvAddress, normalizeAddress, parseEprtArgument, parsePortArgument, sameAddress } from '../data/address.js';
import { Reply } from '../protocol/reply-codes.js';
import type { Session } from '../session/session.js';
import { defineCommands } from './command-spec.js';
import net from 'node:net';

/** RFC 2577 checks for PORT/EPRT; returns the refusal text or undefined. */
function activeRefusal(session: Session, host: string, port: number): string | undefined {
  if (!session.config.active.enabled) return 'Active mode is disabled on this server: use passive mode (PASV/EPSV)';
  if (session.epsvAll) return 'EPSV ALL was sent: only EPSV is allowed now';
  if (session.config.passive.allowForeignAddress) return undefined;
  if (!sameAddress(host, session.remoteAddress)) return 'PORT/EPRT must name your own address (server-to-server transfers are disabled)';
  if (port < 1024) return 'PORT/EPRT to a privileged port (below 1024) is refused';
  return undefined;
}

export const dataSetupCommands = defineCommands(
  {
    verb: 'TYPE',
    arg: 'required',
    help: 'TYPE A|I: ASCII (line ends converted) or binary (image) transfers',
    handler({ session, arg, reply }) {
      const t = arg.trim().toUpperCase().split(/\s+/);
      if ((t[0] === 'A' && (t.length === 1 || t[1] === 'N')) || (t[0] === 'L' && t[1] === '8')) {
        session.type = t[0] === 'A' ? 'A' : 'I';
      } else if (t[0] === 'I' && t.length === 1) {
        session.type = 'I';
      } else if (t[0] === 'E' || t[0] === 'A' || t[0] === 'L') {
        return reply(Reply.NOT_IMPLEMENTED_PARAM, `TYPE ${arg} not supported: use TYPE I or TYPE A`);
      } else {
        return reply(Reply.SYNTAX_ERROR_ARGS, `Unknown TYPE "${arg}": use TYPE I or TYPE A`);
      }
      reply(Reply.OK, `Type set to ${session.type === 'A' ? 'A (ASCII)' : 'I (binary)'}`);
    },
  },
  {
    verb: 'MODE',
    arg: 'required',
    help: 'MODE S: stream mode (the only one supported)',
    handler({ arg, reply }) {
      if (arg.trim().toUpperCase() === 'S') return reply(Reply.OK, 'Mode set to S');
      reply(Reply.NOT_IMPLEMENTED_PARAM, `MODE ${arg} not supported: use MODE S`);
    },
  },
  {
    verb: 'STRU',
    arg: 'required',
    help: 'STRU F: file structure (the only one supported)',
    handler({ arg, reply }) {
      if (arg.trim().toUpperCase() === 'F') return reply(Reply.OK, 'Structure set to F');
      reply(Reply.NOT_IMPLEMENTED_PARAM, `STRU ${arg} not supported: use STRU F`);
    },
  },
  {
    verb: 'REST',
    arg: 'required',
    feat: ['REST STREAM'],
    help: 'REST <offset>: resume the next RETR or STOR at this byte offset',
    handler({ session, arg, reply }) {
      const text = arg.trim();
      if (!/^\d{1,15}$/.test(text)) return reply(Reply.SYNTAX_ERROR_ARGS, 'REST takes a byte offset (a whole number)');
      session.restOffset = Number(text);
      reply(Reply.PENDING_FURTHER_INFO, `Restarting at ${session.restOffset}: send STOR or RETR`);
    },
  },
  {
    verb: 'PASV',
    arg: 'none',
    help: 'PASV: open a passive data port',
    async handler({ session, reply }) {
      if (session.epsvAll) return reply(Reply.BAD_SEQUENCE, 'EPSV ALL was sent: only EPSV is allowed now');
      const advertised = session.config.passive.address ?? normalizeAddress(session.channel.localAddress);
      if (!net.isIPv4(advertised)) return reply(Reply.CANT_OPEN_DATA, 'PASV needs IPv4: use EPSV');
      const port = await session.data.listenPassive();
      reply(Reply.ENTERING_PASSIVE, `Entering Passive Mode (${formatPasvAddress(advertised, port)})`);
    },
  },
  {
    verb: 'EPSV',
    arg: 'optional',
    feat: ['EPSV'],
    help: 'EPSV [1|2|ALL]: open an extended passive data port',
    async handler({ session, arg, reply }) {
      const a = arg.trim().toUpperCase();
      if (a === 'ALL') {
        session.epsvAll = true;
        return reply(Reply.OK, 'EPSV ALL ok: only EPSV will be accepted now');
      }
      if (a !== '' && a !== '1' && a !== '2') return reply(Reply.EPSV_PROTOCOL_UNSUPPORTED, 'Network protocol not supported, use (1,2)');
      const port = await session.data.listenPassive();
      reply(Reply.ENTERING_EXTENDED_PASSIVE, `Entering Extended Passive Mode (|||${port}|)`);
    },
  },
  {
    verb: 'PORT',
    arg: 'required',
    help: 'PORT h1,h2,h3,h4,p1,p2: active mode, the server connects to you',
    handler({ session, arg, reply }) {
      const target = parsePortArgument(arg);
      if (!target) return reply(Reply.SYNTAX_ERROR_ARGS, 'PORT takes h1,h2,h3,h4,p1,p2');
      const refusal = activeRefusal(session, target.host, target.port);
      if (refusal) return reply(session.epsvAll ? Reply.BAD_SEQUENCE : Reply.SYNTAX_ERROR_ARGS, refusal);
      session.data.setActive(target.host, target.port);
      reply(Reply.OK, 'PORT command successful');
    },
  },
  {
    verb: 'EPRT',
    arg: 'required',
    feat: ['EPRT'],
    help: 'EPRT |1|host|port|: extended active mode (IPv4 or IPv6)',
    handler({ session, arg, reply }) {
      const target = parseEprtArgument(arg.trim());
      if (!target) return reply(Reply.SYNTAX_ERROR_ARGS, 'EPRT takes |1|address|port| or |2|address|port|');
      if ('unsupported' in target) return reply(Reply.EPSV_PROTOCOL_UNSUPPORTED, 'Network protocol not supported, use (1,2)');
      const refusal = activeRefusal(session, target.host, target.port);
      if (refusal) return reply(session.epsvAll ? Reply.BAD_SEQUENCE : Reply.SYNTAX_ERROR_ARGS, refusal);
      session.data.setActive(target.host, target.port);
      reply(Reply.OK, 'EPRT command successful');
    },
  },
);
