// One control connection's state (RFC 959 section 5.4 state machine) and its services. Commands run
// one at a time in arrival order; ABOR, STAT and QUIT are also read and answered during a transfer.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { AuthenticatedUser } from '../auth/user-store.js';
import type { FerryConfig } from '../config/schema.js';
import { DataChannel } from '../data/data-channel.js';
import { secureOnAccept } from '../data/transfer.js';
import type { PassivePortPool } from '../data/passive-port-pool.js';
import type { MlstFact } from '../listing/mlsx-facts.js';
import { DEFAULT_MLST_FACTS } from '../listing/mlsx-facts.js';
import type { LineEvent } from '../protocol/line-reader.js';
import { Reply, type ReplyCode } from '../protocol/reply-codes.js';
import type { Storage } from '../storage/storage.js';
import { ROOT, type VirtualPath } from '../storage/virtual-path.js';
import type { SecureContextProvider, TlsSessionScope } from '../tls/secure-context-provider.js';
import { ControlChannel } from './control-channel.js';
import type { LoginGuard } from '../server/login-guard.js';
import type { ServerEvents } from '../server/server-events.js';

export interface Authenticator {
  authenticate(name: string, password: string): Promise<AuthenticatedUser | undefined>;
  /** The user's TLS override, for policy decisions before PASS; undefined for unknown users. */
  lookup(name: string): 'inherit' | 'optional' | 'required' | undefined;
}

export interface TransferRecord {
  sessionId: string;
  user: string;
  anonymous: boolean;
  remoteAddress: string;
  direction: 'upload' | 'download';
  path: string;
  bytes: number;
  durationMs: number;
  type: 'A' | 'I';
  complete: boolean;
  secure: boolean;
}

/** What a session needs from its server. */
export interface SessionServices {
  /** The current config; sessions take a snapshot when they start. */
  readonly config: FerryConfig;
  users: Authenticator;
  openStorage(user: AuthenticatedUser): Promise<Storage>;
  readonly tls: SecureContextProvider | undefined;
  readonly pool: PassivePortPool;
  logger: Logger;
  onTransfer(record: TransferRecord): void;
  /** Dispatches one command line; set by the server so sessions do not import the command table. */
  dispatch(session: Session, line: string): Promise<void>;
  /** Handles a command read while a transfer runs, if it is one allowed then; returns false otherwise. */
  dispatchDuringTransfer(session: Session, line: string): boolean;
  readonly events: ServerEvents;
  /** Brute-force defences shared by all sessions. */
  readonly guard: LoginGuard;
  /** A reason to refuse this login (per-user session limit), or undefined. */
  loginRefusal(session: Session, user: AuthenticatedUser): string | undefined;
  onClose(session: Session): void;
}

export interface ActiveTransfer {
  verb: string;
  path: string;
  controller: AbortController;
  /** Bytes moved so far (exact once the transfer is done; from the data socket's counters meanwhile). */
  readonly bytes: number;
  startedAt: number;
  /** Settles after the transfer's final reply (226/426/...) was written. */
  done: Promise<void>;
}

const MAX_QUEUED_COMMANDS = 64;

export class Session {
  readonly id = randomBytes(6).toString('hex');
  readonly log: Logger;
  readonly channel: ControlChannel;
  readonly data: DataChannel;
  readonly startedAt = Date.now();
  /** The config as it was when the session started: a live change applies to new sessions only. */
  readonly config: FerryConfig;

  user: AuthenticatedUser | undefined;
  storage: Storage | undefined;
  /** Name given by USER, waiting for PASS. */
  pendingUser: string | undefined;
  loginFailures = 0;
  cwd: VirtualPath = ROOT;
  type: 'A' | 'I' = 'A';
  restOffset = 0;
  renameFrom: VirtualPath | undefined;
  pbszSet = false;
  prot: 'C' | 'P' = 'C';
  epsvAll = false;
  mlstFacts: ReadonlySet<MlstFact> = DEFAULT_MLST_FACTS;
  transfer: ActiveTransfer | undefined;
  /** This session's own TLS scope (ticket keys, session cache): the control TLS and every data TLS use it. */
  tlsScope: TlsSessionScope | undefined;
  /** True for implicit FTPS connections (TLS from the first byte). */
  readonly implicitTls: boolean;

  private queue: string[] = [];
  private running = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private loginTimer: NodeJS.Timeout | undefined;

  constructor(
    socket: import('node:net').Socket,
    readonly services: SessionServices,
    options: { implicitTls: boolean; tlsScope?: TlsSessionScope },
  ) {
    this.implicitTls = options.implicitTls;
    this.tlsScope = options.tlsScope;
    if (options.implicitTls) {
      this.pbszSet = true;
      this.prot = 'P'; // implicit FTPS protects data connections by default
    }
    const config = (this.config = services.config);
    this.channel = new ControlChannel(socket, config.server.maxLineLength, {
      onLine: (event) => this.onLine(event),
      onClose: () => this.onClosed(),
      onError: (err) => this.log.debug({ err: err.message }, 'control connection error'),
    });
    this.log = services.logger.child({ session: this.id, remote: this.channel.remoteAddress });
    this.data = new DataChannel({
      pool: services.pool,
      controlRemote: this.channel.remoteAddress,
      controlLocal: this.channel.localAddress,
      connectTimeoutMs: config.timeouts.dataConnect * 1000,
      allowForeignAddress: config.passive.allowForeignAddress,
      onRefused: (reason, address) => this.log.warn({ address, reason }, 'data connection refused'),
      onSecured: (protocol, resumed) => services.events.emit('tls-handshake', { channel: 'data', protocol, resumed }),
      secureOnAccept: () => secureOnAccept(this),
    });
    this.loginTimer = setTimeout(() => {
      this.log.info('login timeout');
      this.channel.close(Reply.SERVICE_NOT_AVAILABLE, `Login timeout (${config.timeouts.login}s): closing control connection`);
    }, config.timeouts.login * 1000);
    this.loginTimer.unref();
  }


  get secure(): boolean {
    return this.channel.secure;
  }

  get remoteAddress(): string {
    return this.channel.remoteAddress;
  }

  reply(code: ReplyCode, text: string | readonly string[]): void {
    this.channel.reply(code, text);
  }

  greet(): void {
    this.log.info({ implicitTls: this.implicitTls }, 'session start');
    this.services.events.emit('session-start', { id: this.id, remoteAddress: this.remoteAddress, implicitTls: this.implicitTls });
    this.reply(Reply.SERVICE_READY, this.config.server.banner);
  }

  /** Called by PASS on success. */
  loggedIn(user: AuthenticatedUser, storage: Storage): void {
    this.user = user;
    this.storage = storage;
    this.cwd = ROOT;
    this.pendingUser = undefined;
    clearTimeout(this.loginTimer);
    this.loginTimer = undefined;
    this.touch();
  }

  /** Forget the login (after a failed PASS, or REIN). */
  resetLogin(): void {
    this.user = undefined;
    this.storage = undefined;
    this.pendingUser = undefined;
    this.renameFrom = undefined;
    this.restOffset = 0;
  }

  close(code?: ReplyCode, text?: string): void {
    this.transfer?.controller.abort();
    this.data.close();
    this.channel.close(code, text);
  }

  /** Restart the idle timer (each command; not during transfers). */
  touch(): void {
    if (!this.user) return;
    clearTimeout(this.idleTimer);
    const idle = this.config.timeouts.idle;
    this.idleTimer = setTimeout(() => {
      if (this.transfer) return this.touch();
      this.log.info('idle timeout');
      this.close(Reply.SERVICE_NOT_AVAILABLE, `Idle timeout (${idle}s): closing control connection`);
    }, idle * 1000);
    this.idleTimer.unref();
  }

  private onLine(event: LineEvent): void {
    if (event.kind === 'too-long') {
      this.queueLine(undefined);
      return;
    }
    if (this.transfer && this.services.dispatchDuringTransfer(this, event.text)) return;
    this.queueLine(event.text);
  }

  private queueLine(line: string | undefined): void {
    if (this.queue.length >= MAX_QUEUED_COMMANDS) {
      this.log.warn('too many pipelined commands');
      this.close(Reply.SERVICE_NOT_AVAILABLE, 'Too many commands sent without waiting for replies: closing');
      return;
    }
    this.queue.push(line ?? '\0too-long');
    if (!this.running) void this.drain();
  }

  /** Drop commands read but not run yet (AUTH TLS: plaintext pipelined behind it must never run). */
  discardQueued(): void {
    this.queue = [];
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0 && !this.channel.isClosed) {
        const line = this.queue.shift()!;
        this.touch();
        if (line === '\0too-long') {
          this.reply(Reply.SYNTAX_ERROR, `Command line too long (max ${this.config.server.maxLineLength} bytes)`);
          continue;
        }
        await this.services.dispatch(this, line);
      }
    } finally {
      this.running = false;
    }
  }

  private onClosed(): void {
    clearTimeout(this.idleTimer);
    clearTimeout(this.loginTimer);
    this.transfer?.controller.abort();
    this.data.close();
    this.queue = [];
    this.log.info({ user: this.user?.name, durationMs: Date.now() - this.startedAt }, 'session end');
    this.services.events.emit('session-end', { id: this.id, user: this.user?.name, durationMs: Date.now() - this.startedAt });
    this.services.onClose(this);
  }
}
