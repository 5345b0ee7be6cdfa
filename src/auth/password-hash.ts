// Password hashing with scrypt (RFC 7914) in a self-describing string:
// `$scrypt$ln=14,r=8,p=1$<salt base64>$<hash base64>`, so the cost can rise later without breaking old hashes.
import { randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto';

export interface ScryptCost {
  /** log2 of scrypt's N (CPU/memory cost). */
  ln: number;
  /** Block size. */
  r: number;
  /** Parallelisation. */
  p: number;
}

/** ln=14, r=8, p=1: 16 MiB and ~50 ms per hash, the scrypt paper's setting for interactive logins. */
export const DEFAULT_SCRYPT_COST: Readonly<ScryptCost> = Object.freeze({ ln: 14, r: 8, p: 1 });

// Bounds for parameters read from the users file: a hostile or corrupt file must not make
// a login attempt allocate gigabytes or spin for minutes.
const MAX_LN = 20;
const MAX_R = 16;
const MAX_P = 4;
/** Memory one scrypt call may use (OpenSSL needs 128·r·(N+p+2) bytes): ln=17,r=8 (128 MiB) fits, ln=18,r=8 does not. */
export const MAX_SCRYPT_MEMORY = 256 * 1024 * 1024;

const SALT_BYTES = 16;
const HASH_BYTES = 32;
// Stored salts and hashes may differ in length from what we write, within sane limits.
const MIN_SALT_BYTES = 8; // RFC 7914's own test vectors use 14-byte salts
const MIN_HASH_BYTES = 16;
const MAX_STORED_BYTES = 64;

const FORMAT = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d)\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

/** Letters and digits without look-alikes (0/O/o, 1/l/I), so a printed password can be typed back. */
export const PASSWORD_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';
const GENERATED_LENGTH = 20;

function scryptMemory({ ln, r, p }: ScryptCost): number {
  return 128 * r * (2 ** ln + p + 2);
}

function costIsAllowed(cost: ScryptCost): boolean {
  const { ln, r, p } = cost;
  return (
    Number.isInteger(ln) && ln >= 1 && ln <= MAX_LN &&
    Number.isInteger(r) && r >= 1 && r <= MAX_R &&
    Number.isInteger(p) && p >= 1 && p <= MAX_P &&
    scryptMemory(cost) <= MAX_SCRYPT_MEMORY
  );
}

function derive(password: string, salt: Buffer, keyLength: number, cost: ScryptCost): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // NFC so the same password typed on systems that compose accents differently still matches.
    scrypt(
      password.normalize('NFC'),
      salt,
      keyLength,
      { N: 2 ** cost.ln, r: cost.r, p: cost.p, maxmem: MAX_SCRYPT_MEMORY },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}

/** Hashes a password; `cost` exists so tests can hash quickly. Production code keeps the default. */
export async function hashPassword(password: string, cost: ScryptCost = DEFAULT_SCRYPT_COST): Promise<string> {
  if (!costIsAllowed(cost)) throw new RangeError(`scrypt cost out of range: ln=${cost.ln},r=${cost.r},p=${cost.p}`);
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, HASH_BYTES, cost);
  return `$scrypt$ln=${cost.ln},r=${cost.r},p=${cost.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export interface ParsedPasswordHash {
  cost: ScryptCost;
  salt: Buffer;
  hash: Buffer;
}

/** Parses a stored hash; undefined for anything that is not a well-formed scrypt hash within bounds. */
export function parsePasswordHash(encoded: string): ParsedPasswordHash | undefined {
  const m = FORMAT.exec(encoded);
  if (!m) return undefined;
  const cost = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (!costIsAllowed(cost)) return undefined;
  const salt = Buffer.from(m[4]!, 'base64');
  const hash = Buffer.from(m[5]!, 'base64');
  if (salt.length < MIN_SALT_BYTES || salt.length > MAX_STORED_BYTES) return undefined;
  if (hash.length < MIN_HASH_BYTES || hash.length > MAX_STORED_BYTES) return undefined;
  return { cost, salt, hash };
}

/** True when `password` matches `encoded`. Never throws: a malformed stored hash simply does not match. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parsed = parsePasswordHash(encoded);
  if (!parsed) return false;
  let candidate: Buffer;
  try {
    candidate = await derive(password, parsed.salt, parsed.hash.length, parsed.cost);
  } catch {
    return false;
  }
  return timingSafeEqual(candidate, parsed.hash);
}

let dummyHash: Promise<string> | undefined;

/**
 * A hash of a random password nobody knows, made once on first use with the default cost.
 * Verifying against it costs what verifying a real user's password costs.
 */
export function getDummyHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(32).toString('base64'));
  return dummyHash;
}

/**
 * Spends the time of a real verification and returns false. Used for unknown and disabled users so
 * the reply time does not tell a client which user names exist.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  await verifyPassword(password, await getDummyHash());
  return false;
}

/** A random password of 20 characters from PASSWORD_ALPHABET (about 116 bits). */
export function generatePassword(): string {
  let out = '';
  // randomInt is unbiased (rejection sampling), unlike `byte % alphabet.length`.
  for (let i = 0; i < GENERATED_LENGTH; i++) out += PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)];
  return out;
}
