import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ServerEvents } from '../server/server-events.js';
import type { FtpServer } from '../server/ftp-server.js';
import { FerryMetrics } from './metrics.js';

function fakeServer(): FtpServer {
  return { events: new ServerEvents(), sessions: new Set([{}, {}]), sessionSummaries: () => [{ user: 'a' }, { user: undefined }] } as unknown as FtpServer;
}

function value(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  assert.ok(line, `${series} missing in:\n${text}`);
  return Number(line.split(' ')[1]);
}

describe('FerryMetrics', () => {
  it('counts sessions, logins, transfers, bytes, handshakes and the data resumption ratio', async () => {
    const server = fakeServer();
    const metrics = new FerryMetrics(server);
    const e = server.events;
    e.emit('session-start', { id: '1', remoteAddress: '127.0.0.1', implicitTls: false });
    e.emit('login', { user: 'a', remoteAddress: '127.0.0.1', ok: true });
    e.emit('login', { user: 'a', remoteAddress: '127.0.0.1', ok: false });
    e.emit('login', { user: 'a', remoteAddress: '127.0.0.1', ok: false });
    const record = { sessionId: '1', user: 'a', anonymous: false, remoteAddress: '127.0.0.1', path: '/f', durationMs: 1, type: 'I' as const, secure: true };
    e.emit('transfer', { ...record, direction: 'upload', bytes: 100, complete: true });
    e.emit('transfer', { ...record, direction: 'download', bytes: 7, complete: false });
    e.emit('tls-handshake', { channel: 'control', protocol: 'TLSv1.3', resumed: false });
    e.emit('tls-handshake', { channel: 'data', protocol: 'TLSv1.3', resumed: true });
    e.emit('tls-handshake', { channel: 'data', protocol: 'TLSv1.3', resumed: true });
    e.emit('tls-handshake', { channel: 'data', protocol: 'TLSv1.3', resumed: false });
    const text = await metrics.text();
    assert.equal(value(text, 'ferry_sessions'), 2);
    assert.equal(value(text, 'ferry_sessions_logged_in'), 1);
    assert.equal(value(text, 'ferry_sessions_started_total'), 1);
    assert.equal(value(text, 'ferry_logins_total{result="ok"}'), 1);
    assert.equal(value(text, 'ferry_logins_total{result="failed"}'), 2);
    assert.equal(value(text, 'ferry_transfers_total{direction="upload",result="complete"}'), 1);
    assert.equal(value(text, 'ferry_transfers_total{direction="download",result="incomplete"}'), 1);
    assert.equal(value(text, 'ferry_transfer_bytes_total{direction="upload"}'), 100);
    assert.equal(value(text, 'ferry_transfer_bytes_total{direction="download"}'), 7);
    assert.equal(value(text, 'ferry_tls_handshakes_total{channel="data",resumed="true"}'), 2);
    assert.equal(value(text, 'ferry_tls_data_resumption_ratio'), 2 / 3);
    assert.match(text, /ferry_process_cpu_seconds_total/);
    metrics.close();
    assert.equal(e.listenerCount('login'), 0);
  });
});
