// Reads a certificate's outer signatureAlgorithm (RFC 5280 §4.1.1.2) straight from its DER, since
// Node 20's X509Certificate does not expose it and @peculiar/x509 cannot map MD5 or MD2 at all.
// Names follow OpenSSL's, so they read the same as `openssl x509 -text`.

export interface SignatureAlgorithm {
  oid: string;
  /** OpenSSL's name (e.g. `sha256WithRSAEncryption`), or the OID when unknown. */
  name: string;
  /** Digest in WebCrypto spelling (`SHA-256`, `SHA-1`, `MD5`); undefined when unknown or built in (EdDSA). */
  hash: string | undefined;
}

const KNOWN: Record<string, { name: string; hash?: string }> = {
  '1.2.840.113549.1.1.2': { name: 'md2WithRSAEncryption', hash: 'MD2' },
  '1.2.840.113549.1.1.4': { name: 'md5WithRSAEncryption', hash: 'MD5' },
  '1.2.840.113549.1.1.5': { name: 'sha1WithRSAEncryption', hash: 'SHA-1' },
  '1.2.840.113549.1.1.10': { name: 'rsassaPss' }, // digest lives in the parameters
  '1.2.840.113549.1.1.11': { name: 'sha256WithRSAEncryption', hash: 'SHA-256' },
  '1.2.840.113549.1.1.12': { name: 'sha384WithRSAEncryption', hash: 'SHA-384' },
  '1.2.840.113549.1.1.13': { name: 'sha512WithRSAEncryption', hash: 'SHA-512' },
  '1.2.840.113549.1.1.14': { name: 'sha224WithRSAEncryption', hash: 'SHA-224' },
  '1.3.14.3.2.29': { name: 'sha1WithRSA', hash: 'SHA-1' },
  '1.2.840.10045.4.1': { name: 'ecdsa-with-SHA1', hash: 'SHA-1' },
  '1.2.840.10045.4.3.1': { name: 'ecdsa-with-SHA224', hash: 'SHA-224' },
  '1.2.840.10045.4.3.2': { name: 'ecdsa-with-SHA256', hash: 'SHA-256' },
  '1.2.840.10045.4.3.3': { name: 'ecdsa-with-SHA384', hash: 'SHA-384' },
  '1.2.840.10045.4.3.4': { name: 'ecdsa-with-SHA512', hash: 'SHA-512' },
  '1.2.840.10040.4.3': { name: 'dsa-with-SHA1', hash: 'SHA-1' },
  '2.16.840.1.101.3.4.3.1': { name: 'dsa_with_SHA224', hash: 'SHA-224' },
  '2.16.840.1.101.3.4.3.2': { name: 'dsa_with_SHA256', hash: 'SHA-256' },
  '1.3.101.112': { name: 'ED25519' },
  '1.3.101.113': { name: 'ED448' },
};

/** Throws a plain Error on malformed DER; callers turn that into a user-facing error. */
export function readSignatureAlgorithm(certificateDer: Uint8Array): SignatureAlgorithm {
  const certificate = readTlv(certificateDer, 0, 0x30);
  const tbs = readTlv(certificateDer, certificate.contentStart, 0x30);
  const algorithmIdentifier = readTlv(certificateDer, tbs.end, 0x30);
  const oidTlv = readTlv(certificateDer, algorithmIdentifier.contentStart, 0x06);
  const oid = decodeOid(certificateDer.subarray(oidTlv.contentStart, oidTlv.end));
  const known = KNOWN[oid];
  return { oid, name: known?.name ?? oid, hash: known?.hash };
}

interface Tlv {
  contentStart: number;
  end: number;
}

function readTlv(der: Uint8Array, offset: number, expectedTag: number): Tlv {
  if (der[offset] !== expectedTag) throw new Error(`unexpected DER tag at offset ${offset}`);
  let lengthOffset = offset + 1;
  const first = der[lengthOffset];
  if (first === undefined) throw new Error('truncated DER');
  let length = first;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 4) throw new Error('unsupported DER length');
    length = 0;
    for (let i = 1; i <= count; i++) {
      const byte = der[lengthOffset + i];
      if (byte === undefined) throw new Error('truncated DER');
      length = length * 256 + byte;
    }
    lengthOffset += count;
  }
  const contentStart = lengthOffset + 1;
  const end = contentStart + length;
  if (end > der.length) throw new Error('truncated DER');
  return { contentStart, end };
}

function decodeOid(bytes: Uint8Array): string {
  const arcs: number[] = [];
  let value = 0;
  for (const byte of bytes) {
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      arcs.push(value);
      value = 0;
    }
  }
  if (arcs.length === 0) throw new Error('empty OID');
  const first = arcs[0]!;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...arcs.slice(1)].join('.');
}
