// Runs curl against a bench server (127.0.0.1 only) and reads its --write-out figures. Explicit TLS
// with --ssl-reqd makes curl send AUTH TLS, PBSZ 0 and PROT P, and resume the session on data links.
import { runCommand, type CommandResult } from './child-processes.js';

export interface CurlTarget {
  port: number;
  tls: boolean;
  user: { name: string; password: string };
}

export function ftpUrl(target: CurlTarget, path: string): string {
  return `ftp://127.0.0.1:${target.port}/${path}`;
}

/** Common arguments: credentials, TLS policy (self-signed certificate), no progress meter, hard limits. */
export function curlBase(target: CurlTarget, maxSeconds: number): string[] {
  return [
    '--silent', '--show-error',
    '--user', `${target.user.name}:${target.user.password}`,
    ...(target.tls ? ['--ssl-reqd', '--insecure'] : []),
    '--connect-timeout', '10',
    '--max-time', String(maxSeconds),
  ];
}

export interface CurlRun extends CommandResult {
  /** Values printed by --write-out, split on whitespace. */
  written: string[];
}

export async function runCurl(args: readonly string[], timeoutMs: number, input?: string): Promise<CurlRun> {
  const result = await runCommand('curl', args, { timeoutMs, input });
  return { ...result, written: result.stdout.trim().split(/\s+/).filter(Boolean) };
}

export function curlFailure(run: CurlRun, what: string): Error {
  const detail = run.timedOut ? 'timed out' : `exit ${run.code}: ${run.stderr.trim().split('\n').slice(-2).join(' ')}`;
  return new Error(`${what}: curl ${detail}`);
}
