// Measurement 6: server memory per idle, logged-in FTPES session. A driver process holds the
// sessions open; the server tree's RSS (and PSS, which splits pages shared between forked
// processes) is sampled once they are all idle, minus the same figure just before. Each run gets a
// freshly started server, so a heap grown by an earlier run cannot hide the cost. Sampled twice:
// right after the last login, and again once the sessions have sat idle for IDLE_SECONDS (V8 gives
// back the login burst's garbage about ten seconds after it; forked servers do not change).
import path from 'node:path';
import { createInterface } from 'node:readline';
import { delay, killTree, spawnTracked, withFileLimit } from '../lib/child-processes.js';
import { treePssKiB, treeRssKiB } from '../lib/process-tree.js';
import { summarize } from '../lib/summary.js';
import { BENCH_DIR, REPO_DIR } from '../plan.js';
import { failAll, type Metric, type Scenario } from './scenario.js';

const METRICS: Metric[] = [
  { id: 'idle-rss', label: 'idle FTPES sessions: server RSS per session', unit: 'KiB', better: 'lower', digits: 0 },
  { id: 'idle-pss', label: 'idle FTPES sessions: server PSS per session', unit: 'KiB', better: 'lower', digits: 0 },
  { id: 'idle-pss-settled', label: 'idle FTPES sessions: server PSS per session, 20 s later', unit: 'KiB', better: 'lower', digits: 0 },
  { id: 'idle-baseline', label: 'server RSS after a fresh start, no session', unit: 'MiB', better: 'lower', digits: 1 },
  { id: 'idle-total', label: 'idle FTPES sessions: server PSS in total', unit: 'MiB', better: 'lower', digits: 1 },
  { id: 'idle-login-rate', label: 'idle FTPES sessions: logins (50 at once)', unit: 'logins/s', better: 'higher', digits: 1 },
];
const LOGIN_CONCURRENCY = 50;
const IDLE_SECONDS = 20;

interface Ready {
  open: number;
  errors: number;
  errorSamples: string[];
  loginMs: number;
}

/** Median of a few samples a little apart: idle memory still settles for a moment after the logins. */
async function settledMemory(pid: number): Promise<{ rss: number; pss: number }> {
  const rss: number[] = [];
  const pss: number[] = [];
  for (let i = 0; i < 5; i++) {
    await delay(400);
    rss.push(treeRssKiB(pid));
    pss.push(treePssKiB(pid));
  }
  return { rss: summarize(rss).median, pss: summarize(pss).median };
}

export const idleSessionsScenario: Scenario = {
  id: 'idle-sessions',
  title: 'idle FTPES sessions',
  variant: 'tls',
  metrics: METRICS,
  async run(ctx) {
    // The baseline waits as long, so garbage left by the server's own start is gone from both figures.
    await delay(IDLE_SECONDS * 1000);
    const before = await settledMemory(ctx.server.pid);
    const args = { port: ctx.server.port, user: ctx.user.name, password: ctx.user.password, sessions: ctx.plan.idleSessions, concurrency: LOGIN_CONCURRENCY };
    const [cmd, argv] = withFileLimit(process.execPath, ['--import', 'tsx', path.join(BENCH_DIR, 'clients/idle-sessions-driver.ts'), JSON.stringify(args)]);
    const driver = spawnTracked(cmd, argv, { cwd: REPO_DIR, interactive: true });
    let stderr = '';
    driver.child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
    try {
      const lines = createInterface({ input: driver.child.stdout! });
      const ready = await new Promise<Ready>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('idle sessions: logins did not finish within 10 minutes')), 10 * 60_000);
        lines.on('line', (line) => {
          if (!line.startsWith('READY ')) return;
          clearTimeout(timer);
          resolve(JSON.parse(line.slice(6)) as Ready);
        });
        void driver.exited.then((code) => reject(new Error(`idle driver exited (${code}): ${stderr.trim().slice(-300)}`)));
      });
      if (ready.open === 0) return failAll(METRICS, `no session logged in: ${ready.errorSamples.join('; ')}`);
      const readyAt = Date.now();
      const loaded = await settledMemory(ctx.server.pid);
      await delay(Math.max(0, readyAt + IDLE_SECONDS * 1000 - Date.now()));
      const settled = await settledMemory(ctx.server.pid);
      driver.child.stdin!.end('close\n');
      await Promise.race([driver.exited, delay(60_000)]);
      const rssPer = (loaded.rss - before.rss) / ready.open;
      ctx.log(`${ready.open} open, ${ready.errors} failed, ${rssPer.toFixed(0)} KiB RSS/session, ${((settled.pss - before.pss) / ready.open).toFixed(0)} KiB PSS/session ${IDLE_SECONDS} s later${ready.errorSamples.length ? ` (${ready.errorSamples.join('; ')})` : ''}`);
      return {
        values: {
          'idle-rss': rssPer,
          'idle-pss': (loaded.pss - before.pss) / ready.open,
          'idle-pss-settled': (settled.pss - before.pss) / ready.open,
          'idle-baseline': before.rss / 1024,
          'idle-total': loaded.pss / 1024,
          'idle-login-rate': (ready.open + ready.errors) / (ready.loginMs / 1000),
        },
        ...(ready.errors > 0 ? { notes: { 'idle-rss': `${ready.errors} logins failed: ${ready.errorSamples[0]}` } } : {}),
      };
    } finally {
      await killTree(driver, 5000);
      await delay(1000); // sessions end on the server side too before the next measurement
    }
  },
};
