// The contract between the orchestrator, the measurements and the report: a scenario makes ONE run
// against one freshly started server and returns a value per metric (or why there is none); the
// orchestrator repeats the runs, interleaving the servers, and summarizes them into cells. A scenario
// made of many short sessions may instead make one run against every server at once (runTogether),
// taking the servers in turn session by session.
import type { Fixtures } from '../lib/fixtures.js';
import type { Summary } from '../lib/summary.js';
import type { RunningServer, Variant } from '../peers/bench-server.js';
import type { BenchPlan } from '../plan.js';

export interface Metric {
  id: string;
  /** Row label in the table. */
  label: string;
  unit: string;
  better: 'higher' | 'lower';
  /** Decimal places in the table. */
  digits: number;
}

export type Cell = { ok: true; summary: Summary; note?: string } | { ok: false; reason: string };

export interface RunOutcome {
  values: Record<string, number>;
  /** Metrics this run could not measure, with the reason. */
  failures?: Record<string, string>;
  /** Remarks shown as a footnote of the metric's cell; each distinct remark once over the runs. */
  notes?: Record<string, string | string[]>;
}

export interface ScenarioContext {
  server: RunningServer;
  plan: BenchPlan;
  fixtures: Fixtures;
  dataDir: string;
  user: { name: string; password: string };
  log(line: string): void;
}

export interface Scenario {
  id: string;
  title: string;
  /** Which server instance it needs: TLS-only or plain FTP. */
  variant: Variant;
  metrics: readonly Metric[];
  run(ctx: ScenarioContext): Promise<RunOutcome>;
  /**
   * One run against several freshly started servers, all running, in this order: an outcome for each.
   * Where a scenario has it, the orchestrator uses it instead of `run`.
   */
  runTogether?(contexts: readonly ScenarioContext[]): Promise<RunOutcome[]>;
}

/** Every metric of the scenario failed for the same reason. */
export function failAll(metrics: readonly Metric[], reason: string): RunOutcome {
  return { values: {}, failures: Object.fromEntries(metrics.map((m) => [m.id, reason])) };
}
