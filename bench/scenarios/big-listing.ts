// Measurement 4: LIST and MLSD of one folder with many entries over FTPES (PROT P), timed with curl
// (`-X MLSD` swaps the listing command) from the listing command to the final reply (time_total -
// time_pretransfer), while the server's tree RSS is sampled every 20 ms.
import { delay } from '../lib/child-processes.js';
import { curlBase, curlFailure, ftpUrl, runCurl, type CurlTarget } from '../lib/curl.js';
import { treeRssKiB } from '../lib/process-tree.js';
import { sampleTreeRss } from '../lib/rss-sampler.js';
import type { Metric, RunOutcome, Scenario, ScenarioContext } from './scenario.js';

type Verb = 'LIST' | 'MLSD';
const VERBS: Verb[] = ['LIST', 'MLSD'];

function metricsFor(verb: Verb): Metric[] {
  const id = verb.toLowerCase();
  return [
    { id: `${id}-seconds`, label: `${verb} of a big folder (FTPES)`, unit: 's', better: 'lower', digits: 3 },
    { id: `${id}-peak`, label: `${verb}: server peak RSS`, unit: 'MiB', better: 'lower', digits: 1 },
    { id: `${id}-growth`, label: `${verb}: server RSS growth during the listing`, unit: 'MiB', better: 'lower', digits: 1 },
  ];
}

async function listOnce(ctx: ScenarioContext, target: CurlTarget, verb: Verb): Promise<{ seconds: number; peakMiB: number; growthMiB: number; bytes: number }> {
  const url = ftpUrl(target, `${ctx.fixtures.listingDir}/`);
  const before = treeRssKiB(ctx.server.pid);
  const sampler = sampleTreeRss(ctx.server.pid, 20);
  const run = await runCurl(
    [...curlBase(target, 300), ...(verb === 'MLSD' ? ['--request', 'MLSD'] : []), '--output', '/dev/null', '--write-out', '%{size_download} %{time_pretransfer} %{time_total}', url],
    310_000,
  );
  await delay(100);
  const peak = sampler.stop();
  if (run.code !== 0) throw curlFailure(run, verb);
  const bytes = Number(run.written[0]);
  // Every entry is one line of at least 20 bytes; a short answer means the listing was cut.
  if (!(bytes >= ctx.plan.listingEntries * 20)) throw new Error(`${verb}: only ${bytes} bytes for ${ctx.plan.listingEntries} entries`);
  return { seconds: Number(run.written[2]) - Number(run.written[1]), peakMiB: peak / 1024, growthMiB: (peak - before) / 1024, bytes };
}

export const bigListingScenario: Scenario = {
  id: 'big-listing',
  title: 'listing a big folder',
  variant: 'tls',
  metrics: VERBS.flatMap(metricsFor),
  async run(ctx) {
    const target: CurlTarget = { port: ctx.server.port, tls: true, user: ctx.user };
    const outcome: Required<RunOutcome> = { values: {}, failures: {}, notes: {} };
    for (const verb of VERBS) {
      const id = verb.toLowerCase();
      try {
        const r = await listOnce(ctx, target, verb);
        outcome.values[`${id}-seconds`] = r.seconds;
        outcome.values[`${id}-peak`] = r.peakMiB;
        outcome.values[`${id}-growth`] = r.growthMiB;
        outcome.notes[`${id}-seconds`] = `${Math.round(r.bytes / 1024)} KiB listed`;
        ctx.log(`${verb}: ${r.seconds.toFixed(3)} s, peak ${r.peakMiB.toFixed(1)} MiB`);
      } catch (err) {
        const message = (err as Error).message;
        const reason = verb === 'MLSD' && /\b500\b|not understood|unknown command/i.test(message) ? 'MLSD not supported' : message;
        for (const m of metricsFor(verb)) outcome.failures[m.id] = reason;
      }
    }
    return outcome;
  },
};
