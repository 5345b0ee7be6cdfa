// What the scenarios see of a server under test (Ferry, vsftpd, ProFTPD): a prepared install that
// starts as a TLS-only or a plain-FTP instance on 127.0.0.1, measured by PID and stopped by PID.
import { killTree, spawnTracked, withFileLimit, type TrackedProcess } from '../lib/child-processes.js';
import { startCpuMeter } from '../lib/cpu-meter.js';
import { portTaken, waitForGreeting } from '../lib/wait-for-port.js';

export type ServerName = 'ferry' | 'vsftpd' | 'proftpd';
/** tls: explicit FTPS required for login and data (PROT P); plain: TLS off. */
export type Variant = 'tls' | 'plain';

export interface PeerContext {
  certFile: string;
  keyFile: string;
  dataDir: string;
  workDir: string;
  logDir: string;
  user: { name: string; password: string };
  /** Write a V8 CPU profile of Ferry into this folder (ignored by the C servers). */
  cpuProfileDir?: string;
}

export interface RunningServer {
  name: ServerName;
  variant: Variant;
  port: number;
  /** The listener process: the root of the tree that is measured. */
  pid: number;
  /** CPU seconds of the server and all its (also exited) processes since it started. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

export type Preparation = { ok: true; version: string } | { ok: false; reason: string };

export interface BenchServer {
  name: ServerName;
  label: string;
  /** Check the install and write what does not change between runs; never throws. */
  prepare(ctx: PeerContext): Promise<Preparation>;
  start(variant: Variant): Promise<RunningServer>;
}

/** Start a server process, wait for its 220 greeting, and hand back a handle that kills its tree. */
export async function launch(
  name: ServerName,
  variant: Variant,
  port: number,
  command: string,
  args: readonly string[],
  options: { logFile: string; cwd?: string; env?: NodeJS.ProcessEnv; startTimeoutMs?: number },
): Promise<RunningServer> {
  // Its greeting would pass for this server's, whose own start then fails unseen (it cannot listen).
  if (await portTaken(port)) throw new Error(`port ${port} is taken already (a server left running from before?): stop that process and run the bench again`);
  const [cmd, argv] = withFileLimit(command, args);
  const proc: TrackedProcess = spawnTracked(cmd, argv, { logFile: options.logFile, cwd: options.cwd, env: options.env });
  // Before the first connection: every session process forked later lands in the same cgroup.
  const cpu = startCpuMeter(`${name}-${variant}`, proc.pid);
  let alive = true;
  void proc.exited.then(() => (alive = false));
  const ready = await waitForGreeting(port, options.startTimeoutMs ?? 30_000, () => alive);
  if (!ready) {
    await killTree(proc);
    cpu.close();
    throw new Error(`${name} (${variant}) did not start on port ${port}; see ${options.logFile}`);
  }
  return {
    name,
    variant,
    port,
    pid: proc.pid,
    cpuSeconds: () => cpu.seconds(),
    async stop() {
      await killTree(proc, 10_000);
      cpu.close();
    },
  };
}
