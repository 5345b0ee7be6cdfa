// Starts a private Xvfb X server for GUI interop tests (FileZilla). Xvfb picks a free display number
// itself (-displayfd) and reports it once it accepts clients, so there is no port race and no sleep.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';

export interface XvfbDisplay {
  /** The DISPLAY value, e.g. ":93". */
  display: string;
  pid: number;
  /** Kills Xvfb (SIGTERM, then SIGKILL after a second) and waits for it to exit. */
  stop(): Promise<void>;
  /** SIGKILL now, without waiting: for process 'exit' handlers, which cannot wait. */
  kill(): void;
}

export interface XvfbOptions {
  /** Fail when Xvfb has not reported a display after this long (default 10,000 ms). */
  timeoutMs?: number;
  /** Screen geometry (default 1280x1024x24). */
  screen?: string;
}

/**
 * Waits for a child to exit, killing it with SIGKILL when SIGTERM is not enough within graceMs. Never
 * hangs: a child that was never started resolves at once, and the wait ends a second after SIGKILL.
 */
export function stopChild(child: ChildProcess, graceMs = 1000): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timers: NodeJS.Timeout[] = [];
    const done = (): void => {
      for (const t of timers) clearTimeout(t);
      resolve();
    };
    timers.push(setTimeout(() => child.kill('SIGKILL'), graceMs), setTimeout(done, graceMs + 1000));
    child.once('exit', done);
    child.kill('SIGTERM');
  });
}

export function startXvfb(options: XvfbOptions = {}): Promise<XvfbDisplay> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  // fd 3 is a pipe: Xvfb writes the display number there when it is ready (-displayfd 3).
  const child = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', options.screen ?? '1280x1024x24', '-nolisten', 'tcp', '-noreset'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  const stderr: Buffer[] = [];
  child.stderr?.on('data', (c: Buffer) => stderr.push(c));
  const displayFd = child.stdio[3] as Readable;
  return new Promise((resolve, reject) => {
    let out = '';
    let settled = false;
    const fail = (why: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void stopChild(child).then(() => reject(new Error(`Xvfb: ${why}\n${Buffer.concat(stderr).toString('utf8')}`)));
    };
    const timer = setTimeout(() => fail(`no display reported within ${timeoutMs} ms`), timeoutMs);
    child.once('error', (err) => fail(err.message));
    child.once('exit', (code, signal) => fail(`exited early (${code ?? signal})`));
    displayFd.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const match = /^(\d+)\n/.exec(out);
      if (!match || settled) return;
      settled = true;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({ display: `:${match[1]}`, pid: child.pid ?? -1, stop: () => stopChild(child), kill: () => void child.kill('SIGKILL') });
    });
  });
}
