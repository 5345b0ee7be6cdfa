// Measurement 4: LIST and MLSD of one folder with many entries over FTPES (PROT P), timed with curl
// (`-X MLSD` swaps the listing command) from the listing command to the final reply (time_total -
// time_pretransfer), while the server's tree RSS is sampled every 20 ms.
import { delay } from '../lib/child-processes.js';
import { curlBase, curlFailure, ftpUrl, runCurl, type CurlTarget } from '../lib/curl.js';
import { treeRssKiB } from '../lib/process-tree.js';
import { sampleTreeRss } from '../lib/rss-sampler.js';
import type { Metric, RunOutcome, Scenario, ScenarioContext } from './scenario.js';

type Verb = 'LIST' | 'MLSD';

/**
 * The listings of one run, in order, on one fresh server: LIST twice, then MLSD. The first LIST
 * gets its own row and gives the memory rows (the most a listing grows a fresh server); the second
 * is the headline time, a server's steady state (for Ferry the first listing of a fresh process
 * also pays V8 compiling the listing code).
 */
interface Listing {
  verb: Verb;
  time: Metric;
  memory?: { peak: Metric; growth: Metric };
}

const LISTINGS: Listing[] = [
  {
    verb: 'LIST',
    time: { id: 'list-first-seconds', label: 'LIST of a big folder, the first listing of a fresh server', unit: 's', better: 'lower', digits: 3 },
    memory: memoryMetrics('LIST', 'list', ' (first listing)'),
  },
  { verb: 'LIST', time: { id: 'list-seconds', label: 'LIST of a big folder (FTPES)', unit: 's', better: 'lower', digits: 3 } },
  {
    verb: 'MLSD',
    time: { id: 'mlsd-seconds', label: 'MLSD of a big folder (FTPES)', unit: 's', better: 'lower', digits: 3 },
    memory: memoryMetrics('MLSD', 'mlsd', ''),
  },
];

function memoryMetrics(verb: Verb, id: string, which: string): Listing['memory'] {
  return {
    peak: { id: `${id}-peak`, label: `${verb}: server peak RSS${which}`, unit: 'MiB', better: 'lower', digits: 1 },
    growth: { id: `${id}-growth`, label: `${verb}: server RSS growth during the listing${which}`, unit: 'MiB', better: 'lower', digits: 1 },
  };
}

const metricsOf = (l: Listing): Metric[] => (l.memory ? [l.time, l.memory.peak, l.memory.growth] : [l.time]);
const byId = (id: string) => LISTINGS.flatMap(metricsOf).find((m) => m.id === id)!;
/** Table order: the headline LIST time first. */
const METRICS: Metric[] = ['list-seconds', 'list-first-seconds', 'list-peak', 'list-growth', 'mlsd-seconds', 'mlsd-peak', 'mlsd-growth'].map(byId);

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
  metrics: METRICS,
  async run(ctx) {
    const target: CurlTarget = { port: ctx.server.port, tls: true, user: ctx.user };
    const outcome: Required<RunOutcome> = { values: {}, failures: {}, notes: {} };
    const failed = new Map<Verb, string>();
    for (const listing of LISTINGS) {
      const { verb, time, memory } = listing;
      const earlier = failed.get(verb);
      if (earlier !== undefined) {
        // A verb that failed once is not tried again; its later rows say why.
        for (const m of metricsOf(listing)) outcome.failures[m.id] = earlier;
        continue;
      }
      try {
        const r = await listOnce(ctx, target, verb);
        outcome.values[time.id] = r.seconds;
        outcome.notes[time.id] = `${Math.round(r.bytes / 1024)} KiB listed`;
        if (memory) {
          outcome.values[memory.peak.id] = r.peakMiB;
          outcome.values[memory.growth.id] = r.growthMiB;
        }
        ctx.log(`${time.id}: ${r.seconds.toFixed(3)} s, peak ${r.peakMiB.toFixed(1)} MiB`);
      } catch (err) {
        const message = (err as Error).message;
        const reason = verb === 'MLSD' && /\b500\b|not understood|unknown command/i.test(message) ? 'MLSD not supported' : message;
        failed.set(verb, reason);
        for (const m of metricsOf(listing)) outcome.failures[m.id] = reason;
      }
    }
    return outcome;
  },
};
