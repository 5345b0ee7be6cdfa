// Spawns the `ferry` CLI (src/main.ts through tsx) as a child process for the CLI tests, with a hard
// timeout so a hanging command fails its test instead of the whole run.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root: the CLI resolves `tsx` and `src/main.ts` from here. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface FerryResult {
  /** Exit code; null when the process was killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface RunOptions {
  /** Written to stdin, which is then closed (stdin is always closed, so nothing waits for a terminal). */
  input?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

function ferryProcess(args: readonly string[], env?: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, FERRY_CONFIG: undefined, NO_COLOR: '1', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Runs one command to completion (killed with SIGKILL after `timeoutMs`). */
export function runFerry(args: readonly string[], options: RunOptions = {}): Promise<FerryResult> {
  const child = ferryProcess(args, options.env);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  child.stdin!.end(options.input ?? '');
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.timeoutMs ?? 15_000);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

/** A long-running `ferry serve` (or any command) whose output can be awaited line by line. */
export class FerryProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<FerryResult>;
  private readonly waiters = new Set<() => void>();
  private timedOut = false;
  private readonly timer: NodeJS.Timeout;

  constructor(args: readonly string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}) {
    this.child = ferryProcess(args, options.env);
    this.child.stdin!.end();
    const notify = () => this.waiters.forEach((w) => w());
    this.child.stdout!.setEncoding('utf8').on('data', (s: string) => ((this.stdout += s), notify()));
    this.child.stderr!.setEncoding('utf8').on('data', (s: string) => ((this.stderr += s), notify()));
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.child.kill('SIGKILL');
    }, options.timeoutMs ?? 30_000);
    this.exited = new Promise((resolve, reject) => {
      this.child.once('error', reject);
      this.child.once('close', (code, signal) => {
        clearTimeout(this.timer);
        notify();
        resolve({ code, signal, stdout: this.stdout, stderr: this.stderr, timedOut: this.timedOut });
      });
    });
  }

  /** Resolves with the first match of `pattern` in stdout; rejects if the process exits or `timeoutMs` passes first. */
  waitForOutput(pattern: RegExp, timeoutMs = 10_000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = this.stdout.match(pattern);
        if (m) return done(() => resolve(m));
        if (this.child.exitCode !== null || this.child.signalCode !== null) {
          done(() => reject(new Error(`ferry exited before printing ${pattern}\nstdout: ${this.stdout}\nstderr: ${this.stderr}`)));
        }
      };
      const timer = setTimeout(() => done(() => reject(new Error(`timed out waiting for ${pattern}\nstdout: ${this.stdout}\nstderr: ${this.stderr}`))), timeoutMs);
      const done = (settle: () => void) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        settle();
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Sends a signal and waits for the exit, up to `timeoutMs` (then SIGKILL; the result says timedOut). */
  stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000): Promise<FerryResult & { ms: number }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.waitForExit(timeoutMs);
  }

  /** Waits for the process to end by itself, up to `timeoutMs` (then SIGKILL; the result says timedOut). */
  async waitForExit(timeoutMs = 10_000): Promise<FerryResult & { ms: number }> {
    const started = Date.now();
    const timer = setTimeout(() => {
      this.timedOut = true;
      this.child.kill('SIGKILL');
    }, timeoutMs);
    const result = await this.exited;
    clearTimeout(timer);
    return { ...result, timedOut: this.timedOut, ms: Date.now() - started };
  }

  /** Kills the process if it still runs (for `after` hooks). */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}
