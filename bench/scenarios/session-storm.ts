// Measurement 5: many short FTPES sessions (login, PWD, small download, QUIT) from a basic-ftp driver
// in its own process. On a small machine the client competes with the server for the cores, so its
// CPU time is reported next to the rate; connects lost to a full accept queue are counted too.
import path from 'node:path';
import { delay, runCommand } from '../lib/child-processes.js';
import { listenOverflows } from '../lib/listen-overflows.js';
import { BENCH_DIR, REPO_DIR } from '../plan.js';
import { failAll, type Metric, type Scenario } from './scenario.js';

const METRICS: Metric[] = [
  { id: 'storm-rate', label: 'short FTPES sessions (login, PWD, 4 KiB RETR, QUIT)', unit: 'sessions/s', better: 'higher', digits: 1 },
  { id: 'storm-errors', label: 'short sessions: failed', unit: 'sessions', better: 'lower', digits: 0 },
  { id: 'storm-cpu', label: 'short sessions: server CPU', unit: 'CPU ms/session', better: 'lower', digits: 1 },
  { id: 'storm-client-cpu', label: 'short sessions: client (basic-ftp) CPU', unit: '% of one core', better: 'lower', digits: 0 },
];

interface StormResult {
  ok: number;
  errors: number;
  errorSamples: string[];
  wallMs: number;
  clientCpuMs: number;
}

export const sessionStormScenario: Scenario = {
  id: 'session-storm',
  title: 'short FTPES sessions',
  variant: 'tls',
  metrics: METRICS,
  async run(ctx) {
    const args = {
      port: ctx.server.port,
      user: ctx.user.name,
      password: ctx.user.password,
      file: ctx.fixtures.smallProbe,
      sessions: ctx.plan.stormSessions,
      concurrency: ctx.plan.stormConcurrency,
    };
    const cpuBefore = ctx.server.cpuSeconds();
    const overflowsBefore = listenOverflows();
    const run = await runCommand(process.execPath, ['--import', 'tsx', path.join(BENCH_DIR, 'clients/session-storm-driver.ts'), JSON.stringify(args)], { timeoutMs: 16 * 60_000, cwd: REPO_DIR });
    await delay(500);
    const serverCpuMs = (ctx.server.cpuSeconds() - cpuBefore) * 1000;
    const overflows = listenOverflows() - overflowsBefore;
    const line = run.stdout.trim().split('\n').pop() ?? '';
    if (run.code !== 0 || !line.startsWith('{')) {
      return failAll(METRICS, `session driver failed (${run.timedOut ? 'timed out' : `exit ${run.code}`}): ${run.stderr.trim().slice(-300)}`);
    }
    const r = JSON.parse(line) as StormResult;
    ctx.log(`${r.ok} ok, ${r.errors} failed in ${(r.wallMs / 1000).toFixed(1)} s, ${overflows} accept-queue overflows${r.errorSamples.length ? ` (${r.errorSamples.join('; ')})` : ''}`);
    const notes = [...r.errorSamples.slice(0, 2)];
    // Connects the kernel dropped because the server's accept queue (listen backlog) was full.
    if (overflows > 0) notes.push(`connects overflowed the server's accept queue (TcpExt ListenOverflows) and were retried by TCP`);
    return {
      values: {
        'storm-rate': r.ok / (r.wallMs / 1000),
        'storm-errors': r.errors,
        'storm-cpu': serverCpuMs / Math.max(1, r.ok + r.errors),
        'storm-client-cpu': (100 * r.clientCpuMs) / r.wallMs,
      },
      notes: { 'storm-errors': notes },
    };
  },
};
