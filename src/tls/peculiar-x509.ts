// The one entry point to @peculiar/x509: installs the Reflect metadata shim it needs first, and
// points it at Node's WebCrypto. Everything in Ferry imports x509 from here, never directly.

import './reflect-metadata-shim.js';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export { x509 };
