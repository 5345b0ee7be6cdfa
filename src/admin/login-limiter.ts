// Slows down password guessing on the admin login: after `maxFailures` failed logins from one address
// within `windowMs`, that address is refused for `lockMs` (HTTP 429 with Retry-After).

export interface LoginLimiterOptions {
  maxFailures: number;
  windowMs: number;
  lockMs: number;
  now?: () => number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimiterOptions = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };
const MAX_TRACKED = 10_000;

export class LoginLimiter {
  readonly #failures = new Map<string, number[]>();
  readonly #lockedUntil = new Map<string, number>();
  readonly #now: () => number;

  constructor(private readonly options: LoginLimiterOptions = DEFAULT_LOGIN_LIMITS) {
    this.#now = options.now ?? Date.now;
  }

  /** Milliseconds until `address` may try again; 0 when it may try now. */
  retryAfterMs(address: string): number {
    const until = this.#lockedUntil.get(address);
    if (until === undefined) return 0;
    const left = until - this.#now();
    if (left > 0) return left;
    this.#lockedUntil.delete(address);
    return 0;
  }

  /** Records a failure; returns true when it locked the address. */
  recordFailure(address: string): boolean {
    const now = this.#now();
    const recent = (this.#failures.get(address) ?? []).filter((t) => now - t < this.options.windowMs);
    recent.push(now);
    // Bounded memory under a flood from many addresses: forget the oldest.
    if (!this.#failures.has(address) && this.#failures.size >= MAX_TRACKED) this.#failures.delete(this.#failures.keys().next().value!);
    this.#failures.set(address, recent);
    if (recent.length < this.options.maxFailures) return false;
    this.#failures.delete(address);
    this.#lockedUntil.set(address, now + this.options.lockMs);
    return true;
  }

  recordSuccess(address: string): void {
    this.#failures.delete(address);
  }
}
