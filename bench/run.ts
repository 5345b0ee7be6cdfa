// `npm run bench [-- --quick] [--only ferry,vsftpd] [--skip-setup] [--profile]`: installs the peers,
// makes the certificate and the files, measures the machine, then runs every scenario against Ferry,
// vsftpd and ProFTPD, one server at a time (the big files and the small files: all three at once,
// taking turns transfer by transfer or session by session), and writes the Markdown report. Every
// child is killed by PID.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureCertificate } from './lib/certificate.js';
import { killAllTracked, runCommand } from './lib/child-processes.js';
import { ensureFixtures } from './lib/fixtures.js';
import { describeMachine } from './lib/machine-info.js';
import type { BenchServer, PeerContext } from './peers/bench-server.js';
import { FerryPeer } from './peers/ferry.js';
import { ProftpdPeer } from './peers/proftpd.js';
import { VsftpdPeer } from './peers/vsftpd.js';
import { BENCH_DIR, BENCH_USER, DATA_DIR, makePlan, WORK_DIR } from './plan.js';
import type { BenchResult, ServerStatus } from './report.js';
import { bigListingScenario } from './scenarios/big-listing.js';
import { bulkTransferScenario } from './scenarios/bulk-transfer.js';
import { idleSessionsScenario } from './scenarios/idle-sessions.js';
import { measureMachineLimits } from './scenarios/machine-limits.js';
import { failAll, type RunOutcome, type Scenario, type ScenarioContext } from './scenarios/scenario.js';
import { sessionStormScenario } from './scenarios/session-storm.js';
import { smallFilesScenario } from './scenarios/small-files.js';
import { probeTls } from './scenarios/tls-probe.js';
import { ResultsCollector } from './results-collector.js';
import { writeResults } from './write-results.js';

const SCENARIOS: Scenario[] = [
  bulkTransferScenario('tls'),
  bulkTransferScenario('plain'),
  smallFilesScenario,
  bigListingScenario,
  sessionStormScenario,
  idleSessionsScenario,
];

const SECTIONS = [
  { title: '1–2. Big file, one session (curl)', ids: ['bulk-tls', 'bulk-plain'] },
  { title: '3. Small files, one FTPES session (basic-ftp driver)', ids: ['small-files'] },
  { title: '4. Listing a big folder (curl LIST / -X MLSD, FTPES)', ids: ['big-listing'] },
  { title: '5. Short FTPES sessions (basic-ftp driver)', ids: ['session-storm'] },
  { title: '6. Idle logged-in FTPES sessions (raw TLS driver)', ids: ['idle-sessions'] },
];

function log(line: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

function installCleanup(): void {
  process.on('exit', killAllTracked);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      log(`${signal}: stopping every server and client`);
      killAllTracked();
      process.exit(130);
    });
  }
  process.on('uncaughtException', (err) => {
    log(`fatal: ${err.stack ?? err.message}`);
    killAllTracked();
    process.exit(1);
  });
}

async function setupPeers(skip: boolean): Promise<{ uid: number; gid: number; note?: string }> {
  if (!skip) {
    log('installing or checking vsftpd, ProFTPD, curl and the ferrybench user (bench/setup-peers.sh)');
    const setup = await runCommand('bash', [path.join(BENCH_DIR, 'setup-peers.sh'), DATA_DIR], {
      timeoutMs: 20 * 60_000,
      env: { ...process.env, FERRYBENCH_PASSWORD: BENCH_USER.password },
    });
    for (const line of setup.stderr.trim().split('\n').filter(Boolean)) log(line);
    if (setup.code !== 0) log(`setup-peers.sh exited with ${setup.code}; the peers it could not install are reported as unavailable`);
  }
  const uid = await runCommand('id', ['-u', BENCH_USER.name], { timeoutMs: 5000 });
  const gid = await runCommand('id', ['-g', BENCH_USER.name], { timeoutMs: 5000 });
  if (uid.code !== 0) return { uid: 0, gid: 0, note: `system user ${BENCH_USER.name} missing: the peers cannot log in` };
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

type BaseContext = Omit<ScenarioContext, 'server' | 'log'>;

/** Start a fresh instance for one run (no figure inherits an earlier heap), probing its TLS once. */
async function startFresh(server: BenchServer, scenario: Scenario, base: BaseContext, status: ServerStatus): Promise<ScenarioContext> {
  const running = await server.start(scenario.variant);
  try {
    if (scenario.variant === 'tls' && status.tls === undefined) status.tls = await probeTls(running.port, base.user, base.fixtures.smallProbe);
  } catch (err) {
    await running.stop();
    throw err;
  }
  return { ...base, server: running, log: (line) => log(`  ${server.label}, ${scenario.title}: ${line}`) };
}

function failed(server: BenchServer, scenario: Scenario, err: unknown): RunOutcome {
  const reason = (err as Error).message;
  log(`${server.label}: ${reason}`);
  return failAll(scenario.metrics, reason);
}

/** One run of one scenario on a freshly started instance. */
async function runScenario(server: BenchServer, scenario: Scenario, base: BaseContext, status: ServerStatus): Promise<RunOutcome> {
  let ctx: ScenarioContext | undefined;
  try {
    ctx = await startFresh(server, scenario, base, status);
    return await scenario.run(ctx);
  } catch (err) {
    return failed(server, scenario, err);
  } finally {
    await ctx?.server.stop();
  }
}

/** One run of a runTogether scenario: every server started afresh and running at once, in this order. */
async function runScenarioTogether(servers: readonly BenchServer[], scenario: Scenario & Required<Pick<Scenario, 'runTogether'>>, base: BaseContext, statuses: readonly ServerStatus[]): Promise<RunOutcome[]> {
  const outcomes: (RunOutcome | undefined)[] = [];
  const started: { index: number; ctx: ScenarioContext }[] = [];
  try {
    for (const [index, server] of servers.entries()) {
      try {
        started.push({ index, ctx: await startFresh(server, scenario, base, statuses.find((s) => s.name === server.name)!) });
      } catch (err) {
        outcomes[index] = failed(server, scenario, err);
      }
    }
    const results = await scenario.runTogether(started.map((s) => s.ctx));
    for (const [k, { index }] of started.entries()) outcomes[index] = results[k];
  } catch (err) {
    for (const { index } of started) outcomes[index] ??= failed(servers[index]!, scenario, err);
  } finally {
    for (const { ctx } of started) await ctx.server.stop();
  }
  return servers.map((server, index) => outcomes[index] ?? failed(server, scenario, new Error('no outcome')));
}

async function main(): Promise<void> {
  installCleanup();
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      scenarios: { type: 'string' },
      'skip-setup': { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
    },
  });
  const started = Date.now();
  const plan = makePlan(values.quick ?? false);
  const onlyServers = values.only ? new Set(values.only.split(',')) : undefined;
  const onlyScenarios = values.scenarios ? new Set(values.scenarios.split(',')) : undefined;
  const logDir = path.join(WORK_DIR, 'logs');
  await mkdir(logDir, { recursive: true });

  const account = await setupPeers(values['skip-setup'] ?? false);
  const notes: string[] = account.note ? [account.note] : [];
  log('making the certificate and the test files');
  const cert = await ensureCertificate(path.join(WORK_DIR, 'tls'));
  const fixtures = await ensureFixtures(DATA_DIR, plan, account.uid, account.gid);
  const machine = await describeMachine();
  log('measuring the machine: openssl speed, loopback TCP and TLS');
  const limits = await measureMachineLimits(cert, plan.runs, Math.min(plan.bigFileBytes, 2 ** 30));

  const profileDir = values.profile ? path.join(WORK_DIR, 'profiles') : undefined;
  if (profileDir) await mkdir(profileDir, { recursive: true });
  const ctx: PeerContext = { ...cert, dataDir: DATA_DIR, workDir: WORK_DIR, logDir, user: BENCH_USER, cpuProfileDir: profileDir };
  const servers: BenchServer[] = [new FerryPeer(), new VsftpdPeer(), new ProftpdPeer()];
  const statuses: ServerStatus[] = [];
  const collector = new ResultsCollector();
  const scenarios = SCENARIOS.filter((s) => !onlyScenarios || onlyScenarios.has(s.id));
  const active: BenchServer[] = [];
  for (const server of servers) {
    const status: ServerStatus = { name: server.name, label: server.label, preparation: await server.prepare(ctx) };
    statuses.push(status);
    if (onlyServers && !onlyServers.has(server.name)) {
      for (const s of scenarios) collector.fail(server.name, s.metrics, 'not selected');
    } else if (!status.preparation.ok) {
      log(`${server.label}: ${status.preparation.reason}`);
      for (const s of scenarios) collector.fail(server.name, s.metrics, status.preparation.reason);
    } else {
      active.push(server);
    }
  }
  // Runs interleave the servers (run 1 of each, then run 2 of each...), so a slow spell of a shared
  // host lands on all three rather than on whichever server was being measured at the time, and
  // each run starts with another server, so none is always the one measured right after the
  // previous scenario's last server.
  const base = { plan, fixtures, dataDir: DATA_DIR, user: BENCH_USER };
  for (let run = 1; run <= plan.runs; run++) {
    const order = active.map((_, i) => active[(i + run - 1) % active.length]!);
    for (const scenario of scenarios) {
      if (scenario.runTogether) {
        log(`run ${run}/${plan.runs}: ${order.map((s) => s.label).join(', ')} at once, taking turns, ${scenario.title}`);
        const outcomes = await runScenarioTogether(order, { ...scenario, runTogether: scenario.runTogether }, base, statuses);
        collector.addTogether(order.map((s) => s.name), scenario.metrics, outcomes);
        continue;
      }
      for (const server of order) {
        log(`run ${run}/${plan.runs}: ${server.label}, ${scenario.title}`);
        const status = statuses.find((s) => s.name === server.name)!;
        collector.add(server.name, scenario.metrics, await runScenario(server, scenario, base, status));
      }
    }
  }
  const allMetrics = scenarios.flatMap((s) => s.metrics);
  const cells = collector.cells(allMetrics, servers);

  notes.push(
    'Servers run one at a time on the same 2 cores as the clients, except for the big files and the small files: there the three fresh servers run at once and take turns, transfer by transfer (the first place moving on each round) or session by session, so that a slow spell of the shared host lands on all three; curl and the Node drivers compete with the server for CPU (see the client CPU rows).',
    'Ferry runs as `bin/ferry serve`, its production launcher: the compiled build (`npm run build`) with `MALLOC_MMAP_THRESHOLD_` fixed at 4 MiB (see bin/ferry), its web admin page off, with info-level JSON logs to a file; vsftpd and ProFTPD write their transfer logs. vsftpd and ProFTPD fork per session, so their memory is the sum over the process tree (RSS counts shared pages once per process; PSS splits them).',
    'Plain FTP: all three send downloads with sendfile(2) (Ferry through its native helper, storage.sendfile: the first burst from its event loop, the rest of a file that fills the socket on a thread of its own, storage.downloadThreads) and receive uploads with read and write (Ferry on a thread of its own per upload, storage.uploadThreads, as vsftpd and ProFTPD in their per-session processes).',
    'TLS ciphers are each server\'s default: Ferry prefers AES-128-GCM, ProFTPD negotiates TLS_AES_256_GCM_SHA384 with curl (its TLS log), vsftpd keeps OpenSSL\'s default TLS 1.3 suites; the machine-limits line gives both speeds.',
    'Big-file and listing times run from the transfer command to the final reply (curl time_total - time_pretransfer): curl 7.88 waits for the handshake of a TLS data connection before it sends RETR/STOR/LIST, which vsftpd and ProFTPD answer only after the command (a 0.2–1.5 s stall), and login is not what these rows measure.',
    'Uploads: right before each one the bench writes and deletes a scratch file of the same size. This VM hands memory freed a few seconds earlier back to its host (free page reporting), and the first touch then costs about 1.5 CPU s per GiB in whichever process makes it; without the warm-up, a server\'s upload figure depended on how long ago the previous upload was deleted.',
    'Every run of every scenario starts a fresh server instance (memory figures never inherit an earlier heap), and the runs interleave the three servers, each run starting with the next server in turn. Ferry starts its two listing threads with itself (about 8 MiB each, in its fresh-start RSS): they lstat and format a big listing\'s batches while the main thread encrypts and sends.',
    'Steady state: a server runs for days, so the headline rows are a warm server\'s, the same for all three servers: for small files the median of each fresh server\'s fourth, fifth and sixth identical sessions (Ferry\'s V8 still compiles its per-file code through its first ~3,000 files), the three fresh servers running at once and taking turns session by session, so that a slow spell of the shared host lands on all three, for LIST its second identical listing. The earlier sessions and the first listing are on rows of their own: vsftpd and ProFTPD fork a new process per session and have nothing to warm up. MLSD comes after the two LISTs.',
    'Server CPU is counted with a cgroup per server (cpuacct) where the kernel offers one (else from /proc), so the exited per-session processes of vsftpd and ProFTPD are included.',
  );
  const result: BenchResult = {
    startedAt: new Date(started).toISOString(),
    durationSeconds: (Date.now() - started) / 1000,
    plan,
    machine,
    limits,
    servers: statuses,
    sections: SECTIONS.map((s) => ({ title: s.title, metrics: scenarios.filter((sc) => s.ids.includes(sc.id)).flatMap((sc) => sc.metrics) })).filter((s) => s.metrics.length > 0),
    cells,
    notes,
  };
  const complete = !plan.quick && !onlyServers && !onlyScenarios;
  const { files, markdown } = await writeResults(result, { updateBenchmarks: complete });
  process.stdout.write(markdown + '\n');
  log(`written: ${files.map((f) => path.relative(process.cwd(), f)).join(', ')}`);
}

main().then(
  () => {
    killAllTracked();
    process.exit(0);
  },
  (err: Error) => {
    log(`failed: ${err.stack ?? err.message}`);
    killAllTracked();
    process.exit(1);
  },
);
