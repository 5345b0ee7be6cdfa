// The FTP server: explicit (FTP/FTPES) and implicit FTPS listeners, the session registry and its
// connection limits, and shutdown: close() lets transfers finish within a grace period, destroy() cuts.
import net from 'node:net';
import type { Logger } from 'pino';
import type { AuthenticatedUser, UserStore } from '../auth/user-store.js';
import type { FerryConfig } from '../config/schema.js';
import { dispatch, dispatchDuringTransfer } from '../commands/dispatcher.js';
import { normalizeAddress } from '../data/address.js';
import { PassivePortPool } from '../data/passive-port-pool.js';
import { formatReply } from '../protocol/reply-format.js';
import { Reply } from '../protocol/reply-codes.js';
import { Session, type SessionServices, type TransferRecord } from '../session/session.js';
import { ControlChannel } from '../session/control-channel.js';
import { LocalStorage } from '../storage/local/local-storage.js';
import { LoginGuard } from './login-guard.js';
import { ServerEvents } from './server-events.js';
import type { Storage } from '../storage/storage.js';
import type { SecureContextProvider } from '../tls/secure-context-provider.js';
import type { XferlogWriter } from '../log/xferlog.js';

export interface FtpServerOptions {
  config: FerryConfig;
  users: UserStore;
  tls: SecureContextProvider | undefined;
  logger: Logger;
  xferlog?: XferlogWriter;
}

export interface ListeningAddresses {
  /** Undefined while the FTP service is switched off (server.enabled: false). */
  explicit?: net.AddressInfo;
  implicit?: net.AddressInfo;
}

const IMPLICIT_HANDSHAKE_TIMEOUT_MS = 30_000;
const RECENT_TRANSFERS = 50;

export interface SessionSummary {
  id: string;
  user: string | undefined;
  remoteAddress: string;
  startedAt: number;
  tlsProtocol: string | undefined;
  tlsCipher: string | undefined;
  dataProtection: 'C' | 'P';
  transfer: { verb: string; path: string; bytes: number; startedAt: number } | undefined;
}

export class FtpServer {
  readonly sessions = new Set<Session>();
  readonly events = new ServerEvents();
  /** The latest transfers, newest last (the admin page's "recent transfers"). */
  readonly recentTransfers: TransferRecord[] = [];
  private readonly perIp = new Map<string, number>();
  private explicitServer: net.Server | undefined;
  private implicitServer: net.Server | undefined;
  private readonly services: SessionServices;
  private closing = false;
  private config: FerryConfig;
  private tls: SecureContextProvider | undefined;
  private pool: PassivePortPool;
  private readonly guard: LoginGuard;

  constructor(private readonly options: FtpServerOptions) {
    this.config = options.config;
    this.tls = options.tls;
    this.guard = new LoginGuard(this.config.security);
    this.pool = new PassivePortPool(this.config.passive.minPort, this.config.passive.maxPort);
    const self = this;
    this.services = {
      get config() {
        return self.config;
      },
      users: options.users,
      openStorage: (user) => this.openStorage(user),
      get tls() {
        return self.tls;
      },
      get pool() {
        return self.pool;
      },
      logger: options.logger,
      onTransfer: (record) => this.onTransfer(record),
      dispatch,
      dispatchDuringTransfer,
      guard: this.guard,
      events: this.events,
      loginRefusal: (_session, user) => this.loginRefusal(user),
      onClose: (session) => this.forget(session),
    };
  }

  get currentConfig(): FerryConfig {
    return this.config;
  }

  /** The running user store (the admin page reloads it after editing the users file). */
  get userStore(): UserStore {
    return this.options.users;
  }

  get tlsProvider(): SecureContextProvider | undefined {
    return this.tls;
  }

  get addresses(): ListeningAddresses {
    return {
      ...(this.explicitServer ? { explicit: this.explicitServer.address() as net.AddressInfo } : {}),
      ...(this.implicitServer ? { implicit: this.implicitServer.address() as net.AddressInfo } : {}),
    };
  }

  /**
   * Apply a new config without dropping anyone: listeners whose address changed are rebound (the new
   * one first, so a failure leaves the old one serving), new sessions get the new settings and TLS
   * provider, running sessions keep the config they started with.
   */
  async reconfigure(next: FerryConfig, tls: SecureContextProvider | undefined): Promise<void> {
    const prev = this.config;
    const enabled = next.server.enabled;
    if (!enabled && this.explicitServer) {
      this.explicitServer.close();
      this.explicitServer = undefined;
    } else if (enabled && (!this.explicitServer || next.server.host !== prev.server.host || next.server.port !== prev.server.port)) {
      const fresh = await this.listenOn(next.server.host, next.server.port, false);
      this.explicitServer?.close();
      this.explicitServer = fresh;
    }
    const wantImplicit = enabled && next.tls.mode !== 'disabled' && next.tls.implicit.enabled && tls !== undefined;
    const implicitMoved = next.server.host !== prev.server.host || next.tls.implicit.port !== prev.tls.implicit.port;
    if (!wantImplicit && this.implicitServer) {
      this.implicitServer.close();
      this.implicitServer = undefined;
    } else if (wantImplicit && (!this.implicitServer || implicitMoved)) {
      const fresh = await this.listenOn(next.server.host, next.tls.implicit.port, true);
      this.implicitServer?.close();
      this.implicitServer = fresh;
    }
    if (next.passive.minPort !== prev.passive.minPort || next.passive.maxPort !== prev.passive.maxPort) {
      this.pool = new PassivePortPool(next.passive.minPort, next.passive.maxPort);
    }
    this.tls = tls;
    this.guard.configure(next.security);
    this.config = next;
    this.logger.info('configuration applied: new sessions use it');
  }

  get logger(): Logger {
    return this.options.logger;
  }

  async listen(): Promise<ListeningAddresses> {
    const { server, tls } = this.config;
    if (!server.enabled) return this.addresses;
    this.explicitServer = await this.listenOn(server.host, server.port, false);
    if (tls.mode !== 'disabled' && tls.implicit.enabled && this.tls) {
      this.implicitServer = await this.listenOn(server.host, tls.implicit.port, true);
    }
    return this.addresses;
  }

  private get listeners(): net.Server[] {
    return [this.explicitServer, this.implicitServer].filter((s): s is net.Server => s !== undefined);
  }

  /**
   * Stop accepting, let running transfers finish for up to `graceMs`, then close every session
   * with 421. Resolves when all sessions are gone.
   */
  async close({ graceMs }: { graceMs: number }): Promise<void> {
    this.closing = true;
    // Stop accepting now; net.Server#close's callback would wait for every open connection.
    for (const s of this.listeners) s.close();
    const deadline = Date.now() + graceMs;
    const busy = () => [...this.sessions].filter((s) => s.transfer);
    const hadTransfers = busy().length > 0;
    while (busy().length > 0 && Date.now() < deadline) {
      await Promise.race([Promise.all(busy().map((s) => s.transfer!.done)), sleep(Math.min(250, Math.max(0, deadline - Date.now())))]);
    }
    // Let clients read their 226 and finish the data stream before the 421 arrives.
    if (hadTransfers) await sleep(Math.min(500, Math.max(0, deadline - Date.now())));
    for (const session of this.sessions) session.close(Reply.SERVICE_NOT_AVAILABLE, 'Server shutting down');
    const until = Date.now() + 5_000;
    while (this.sessions.size > 0 && Date.now() < until) await sleep(20);
    this.destroy();
  }

  /** Cut everything now. */
  destroy(): void {
    this.closing = true;
    for (const s of this.listeners) s.close();
    for (const session of this.sessions) session.channel.destroy();
    this.sessions.clear();
  }

  private listenOn(host: string, port: number, implicit: boolean): Promise<net.Server> {
    const server = net.createServer({ noDelay: true }, (socket) => void this.accept(socket, implicit));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port }, () => {
        server.removeListener('error', reject);
        server.on('error', (err) => this.logger.error({ err }, 'listener error'));
        const address = server.address() as net.AddressInfo;
        this.logger.info({ host: address.address, port: address.port, implicit }, implicit ? 'listening (implicit FTPS)' : 'listening (FTP/FTPES)');
        resolve(server);
      });
    });
  }

  private async accept(raw: net.Socket, implicit: boolean): Promise<void> {
    raw.on('error', () => {});
    // Half-open connections (a peer that vanished without FIN) are found by keepalive probes.
    raw.setKeepAlive(true, 60_000);
    const ip = normalizeAddress(raw.remoteAddress);
    const refusal = this.limitRefusal(ip);
    let socket: net.Socket = raw;
    let tlsScope;
    if (implicit) {
      tlsScope = this.tls!.sessionScope();
      try {
        const secure = await ControlChannel.acceptImplicit(raw, tlsScope, IMPLICIT_HANDSHAKE_TIMEOUT_MS);
        this.events.emit('tls-handshake', { channel: 'control', protocol: secure.getProtocol(), resumed: secure.isSessionReused() });
        socket = secure;
      } catch (err) {
        this.logger.info({ remote: ip, err: (err as Error).message }, 'implicit TLS handshake failed');
        raw.destroy();
        return;
      }
    }
    if (refusal) {
      this.logger.warn({ remote: ip, reason: refusal }, 'connection refused');
      socket.end(formatReply(Reply.SERVICE_NOT_AVAILABLE, refusal));
      setTimeout(() => socket.destroy(), 2_000).unref();
      return;
    }
    const session = new Session(socket, this.services, { implicitTls: implicit, tlsScope });
    this.sessions.add(session);
    this.perIp.set(ip, (this.perIp.get(ip) ?? 0) + 1);
    session.greet();
  }

  private limitRefusal(ip: string): string | undefined {
    const { maxClients, maxClientsPerIp } = this.config.server;
    if (this.closing) return 'Server shutting down';
    const banned = this.guard.banRemaining(ip);
    if (banned > 0) return `Too many failed logins from your address: temporarily banned, try again in ${Math.ceil(banned / 60)} minute(s)`;
    if (this.sessions.size >= maxClients) return `Too many users connected (${maxClients}): try again later`;
    if ((this.perIp.get(ip) ?? 0) >= maxClientsPerIp) return `Too many connections from your address (${maxClientsPerIp}): close some and try again`;
    return undefined;
  }

  private loginRefusal(user: AuthenticatedUser): string | undefined {
    const max = this.config.server.maxSessionsPerUser;
    let n = 0;
    for (const s of this.sessions) if (s.user?.name === user.name) n++;
    return n >= max ? `Too many sessions for ${user.name} (${max}): close some and try again` : undefined;
  }

  private forget(session: Session): void {
    if (!this.sessions.delete(session)) return;
    const ip = normalizeAddress(session.remoteAddress);
    const n = (this.perIp.get(ip) ?? 1) - 1;
    if (n <= 0) this.perIp.delete(ip);
    else this.perIp.set(ip, n);
  }

  private async openStorage(user: AuthenticatedUser): Promise<Storage> {
    await this.options.users.ensureHome(user);
    return LocalStorage.open(user.home, {
      hiddenStores: this.config.storage.hiddenStores,
      umask: parseInt(this.config.storage.umask, 8),
    });
  }

  /** What the admin page and API show of each session (never a password or key). */
  sessionSummaries(): SessionSummary[] {
    return [...this.sessions].map((s) => {
      const tls = s.channel.tlsSocket;
      return {
        id: s.id,
        user: s.user?.name,
        remoteAddress: s.remoteAddress,
        startedAt: s.startedAt,
        tlsProtocol: tls?.getProtocol() ?? undefined,
        tlsCipher: tls?.getCipher()?.name,
        dataProtection: s.prot,
        transfer: s.transfer ? { verb: s.transfer.verb, path: s.transfer.path, bytes: s.transfer.bytes, startedAt: s.transfer.startedAt } : undefined,
      };
    });
  }

  /** Close one session (admin action): its transfer is aborted, the client gets 421. */
  disconnect(id: string): boolean {
    const session = [...this.sessions].find((s) => s.id === id);
    if (!session) return false;
    session.log.info('disconnected by the administrator');
    session.close(Reply.SERVICE_NOT_AVAILABLE, 'Disconnected by the administrator');
    return true;
  }

  private onTransfer(record: TransferRecord): void {
    this.recentTransfers.push(record);
    if (this.recentTransfers.length > RECENT_TRANSFERS) this.recentTransfers.shift();
    this.events.emit('transfer', record);
    this.logger.info(record, record.complete ? 'transfer' : 'transfer incomplete');
    this.options.xferlog?.write(record);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
