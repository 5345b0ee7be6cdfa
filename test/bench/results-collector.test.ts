// The bench's cells: the median and spread of each server's runs, and for runs in which the servers
// took turns, Ferry's ratio to each peer run by run.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResultsCollector } from '../../bench/results-collector.js';
import type { Metric } from '../../bench/scenarios/scenario.js';

const metric: Metric = { id: 'fps', label: 'files', unit: 'files/s', better: 'higher', digits: 0 };
const servers = [
  { name: 'ferry', label: 'Ferry' },
  { name: 'vsftpd', label: 'vsftpd' },
  { name: 'proftpd', label: 'ProFTPD' },
] as const;

test('runs in which the servers took turns give Ferry a run-by-run ratio to each peer', () => {
  const collector = new ResultsCollector();
  const run = (ferry: number, vsftpd: number, proftpd: number) =>
    collector.addTogether(['ferry', 'vsftpd', 'proftpd'], [metric], [{ values: { fps: ferry } }, { values: { fps: vsftpd } }, { values: { fps: proftpd } }]);
  run(374, 251, 333);
  run(275, 185, 242);
  run(313, 205, 329);
  const row = collector.cells([metric], servers).fps!;
  assert.ok(row.ferry?.ok && row.proftpd?.ok);
  assert.equal(row.ferry.summary.median, 313);
  assert.equal(row.proftpd.summary.median, 329);
  assert.equal(row.ferry.note, 'run by run, the servers taking turns: Ferry/vsftpd 1.49×, 1.49×, 1.53×; Ferry/ProFTPD 1.12×, 1.14×, 0.95×');
  assert.equal(row.proftpd.note, undefined);
});

test('a peer that failed a run has no ratio for it, and separate runs have none at all', () => {
  const collector = new ResultsCollector();
  const fps = (v: number) => ({ values: { fps: v } });
  collector.addTogether(['proftpd', 'ferry'], [metric], [fps(300), fps(330)]);
  collector.addTogether(['ferry', 'proftpd'], [metric], [fps(320), { values: {}, failures: { fps: 'timeout' } }]);
  collector.addTogether(['ferry', 'proftpd'], [metric], [fps(280), fps(350)]);
  const row = collector.cells([metric], servers).fps!;
  assert.ok(row.ferry?.ok && row.proftpd?.ok);
  assert.equal(row.ferry.note, 'run by run, the servers taking turns: Ferry/ProFTPD 1.10×, 0.80×');
  assert.equal(row.proftpd.note, '1 of 3 runs failed: timeout');

  const separate = new ResultsCollector();
  for (const v of [300, 310]) {
    separate.add('ferry', [metric], fps(v));
    separate.add('proftpd', [metric], fps(v));
  }
  const cell = separate.cells([metric], servers).fps!.ferry;
  assert.ok(cell?.ok);
  assert.equal(cell.note, undefined);
});
