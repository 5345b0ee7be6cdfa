// Runs a real client program (curl, lftp, python3, openssl) to completion with a hard time limit: on
// timeout it is killed, so a stuck client fails its test instead of hanging the run.
import { spawn } from 'node:child_process';

export interface ClientRunOptions {
  /** Kill the client after this long (default 30,000 ms). */
  timeoutMs?: number;
  cwd?: string;
  /** Written to stdin, which is then closed (default: stdin closed at once). */
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
}

export interface ClientRun {
  /** Exit code; null when killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Resolves whatever the exit code; rejects only when the program cannot be started. */
export function runClient(file: string, args: readonly string[], options: ClientRunOptions = {}): Promise<ClientRun> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (c: Buffer) => stdout.push(c));
    child.stderr.on('data', (c: Buffer) => stderr.push(c));
    child.stdin.on('error', () => {}); // a client that exits early closes its stdin: not our failure
    child.stdin.end(options.input ?? '');
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        timedOut,
      });
    });
  });
}
