// Brute-force defences (what ProFTPD's mod_ban and SFTPGo's defender do): a growing delay after each
// failed login, a temporary per-IP ban after repeated failures, and an optional per-account lockout.
// State is in memory, bounded, and forgotten when windows pass.
import type { FerryConfig } from '../config/schema.js';

type SecurityConfig = FerryConfig['security'];

interface Window {
  failures: number[];
  until?: number;
}

/** Entries kept at most per table; the oldest are dropped first (a flood of addresses can't exhaust memory). */
const MAX_TRACKED = 10_000;

export class LoginGuard {
  private readonly ips = new Map<string, Window>();
  private readonly accounts = new Map<string, Window>();

  constructor(private config: SecurityConfig, private readonly now: () => number = Date.now) {}

  configure(config: SecurityConfig): void {
    this.config = config;
  }

  /** Seconds left on an IP's ban, or 0. */
  banRemaining(ip: string): number {
    return remaining(this.ips.get(ip), this.now());
  }

  /** True while an account is locked (its logins fail like a wrong password). */
  isLocked(user: string): boolean {
    return this.config.userLockout.enabled && remaining(this.accounts.get(user), this.now()) > 0;
  }

  /** Record a failure; returns what it triggered, for the log. */
  recordFailure(ip: string, user: string): { banned: boolean; locked: boolean } {
    const t = this.now();
    const { ban, userLockout } = this.config;
    const banned = ban.enabled && hit(this.ips, ip, t, ban.windowSeconds, ban.maxFailures, ban.banSeconds);
    const locked = userLockout.enabled && hit(this.accounts, user, t, userLockout.windowSeconds, userLockout.maxFailures, userLockout.lockSeconds);
    return { banned, locked };
  }

  /** A successful login clears the account's failure count (not the IP's: one good password must not launder a scan). */
  recordSuccess(user: string): void {
    this.accounts.delete(user);
  }

  /** Delay before answering the n-th failed login on a connection. */
  failureDelayMs(failuresOnConnection: number): number {
    return Math.min(this.config.loginFailureDelayMs * failuresOnConnection, 10_000);
  }
}

function remaining(w: Window | undefined, t: number): number {
  return w?.until !== undefined && w.until > t ? Math.ceil((w.until - t) / 1000) : 0;
}

/** Count a failure in `key`'s window; returns true when it starts a block. */
function hit(table: Map<string, Window>, key: string, t: number, windowSeconds: number, max: number, blockSeconds: number): boolean {
  let w = table.get(key);
  if (!w) {
    if (table.size >= MAX_TRACKED) table.delete(table.keys().next().value!);
    w = { failures: [] };
    table.set(key, w);
  }
  const since = t - windowSeconds * 1000;
  w.failures = w.failures.filter((f) => f > since);
  w.failures.push(t);
  if (w.failures.length >= max && !(w.until && w.until > t)) {
    w.until = t + blockSeconds * 1000;
    w.failures = [];
    return true;
  }
  return false;
}
