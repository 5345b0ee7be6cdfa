// Unit tests for the FileZilla log parser: line types and engine ids, which lines count as problems,
// and the failure summary (no Trace noise, TLS trouble kept). Needs no FileZilla.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileZillaProblems, parseFileZillaLog, summarizeFileZillaLog } from './filezilla-log.js';

const LOG = [
  '2026-11-25 13:04:35 25881 1 Status: Connecting to 127.0.0.1:2121...',
  '2026-11-25 13:04:35 25881 1 Trace: tls_layer_impl::on_read()',
  '2026-11-25 13:04:35 25881 1 Trace: gnutls_record_recv returned spurious EAGAIN',
  '2026-11-25 13:04:35 25881 1 Trace: TLS Session resumed',
  '2026-11-25 13:04:35 25881 1 Listing: type=file;size=1;perm=adfrw; critical error.txt',
  '2026-11-25 13:04:35 25881 1 Response: 211-Extensions supported:',
  '2026-11-25 13:04:35 25881 1 Response:  MLST type*;size*;',
  '2026-11-25 13:04:36 25881 2 Error: Critical file transfer error',
  '2026-11-25 13:04:36 25881 2 Trace: GnuTLS error -110 in gnutls_record_recv: The TLS connection was non-properly terminated.',
  '2026-11-25 13:04:36 25881 3 Status: Critical error: Could not connect to server',
  'a wrapped continuation line',
  '',
].join('\n');

describe('parseFileZillaLog', () => {
  it('reads type, engine id and text of each line; unmatched lines continue the previous one', () => {
    const lines = parseFileZillaLog(LOG);
    assert.deepEqual(
      lines.map((l) => [l.type, l.engine]),
      [
        ['Status', 1],
        ['Trace', 1],
        ['Trace', 1],
        ['Trace', 1],
        ['Listing', 1],
        ['Response', 1],
        ['Response', 1],
        ['Error', 2],
        ['Trace', 2],
        ['Status', 3],
        ['Continued', 3],
      ],
    );
    assert.equal(lines[0]?.text, 'Connecting to 127.0.0.1:2121...');
    assert.equal(lines[6]?.text, ' MLST type*;size*;', 'the leading space of a multi-line reply body is kept');
  });
});

describe('fileZillaProblems', () => {
  it('flags Error lines, Critical messages and GnuTLS errors, not file names or benign traces', () => {
    const problems = fileZillaProblems(parseFileZillaLog(LOG)).map((l) => l.text);
    assert.deepEqual(problems, [
      'Critical file transfer error',
      'GnuTLS error -110 in gnutls_record_recv: The TLS connection was non-properly terminated.',
      'Critical error: Could not connect to server',
    ]);
  });

  it('finds nothing in a clean log', () => {
    assert.deepEqual(fileZillaProblems(parseFileZillaLog(LOG.split('\n').slice(0, 7).join('\n'))), []);
  });
});

describe('summarizeFileZillaLog', () => {
  it('drops routine traces and reply bodies, keeps TLS traces and messages', () => {
    const summary = summarizeFileZillaLog(parseFileZillaLog(LOG)).split('\n');
    assert.ok(!summary.some((l) => l.includes('tls_layer_impl::on_read')));
    assert.ok(!summary.some((l) => l.includes(' MLST type*')));
    assert.ok(summary.some((l) => l.endsWith('Trace: TLS Session resumed')));
    assert.ok(summary.some((l) => l.includes('GnuTLS error -110')));
    assert.ok(summary.some((l) => l.endsWith('Status: Connecting to 127.0.0.1:2121...')));
  });

  it('keeps only the last max lines', () => {
    const summary = summarizeFileZillaLog(parseFileZillaLog(LOG), 2).split('\n');
    assert.deepEqual(summary, ['2026-11-25 13:04:36 25881 3 Status: Critical error: Could not connect to server', 'a wrapped continuation line']);
  });
});
