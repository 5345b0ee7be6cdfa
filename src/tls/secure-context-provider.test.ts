import assert from 'node:assert/strict';
import net from 'node:net';
import tls from 'node:tls';
import { after, before, describe, it, test } from 'node:test';
import { generateSelfSignedCertificate } from './certificate-generate.js';
import { completeHandshake, SecureContextProvider, secureServerSocket, type TlsSessionScope } from './secure-context-provider.js';
import { TicketBinder } from './ticket-binding.js';

test('sessions share one TLS context, their tickets bound per session (this Node has the hooks)', async () => {
  assert.equal(TicketBinder.supported(), true, 'without the hooks every session would build a ~31 KiB context of its own');
  const { certPem, keyPem } = await generateSelfSignedCertificate();
  const provider = new SecureContextProvider({ certPem, keyPem }, { minVersion: 'TLSv1.2' });
  const a = provider.sessionScope();
  const b = provider.sessionScope();
  assert.equal(a.secureContext, b.secureContext);
  assert.notEqual(a.tickets, b.tickets);
  assert.notEqual(a.sessionCache, b.sessionCache);
  // A new certificate: new sessions get a new context, existing ones keep theirs.
  const next = await generateSelfSignedCertificate();
  provider.update({ certPem: next.certPem, keyPem: next.keyPem });
  assert.notEqual(provider.sessionScope().secureContext, a.secureContext);
});

/** A handshake wait that never settles fails its case instead of hanging the run. */
const WITHIN = { timeout: 10_000 };

describe('completeHandshake', () => {
  let scope: TlsSessionScope;
  let listener: net.Server;
  let accepted: (raw: net.Socket) => void;
  const opened: net.Socket[] = [];

  before(async () => {
    const { certPem, keyPem } = await generateSelfSignedCertificate();
    scope = new SecureContextProvider({ certPem, keyPem }, { minVersion: 'TLSv1.2' }).sessionScope();
    listener = net.createServer((raw) => accepted(raw));
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  });

  after(async () => {
    for (const s of opened) s.destroy();
    await new Promise((resolve) => listener.close(resolve));
  });

  /** The server side of the next connection, wrapped in TLS and waited on with `timeoutMs`. */
  function nextHandshake(timeoutMs: number): Promise<{ secure: tls.TLSSocket; done: Promise<void> }> {
    return new Promise((resolve) => {
      accepted = (raw) => {
        opened.push(raw);
        const secure = secureServerSocket(raw, scope);
        resolve({ secure, done: completeHandshake(secure, timeoutMs, 'test handshake') });
      };
    });
  }

  function connectRaw(): net.Socket {
    const socket = net.connect((listener.address() as net.AddressInfo).port, '127.0.0.1');
    socket.on('error', () => {});
    opened.push(socket);
    return socket;
  }

  it('resolves once a client completes the handshake', WITHIN, async () => {
    const server = nextHandshake(5_000);
    const client = tls.connect({ port: (listener.address() as net.AddressInfo).port, host: '127.0.0.1', rejectUnauthorized: false });
    client.on('error', () => {});
    opened.push(client);
    const { secure, done } = await server;
    await done;
    assert.ok(secure.getProtocol()?.startsWith('TLSv1.'));
  });

  it('rejects when the client hangs up mid-handshake', WITHIN, async () => {
    const server = nextHandshake(5_000);
    const client = connectRaw();
    const { done } = await server;
    client.destroy();
    await assert.rejects(done, /connection closed during the test handshake/);
  });

  it('rejects and destroys the socket when the client stays silent past the timeout', WITHIN, async () => {
    const server = nextHandshake(100);
    connectRaw();
    const { secure, done } = await server;
    await assert.rejects(done, /test handshake timed out/);
    assert.equal(secure.destroyed, true);
  });

  it('rejects when the client sends something that is not TLS', WITHIN, async () => {
    const server = nextHandshake(5_000);
    connectRaw().write('USER alice\r\n');
    const { done } = await server;
    await assert.rejects(done);
  });
});
