// Measurement 3: many 4 KiB files downloaded in ONE FTPES control session with PROT P, each data
// connection resuming the control connection's TLS session, by a basic-ftp driver in its own process.
// (curl 7.88 with many URLs stalls ~200 ms per file on its own side, lftp ~50 ms: they would measure
// the client, not the server.)
// Each fresh server gets six such sessions. The fourth to sixth make the headline figure (their
// median): a server runs for days, so its steady state is what users get. vsftpd and ProFTPD fork a
// process per session and have nothing to warm up; Ferry's V8 still compiles its per-file code
// through its first ~3,000 files (server CPU per 1,000 files in one process: ~3.4 s, ~2.7, ~2.1, then
// ~1.8 from the fourth session on). The first and second sessions are reported on rows of their own.
// The servers run at once and take turns session by session (runTogether): a slow spell of this
// shared host, which lasts from seconds to minutes, then lands on all of them instead of on the one
// whose six sessions it fell into.
import path from 'node:path';
import { delay, runCommand } from '../lib/child-processes.js';
import { summarize } from '../lib/summary.js';
import { BENCH_DIR, REPO_DIR } from '../plan.js';
import { failAll, type Metric, type RunOutcome, type Scenario, type ScenarioContext } from './scenario.js';

const METRICS: Metric[] = [
  { id: 'small-files', label: 'small files, one FTPES session (PROT P), a warm server (its fourth to sixth sessions)', unit: 'files/s', better: 'higher', digits: 0 },
  { id: 'small-files-first', label: 'small files, the first session of a fresh server', unit: 'files/s', better: 'higher', digits: 0 },
  { id: 'small-files-second', label: 'small files, the second session of a fresh server', unit: 'files/s', better: 'higher', digits: 0 },
  { id: 'small-files-cpu', label: 'small files: server CPU', unit: 'CPU ms/file', better: 'lower', digits: 2 },
  { id: 'small-files-client-cpu', label: 'small files: client (basic-ftp) CPU', unit: '% of one core', better: 'lower', digits: 0 },
];

/** Sessions before the warm ones (the first three), and the warm ones whose median is the headline. */
const WARM_FROM = 3;
const WARM_SESSIONS = 3;
const median = (values: number[]): number => summarize(values).median;

interface DriverResult {
  files: number;
  bytes: number;
  seconds: number;
  clientCpuMs: number;
}

/** A session's driver result, and the server CPU it cost, in seconds. */
type SessionResult = DriverResult & { serverCpu: number };

/** One session of the driver. */
async function downloadAll(ctx: ScenarioContext): Promise<SessionResult> {
  const { smallNames, smallDir } = ctx.fixtures;
  const args = { port: ctx.server.port, user: ctx.user.name, password: ctx.user.password, dir: smallDir, names: smallNames };
  const cpuBefore = ctx.server.cpuSeconds();
  const run = await runCommand(process.execPath, ['--import', 'tsx', path.join(BENCH_DIR, 'clients/small-files-driver.ts'), JSON.stringify(args)], { timeoutMs: 16 * 60_000, cwd: REPO_DIR });
  await delay(300);
  const serverCpu = ctx.server.cpuSeconds() - cpuBefore;
  const line = run.stdout.trim().split('\n').pop() ?? '';
  if (run.code !== 0 || !line.startsWith('{')) {
    const detail = run.stderr.trim().split('\n').find((l) => /error/i.test(l)) ?? run.stderr.trim().slice(-200);
    throw new Error(`small files driver failed (${run.timedOut ? 'timed out' : `exit ${run.code}`}): ${detail}`);
  }
  const r = JSON.parse(line) as DriverResult;
  const expected = smallNames.length * ctx.plan.smallFileBytes;
  if (r.bytes !== expected) throw new Error(`small files: got ${r.bytes} bytes, expected ${expected}`);
  return { ...r, serverCpu };
}

/** The figures of one server's sessions, in order. */
function outcome(ctx: ScenarioContext, sessions: readonly SessionResult[]): RunOutcome {
  const rate = (d: DriverResult) => d.files / d.seconds;
  const warm = sessions.slice(WARM_FROM);
  const perFile = (d: SessionResult) => (d.serverCpu * 1000) / d.files;
  const clientShare = (d: DriverResult) => (100 * d.clientCpuMs) / (d.seconds * 1000);
  ctx.log(`sessions 1-${sessions.length}: ${sessions.map((d) => rate(d).toFixed(0)).join(', ')} files/s; ${warm.map((d) => perFile(d).toFixed(2)).join(', ')} CPU ms/file from the fourth`);
  // The server CPU includes the session's login; over 1,000 files that is noise.
  return {
    values: {
      'small-files': median(warm.map(rate)),
      'small-files-first': rate(sessions[0]!),
      'small-files-second': rate(sessions[1]!),
      'small-files-cpu': median(warm.map(perFile)),
      'small-files-client-cpu': median(warm.map(clientShare)),
    },
  };
}

/** Six sessions on each server, the servers taking turns; a server whose session fails does no more. */
async function runTogether(contexts: readonly ScenarioContext[]): Promise<RunOutcome[]> {
  const sessions = contexts.map((): SessionResult[] => []);
  const failed = contexts.map((): string | undefined => undefined);
  for (let i = 0; i < WARM_FROM + WARM_SESSIONS; i++) {
    for (const [k, ctx] of contexts.entries()) {
      if (failed[k] !== undefined) continue;
      try {
        sessions[k]!.push(await downloadAll(ctx));
      } catch (err) {
        failed[k] = (err as Error).message;
      }
    }
  }
  return contexts.map((ctx, k) => (failed[k] !== undefined ? failAll(METRICS, failed[k]) : outcome(ctx, sessions[k]!)));
}

export const smallFilesScenario: Scenario = {
  id: 'small-files',
  title: 'small files in one FTPES session',
  variant: 'tls',
  metrics: METRICS,
  run: async (ctx) => (await runTogether([ctx]))[0]!,
  runTogether,
};
