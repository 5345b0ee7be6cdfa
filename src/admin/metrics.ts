// Prometheus metrics (prom-client) fed by the FTP server's events: sessions, logins, transfers, bytes,
// TLS handshakes, and the share of protected data connections that resumed their control session's TLS
// session (RFC 4217 section 10; a low ratio means clients that will be refused under requireSessionReuse).
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { FtpServer } from '../server/ftp-server.js';

export class FerryMetrics {
  readonly registry = new Registry();
  private readonly detach: () => void;

  constructor(server: FtpServer) {
    const registers = [this.registry];
    new Gauge({
      name: 'ferry_sessions',
      help: 'FTP control connections open now',
      registers,
      collect() {
        this.set(server.sessions.size);
      },
    });
    new Gauge({
      name: 'ferry_sessions_logged_in',
      help: 'FTP sessions logged in now',
      registers,
      collect() {
        this.set(server.sessionSummaries().filter((s) => s.user !== undefined).length);
      },
    });
    const sessionsStarted = new Counter({ name: 'ferry_sessions_started_total', help: 'FTP control connections accepted', registers });
    const logins = new Counter({ name: 'ferry_logins_total', help: 'FTP logins by result', labelNames: ['result'] as const, registers });
    const transfers = new Counter({ name: 'ferry_transfers_total', help: 'Finished FTP transfers by direction and result', labelNames: ['direction', 'result'] as const, registers });
    const bytes = new Counter({ name: 'ferry_transfer_bytes_total', help: 'Bytes moved by FTP transfers', labelNames: ['direction'] as const, registers });
    const handshakes = new Counter({ name: 'ferry_tls_handshakes_total', help: 'Completed TLS handshakes by channel and whether the TLS session was resumed', labelNames: ['channel', 'resumed'] as const, registers });
    let dataHandshakes = 0;
    let dataResumed = 0;
    new Gauge({
      name: 'ferry_tls_data_resumption_ratio',
      help: 'Share of TLS data connections that resumed the control connection\'s TLS session (0..1; 0 before any)',
      registers,
      collect() {
        this.set(dataHandshakes === 0 ? 0 : dataResumed / dataHandshakes);
      },
    });
    // Labels known up front show as 0 rather than being absent before the first event.
    for (const result of ['ok', 'failed']) logins.inc({ result }, 0);
    for (const direction of ['upload', 'download']) bytes.inc({ direction }, 0);

    const { events } = server;
    const onSession = () => sessionsStarted.inc();
    const onLogin = (e: { ok: boolean }) => logins.inc({ result: e.ok ? 'ok' : 'failed' });
    const onTransfer = (r: { direction: 'upload' | 'download'; bytes: number; complete: boolean }) => {
      transfers.inc({ direction: r.direction, result: r.complete ? 'complete' : 'incomplete' });
      bytes.inc({ direction: r.direction }, r.bytes);
    };
    const onHandshake = (e: { channel: 'control' | 'data'; resumed: boolean }) => {
      handshakes.inc({ channel: e.channel, resumed: String(e.resumed) });
      if (e.channel === 'data') {
        dataHandshakes++;
        if (e.resumed) dataResumed++;
      }
    };
    events.on('session-start', onSession);
    events.on('login', onLogin);
    events.on('transfer', onTransfer);
    events.on('tls-handshake', onHandshake);
    this.detach = () => {
      events.off('session-start', onSession);
      events.off('login', onLogin);
      events.off('transfer', onTransfer);
      events.off('tls-handshake', onHandshake);
    };
    collectDefaultMetrics({ register: this.registry, prefix: 'ferry_' });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  close(): void {
    this.detach();
    this.registry.clear();
  }
}
