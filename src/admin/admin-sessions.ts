// Logged-in admin sessions: a random 256-bit token in an HttpOnly, SameSite=Strict cookie maps to the
// session kept here in memory (nothing to forge or decode client-side). Sessions end after an idle
// timeout, after 12 hours at most, at logout, and with the process.
import { randomBytes } from 'node:crypto';

export interface AdminSession {
  /** Also binds CSRF tokens to this login. */
  id: string;
  admin: string;
  address: string;
  createdAt: number;
  lastSeen: number;
}

const MAX_AGE_MS = 12 * 60 * 60_000;
const MAX_SESSIONS = 1000;

export class AdminSessions {
  readonly #sessions = new Map<string, AdminSession>();

  constructor(
    private readonly idleMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  create(admin: string, address: string): AdminSession {
    this.prune();
    if (this.#sessions.size >= MAX_SESSIONS) this.#sessions.delete(this.#sessions.keys().next().value!);
    const now = this.now();
    const session: AdminSession = { id: randomBytes(32).toString('base64url'), admin, address, createdAt: now, lastSeen: now };
    this.#sessions.set(session.id, session);
    return session;
  }

  /** The live session for a cookie value (its idle timer restarts), or undefined. */
  get(id: string | undefined): AdminSession | undefined {
    if (!id) return undefined;
    const session = this.#sessions.get(id);
    if (!session) return undefined;
    const now = this.now();
    if (now - session.lastSeen > this.idleMs || now - session.createdAt > MAX_AGE_MS) {
      this.#sessions.delete(id);
      return undefined;
    }
    session.lastSeen = now;
    return session;
  }

  destroy(id: string | undefined): void {
    if (id) this.#sessions.delete(id);
  }

  private prune(): void {
    const now = this.now();
    for (const [id, s] of this.#sessions) if (now - s.lastSeen > this.idleMs || now - s.createdAt > MAX_AGE_MS) this.#sessions.delete(id);
  }
}
