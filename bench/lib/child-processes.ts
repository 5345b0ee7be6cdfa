// Spawns the bench's child processes and guarantees they die: every child is tracked by PID, and
// stopping one kills its whole process tree (forking FTP servers leave per-session children).
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { descendants } from './process-tree.js';

const tracked = new Set<number>();

export interface TrackedProcess {
  pid: number;
  child: ChildProcess;
  /** Resolves with the exit code (or the signal name) when the process ends. */
  exited: Promise<number | string>;
}

export interface SpawnTrackedOptions extends Omit<SpawnOptions, 'stdio'> {
  /** Append stdout and stderr to this file (default: discarded). */
  logFile?: string;
  /** Give the caller stdin, stdout and stderr pipes instead (a driver it talks to). */
  interactive?: boolean;
}

/** Raise the open-file limit for servers and drivers that hold thousands of connections. */
export function withFileLimit(command: string, args: readonly string[], limit = 65_536): [string, string[]] {
  return ['/bin/sh', ['-c', `ulimit -n ${limit} 2>/dev/null || ulimit -n $(ulimit -Hn); exec "$0" "$@"`, command, ...args]];
}

export function spawnTracked(command: string, args: readonly string[], options: SpawnTrackedOptions = {}): TrackedProcess {
  const { logFile, interactive, ...spawnOptions } = options;
  // A log file is the child's own stdout and stderr, as the peers write their logs themselves: relayed
  // through a pipe, every line Ferry logs (one per transfer) would wake this process on the same cores.
  const log = logFile ? openSync(logFile, 'a') : undefined;
  const output = log ?? (interactive ? 'pipe' : 'ignore');
  let child;
  try {
    child = spawn(command, args, { ...spawnOptions, stdio: [interactive ? 'pipe' : 'ignore', output, output] });
  } finally {
    if (log !== undefined) closeSync(log);
  }
  if (child.pid === undefined) throw new Error(`cannot start ${command}`);
  const pid = child.pid;
  tracked.add(pid);
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      tracked.delete(pid);
      resolve(code ?? signal ?? 'unknown');
    });
    child.once('error', () => {
      tracked.delete(pid);
      resolve('spawn-error');
    });
  });
  return { pid, child, exited };
}

function signalTree(pid: number, signal: NodeJS.Signals): void {
  // Children first is not needed for correctness; collect them before the parent dies and reparents them.
  for (const p of [...descendants(pid), pid]) {
    try {
      process.kill(p, signal);
    } catch {
      // already gone
    }
  }
}

/** SIGTERM the process and its descendants; SIGKILL whatever is left after `graceMs`. */
export async function killTree(proc: TrackedProcess, graceMs = 3000): Promise<void> {
  const family = [...descendants(proc.pid)];
  signalTree(proc.pid, 'SIGTERM');
  const done = await Promise.race([proc.exited.then(() => true), delay(graceMs).then(() => false)]);
  if (!done) signalTree(proc.pid, 'SIGKILL');
  for (const p of family) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // gone, as expected
    }
  }
  await Promise.race([proc.exited, delay(2000)]);
}

/** Last-resort cleanup (exit, signals, crashes): SIGKILL every tracked tree, synchronously. */
export function killAllTracked(): void {
  for (const pid of [...tracked]) signalTree(pid, 'SIGKILL');
  tracked.clear();
}

export interface CommandResult {
  code: number | string;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  wallMs: number;
}

/** Run a command to completion with a hard timeout (SIGKILL of its tree when it passes). */
export async function runCommand(command: string, args: readonly string[], options: { timeoutMs: number; input?: string; env?: NodeJS.ProcessEnv; cwd?: string }): Promise<CommandResult> {
  const started = performance.now();
  const child = spawn(command, args, { stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], env: options.env, cwd: options.cwd });
  if (child.pid === undefined) return { code: 'spawn-error', stdout: '', stderr: `cannot start ${command}`, timedOut: false, wallMs: 0 };
  const pid = child.pid;
  tracked.add(pid);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout!.on('data', (c: Buffer) => out.push(c));
  child.stderr!.on('data', (c: Buffer) => err.push(c));
  if (options.input !== undefined) child.stdin!.end(options.input);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    signalTree(pid, 'SIGKILL');
  }, options.timeoutMs);
  const code = await new Promise<number | string>((resolve) => {
    child.once('close', (c, s) => resolve(c ?? s ?? 'unknown'));
    child.once('error', () => resolve('spawn-error'));
  });
  clearTimeout(timer);
  tracked.delete(pid);
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), timedOut, wallMs: performance.now() - started };
}

/** A plain timer (kept referenced: while the bench waits, nothing else may hold the event loop open). */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
