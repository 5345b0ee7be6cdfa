// Measurements 1 and 2: one big file downloaded and uploaded with curl (plan.bigFileTransfers times
// each per run, their median the run's figure), over FTPES (PROT P, the data connection resuming the control
// session) or plain FTP. MB/s = 10^6 bytes per second from
// the start of the data transfer to the server's final reply (curl's time_total - time_pretransfer:
// curl 7.88 waits for a TLS data connection's handshake before RETR/STOR, and servers that answer
// it only after the command make it stall 0.2–1.5 s, which is not what these rows measure),
// the server's CPU seconds per GiB moved, and its peak RSS while transferring. The servers run at
// once and take turns transfer by transfer (runTogether).
import { open, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { delay } from '../lib/child-processes.js';
import { curlBase, curlFailure, ftpUrl, runCurl, type CurlTarget } from '../lib/curl.js';
import { sampleTreeRss } from '../lib/rss-sampler.js';
import { summarize } from '../lib/summary.js';
import type { Variant } from '../peers/bench-server.js';
import type { Metric, RunOutcome, Scenario, ScenarioContext } from './scenario.js';

/** One transfer's speed and the server's CPU for it. */
interface Measured {
  mbps: number;
  cpuPerGiB: number;
}

/** Bytes moved and the seconds the data transfer itself took. */
interface Moved {
  bytes: number;
  seconds: number;
}

/** Seconds of the data transfer, from curl's --write-out "... %{time_pretransfer} %{time_total}". */
function transferSeconds(written: string[]): number {
  const seconds = Number(written[2]) - Number(written[1]);
  if (!(seconds > 0)) throw new Error(`curl reported no transfer time (${written.join(' ')})`);
  return seconds;
}

function limits(bytes: number): { maxSeconds: number; timeoutMs: number } {
  const maxSeconds = Math.max(60, Math.ceil(bytes / 5e6));
  return { maxSeconds, timeoutMs: (maxSeconds + 10) * 1000 };
}

async function download(ctx: ScenarioContext, target: CurlTarget): Promise<Moved> {
  const expected = ctx.plan.bigFileBytes;
  const { maxSeconds, timeoutMs } = limits(expected);
  const run = await runCurl([...curlBase(target, maxSeconds), '--output', '/dev/null', '--write-out', '%{size_download} %{time_pretransfer} %{time_total}', ftpUrl(target, ctx.fixtures.bigFile)], timeoutMs);
  if (run.code !== 0) throw curlFailure(run, 'download');
  if (Number(run.written[0]) !== expected) throw new Error(`download: got ${run.written[0]} bytes, expected ${expected}`);
  return { bytes: expected, seconds: transferSeconds(run.written) };
}

async function upload(ctx: ScenarioContext, target: CurlTarget): Promise<Moved> {
  const expected = ctx.plan.bigFileBytes;
  const { maxSeconds, timeoutMs } = limits(expected);
  const stored = path.join(ctx.dataDir, ctx.fixtures.uploadName);
  await rm(stored, { force: true });
  await warmPageCache(path.join(ctx.dataDir, '.bench-warm.bin'), expected);
  try {
    const run = await runCurl([...curlBase(target, maxSeconds), '--upload-file', ctx.fixtures.bigUploadSource, '--write-out', '%{size_upload} %{time_pretransfer} %{time_total}', ftpUrl(target, ctx.fixtures.uploadName)], timeoutMs);
    if (run.code !== 0) throw curlFailure(run, 'upload');
    // curl returns after the server's 226, so the file must be complete on disk by now.
    const size = await stat(stored).then((s) => s.size, () => -1);
    if (size !== expected) throw new Error(`upload: the server stored ${size} bytes, expected ${expected}`);
    return { bytes: expected, seconds: transferSeconds(run.written) };
  } finally {
    await rm(stored, { force: true });
  }
}

/**
 * Write and delete a scratch file as big as the upload, right before it. This VM hands memory that
 * was freed more than a second or two earlier back to its host (free page reporting), and touching
 * it again then costs about 1.5 CPU s per GiB, in whichever process touches it first: a server
 * writing the upload into the page cache would pay for the VM, not for its own work, and more or
 * less depending on how long ago the last upload was deleted. Freed just now, the pages are still
 * mapped, for every server alike.
 */
async function warmPageCache(scratch: string, bytes: number): Promise<void> {
  const handle = await open(scratch, 'w');
  try {
    const block = Buffer.alloc(4 * 1024 * 1024);
    for (let written = 0; written < bytes; written += block.length) await handle.write(block, 0, Math.min(block.length, bytes - written));
  } finally {
    await handle.close();
    await rm(scratch, { force: true });
  }
}

function metrics(variant: Variant): Metric[] {
  const name = variant === 'tls' ? 'FTPES (PROT P)' : 'plain FTP';
  return [
    { id: `download-${variant}`, label: `${name} download, big file`, unit: 'MB/s', better: 'higher', digits: 0 },
    { id: `upload-${variant}`, label: `${name} upload, big file`, unit: 'MB/s', better: 'higher', digits: 0 },
    { id: `download-${variant}-cpu`, label: `${name} download: server CPU`, unit: 'CPU s/GiB', better: 'lower', digits: 2 },
    { id: `upload-${variant}-cpu`, label: `${name} upload: server CPU`, unit: 'CPU s/GiB', better: 'lower', digits: 2 },
    { id: `bulk-${variant}-peak`, label: `${name} big file: server peak RSS`, unit: 'MiB', better: 'lower', digits: 1 },
  ];
}

interface ServerRun {
  ctx: ScenarioContext;
  target: CurlTarget;
  measured: Record<'download' | 'upload', Measured[]>;
  failures: Record<string, string>;
  peakKiB: number;
}

/** One transfer on one server, with its CPU and its peak RSS; a failure ends that direction there. */
async function measureOne(run: ServerRun, direction: 'download' | 'upload', variant: Variant): Promise<void> {
  const { ctx } = run;
  if (run.failures[`${direction}-${variant}`]) return;
  const sampler = sampleTreeRss(ctx.server.pid, 20);
  const cpuBefore = ctx.server.cpuSeconds();
  try {
    const moved = await (direction === 'download' ? download : upload)(ctx, run.target);
    await delay(300); // the session process finishes; its last CPU time lands in the count
    const m = { mbps: moved.bytes / 1e6 / moved.seconds, cpuPerGiB: (ctx.server.cpuSeconds() - cpuBefore) / (moved.bytes / 2 ** 30) };
    run.measured[direction].push(m);
    ctx.log(`${direction}: ${m.mbps.toFixed(0)} MB/s, ${m.cpuPerGiB.toFixed(2)} CPU s/GiB`);
  } catch (err) {
    run.failures[`${direction}-${variant}`] = run.failures[`${direction}-${variant}-cpu`] = (err as Error).message;
  } finally {
    run.peakKiB = Math.max(run.peakKiB, sampler.stop());
  }
}

function outcomeOf(run: ServerRun, variant: Variant): RunOutcome {
  const values: Record<string, number> = {};
  for (const direction of ['download', 'upload'] as const) {
    if (run.failures[`${direction}-${variant}`]) continue;
    values[`${direction}-${variant}`] = summarize(run.measured[direction].map((m) => m.mbps)).median;
    values[`${direction}-${variant}-cpu`] = summarize(run.measured[direction].map((m) => m.cpuPerGiB)).median;
  }
  if (run.peakKiB > 0) values[`bulk-${variant}-peak`] = run.peakKiB / 1024;
  return { values, failures: run.failures };
}

export function bulkTransferScenario(variant: Variant): Scenario {
  /**
   * Several transfers per fresh server, downloads and uploads alternating (plain FTP moves 1 GiB in
   * about half a second here, and a single transfer was mostly the host's spell of the moment), the
   * servers taking turns transfer by transfer, the first place moving on each round: a slow spell
   * of the shared host, seconds to minutes long, then lands on every server instead of on the one
   * whose transfers it fell into.
   */
  async function runTogether(contexts: readonly ScenarioContext[]): Promise<RunOutcome[]> {
    const runs: ServerRun[] = contexts.map((ctx) => ({
      ctx,
      target: { port: ctx.server.port, tls: variant === 'tls', user: ctx.user },
      measured: { download: [], upload: [] },
      failures: {},
      peakKiB: 0,
    }));
    for (let i = 0; i < contexts[0]!.plan.bigFileTransfers; i++) {
      const order = runs.map((_, k) => runs[(k + i) % runs.length]!);
      for (const direction of ['download', 'upload'] as const) {
        for (const run of order) await measureOne(run, direction, variant);
      }
    }
    return runs.map((run) => outcomeOf(run, variant));
  }
  return {
    id: `bulk-${variant}`,
    title: `big file over ${variant === 'tls' ? 'FTPES' : 'plain FTP'}`,
    variant,
    metrics: metrics(variant),
    run: async (ctx) => (await runTogether([ctx]))[0]!,
    runTogether,
  };
}
