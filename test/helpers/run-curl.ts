// Runs curl with -v against a test server and parses the verbose trace: the FTP commands it sent, the
// replies it read ("< 226 ..."), and the TLS versions it negotiated ("SSL connection using TLSv1.3").
import { runClient, type ClientRun } from './run-client.js';

export interface CurlReply {
  code: number;
  text: string;
}

export interface CurlRun extends ClientRun {
  /** Command lines curl sent ("> STOR f"), without the "> ". */
  sent: string[];
  /** Reply lines curl read, in order (each line of a multi-line reply separately). */
  replies: CurlReply[];
  /** Every TLS version curl reported for a connection it set up (control first, then data). */
  tlsVersions: string[];
}

export interface CurlOptions {
  /** Kill curl after this long (default 30,000 ms); curl itself gets --max-time a bit below it. */
  timeoutMs?: number;
  cwd?: string;
}

/** curl's version as [major, minor, patch]. */
export async function curlVersion(): Promise<[number, number, number]> {
  const run = await runClient('curl', ['--version'], { timeoutMs: 10_000 });
  const m = /^curl (\d+)\.(\d+)\.(\d+)/.exec(run.stdout);
  if (!m) throw new Error(`cannot read curl's version from: ${run.stdout.split('\n')[0]}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

export async function runCurl(args: readonly string[], options: CurlOptions = {}): Promise<CurlRun> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxTime = Math.max(1, Math.floor(timeoutMs / 1000) - 5);
  const run = await runClient('curl', ['-sS', '-v', '--max-time', String(maxTime), ...args], { timeoutMs, cwd: options.cwd });
  const sent: string[] = [];
  const replies: CurlReply[] = [];
  const tlsVersions: string[] = [];
  for (const line of run.stderr.split(/\r?\n/)) {
    if (line.startsWith('> ')) sent.push(line.slice(2));
    const reply = /^< (\d{3})[ -]?(.*)$/.exec(line);
    if (reply) replies.push({ code: Number(reply[1]), text: reply[2]! });
    const tls = /^\* SSL connection using (TLSv[\d.]+)/.exec(line);
    if (tls) tlsVersions.push(tls[1]!);
  }
  return { ...run, sent, replies, tlsVersions };
}

/** A short, readable account of a curl run for assertion messages. */
export function describeCurlRun(run: CurlRun): string {
  const trace = run.stderr
    .split(/\r?\n/)
    .filter((l) => /^[<>] |^curl: |^\* (SSL connection|OpenSSL|TLS)/.test(l))
    .join('\n');
  return `curl exited ${run.code ?? run.signal}${run.timedOut ? ' (killed: timed out)' : ''}\n${trace}`;
}
