// What one bench run measures and where: sizes for the full and the --quick run, folders, ports and
// the shared account. Every server uses 127.0.0.1 only, on its own high ports.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
export const REPO_DIR = path.dirname(BENCH_DIR);
export const WORK_DIR = path.join(BENCH_DIR, 'work');
/** The home folder all three servers serve to the bench user. */
export const DATA_DIR = path.join(WORK_DIR, 'data');
export const HOST = '127.0.0.1';

export const BENCH_USER = { name: 'ferrybench', password: 'Ferry-bench-2121' } as const;

export interface BenchPlan {
  quick: boolean;
  /** Repetitions of every measurement (the median is reported). */
  runs: number;
  bigFileBytes: number;
  /** Downloads and uploads of the big file in each run (alternating); the run's figure is their median. */
  bigFileTransfers: number;
  smallFiles: number;
  smallFileBytes: number;
  listingEntries: number;
  stormSessions: number;
  stormConcurrency: number;
  idleSessions: number;
}

export function makePlan(quick: boolean): BenchPlan {
  return quick
    ? { quick, runs: 1, bigFileBytes: 64 * 2 ** 20, bigFileTransfers: 1, smallFiles: 200, smallFileBytes: 4096, listingEntries: 5000, stormSessions: 100, stormConcurrency: 50, idleSessions: 200 }
    : { quick, runs: 3, bigFileBytes: 2 ** 30, bigFileTransfers: 3, smallFiles: 1000, smallFileBytes: 4096, listingEntries: 50_000, stormSessions: 500, stormConcurrency: 100, idleSessions: 1000 };
}

/** Ports per server: control port, and a passive range of 1,000 ports, all distinct. */
export interface ServerPorts {
  tls: number;
  plain: number;
  passiveMin: number;
  passiveMax: number;
}

export const PORTS: Record<'ferry' | 'vsftpd' | 'proftpd', ServerPorts> = {
  ferry: { tls: 22121, plain: 22122, passiveMin: 40000, passiveMax: 40999 },
  vsftpd: { tls: 23121, plain: 23122, passiveMin: 41000, passiveMax: 41999 },
  proftpd: { tls: 24121, plain: 24122, passiveMin: 42000, passiveMax: 42999 },
};
