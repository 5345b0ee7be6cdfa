import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateSelfSignedCertificate } from './certificate-generate.js';
import { SecureContextProvider } from './secure-context-provider.js';
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
