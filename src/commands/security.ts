// FTP security extensions (RFC 2228, RFC 4217): AUTH upgrades the control connection to TLS in place,
// PBSZ and PROT set up data-connection protection. CCC is refused: it would reopen the control channel.
import { Reply } from '../protocol/reply-codes.js';
import { defineCommands } from './command-spec.js';

const TLS_MECHANISMS = new Set(['TLS', 'SSL', 'TLS-C', 'TLS-P']);
const HANDSHAKE_TIMEOUT_MS = 30_000;
const tlsEnabled = (config: { tls: { mode: string } }) => config.tls.mode !== 'disabled';

export const securityCommands = defineCommands(
  {
    verb: 'AUTH',
    loginRequired: false,
    arg: 'required',
    feat: ['AUTH TLS', 'AUTH SSL'],
    featWhen: tlsEnabled,
    help: 'AUTH TLS: upgrade the control connection to TLS (explicit FTPS)',
    async handler({ session, arg, reply }) {
      const provider = session.services.tls;
      if (!provider || session.config.tls.mode === 'disabled') return reply(Reply.NOT_IMPLEMENTED, 'TLS is not enabled on this server');
      if (session.secure) return reply(Reply.BAD_SEQUENCE, 'The control connection is already protected by TLS');
      const mechanism = arg.trim().toUpperCase();
      if (!TLS_MECHANISMS.has(mechanism)) return reply(Reply.NOT_IMPLEMENTED_PARAM, `Unknown security mechanism "${arg}": use AUTH TLS`);
      session.discardQueued();
      session.tlsScope = provider.sessionScope();
      try {
        await session.channel.upgradeToTls(Reply.SECURITY_EXCHANGE_DONE, `AUTH ${mechanism} OK: starting TLS`, session.tlsScope, HANDSHAKE_TIMEOUT_MS);
      } catch (err) {
        session.log.info({ err: (err as Error).message }, 'TLS handshake failed');
        return;
      }
      const tls = session.channel.tlsSocket!;
      session.log.info({ protocol: tls.getProtocol(), cipher: tls.getCipher()?.name }, 'control connection secured');
      session.services.events.emit('tls-handshake', { channel: 'control', protocol: tls.getProtocol(), resumed: tls.isSessionReused() });
      // A fresh security state (RFC 4217 section 9): protection must be negotiated again.
      session.pbszSet = false;
      session.prot = 'C';
    },
  },
  {
    verb: 'PBSZ',
    loginRequired: false,
    arg: 'required',
    feat: ['PBSZ'],
    featWhen: tlsEnabled,
    help: 'PBSZ 0: protection buffer size (always 0 for TLS)',
    handler({ session, arg, reply }) {
      if (!session.secure) return reply(Reply.BAD_SEQUENCE, 'PBSZ needs a protected control connection: send AUTH TLS first');
      if (!/^\d+$/.test(arg.trim())) return reply(Reply.SYNTAX_ERROR_ARGS, 'PBSZ takes a number: send PBSZ 0');
      session.pbszSet = true;
      reply(Reply.OK, 'PBSZ=0');
    },
  },
  {
    verb: 'PROT',
    loginRequired: false,
    arg: 'required',
    feat: ['PROT'],
    featWhen: tlsEnabled,
    help: 'PROT P|C: protect data connections with TLS (P) or not (C)',
    handler({ session, arg, reply }) {
      if (!session.secure) return reply(Reply.BAD_SEQUENCE, 'PROT needs a protected control connection: send AUTH TLS first');
      if (!session.pbszSet) return reply(Reply.BAD_SEQUENCE, 'Send PBSZ 0 before PROT');
      const level = arg.trim().toUpperCase();
      if (level === 'P' || level === 'C') {
        session.prot = level;
        return reply(Reply.OK, level === 'P' ? 'Protection level set to Private: data connections use TLS' : 'Protection level set to Clear');
      }
      if (level === 'S' || level === 'E') return reply(Reply.PROT_LEVEL_NOT_SUPPORTED, `Protection level ${level} not supported: use PROT P`);
      reply(Reply.NOT_IMPLEMENTED_PARAM, `Unknown protection level "${arg}": use PROT P or PROT C`);
    },
  },
  {
    verb: 'CCC',
    loginRequired: false,
    arg: 'none',
    help: 'CCC: refused (it would send the rest of the session in clear text)',
    handler({ session, reply }) {
      if (!session.secure) return reply(Reply.BAD_SEQUENCE, 'The control connection is not protected');
      reply(Reply.POLICY_REQUIRES_SECURITY, 'CCC refused: the control connection stays encrypted');
    },
  },
);
