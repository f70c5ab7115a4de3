import { describe, expect, it } from 'vitest';
import { fmtMs } from '../../../../src/report/format.ts';
import { renderTerminal } from '../../../../src/report/run/terminal.ts';
import { makeResult } from '../../../fixtures/result.ts';

// eslint-disable-next-line no-control-regex
const ANSI_RE = /\u001b\[[0-9;]*m/g;

describe('terminal reporter', () => {
  const r = makeResult();
  const plain = renderTerminal(r, { color: false });

  it('uses no escape codes without colour', () => {
    expect(plain).not.toMatch(ANSI_RE);
    expect(plain.split('\n')[0]).toContain('FAIL (1 failed, 6 passed, 1 n/a)');
  });

  it('prints PASS/FAIL/N/A per target in fixed-width columns', () => {
    const lines = plain.split('\n');
    const fail = lines.find((l) => l.startsWith('FAIL '))!;
    expect(fail).toMatch(/^FAIL {4}cacheHitRatio +ratio > 0\.8 +71\.2%$/);
    expect(lines.filter((l) => l.startsWith('PASS ')).length).toBe(6);
    expect(lines.find((l) => l.startsWith('N/A '))).toContain('a compressed benchmark');
    // The observed column is right-aligned: every target row has its value ending at the same column.
    const header = lines.find((l) => l.startsWith('RESULT'))!;
    const end = header.indexOf('OBSERVED') + 'OBSERVED'.length;
    expect(fail.length).toBe(end);
  });

  it('prints the per-operation latency table', () => {
    const pool = r.operations[0]!.latencyMs;
    const row = plain.split('\n').find((l) => l.startsWith('spatial.pool'))!;
    expect(row.trim().split(/\s+/)).toEqual([
      'spatial.pool',
      '2,400',
      '0',
      '80.0',
      fmtMs(pool.min),
      fmtMs(pool.p50),
      fmtMs(pool.p90),
      fmtMs(pool.p95),
      fmtMs(pool.p99),
      fmtMs(pool.p999),
      fmtMs(pool.max),
      fmtMs(pool.mean),
    ]);
    expect(plain).toMatch(/^all operations +4,505 +5 /m);
    expect(plain).toMatch(/^OPERATION +COUNT +ERRORS +OPS\/S +MIN +P50 +P90 +P95 +P99 +P99\.9 +MAX +MEAN$/m);
  });

  it('says the wall time: seeding and index build, then warm-up and the measured window', () => {
    const w = makeResult();
    w.startedAt = '2026-12-02T10:06:26.545Z';
    w.finishedAt = '2026-12-02T10:07:00.045Z';
    w.load.warmupSec = 3;
    w.dataset.seedDurationMs = 1224.87;
    w.dataset.indexBuildMs = 363.28;
    const line = renderTerminal(w, { color: false })
      .split('\n')
      .find((l) => l.startsWith('wall time'));
    expect(line).toBe(
      'wall time 35.1 s: seed 1.2 s, index build 0.4 s, run 33.5 s (3 s warm-up + 30 s measured)',
    );
    delete w.dataset.seedDurationMs;
    delete w.dataset.indexBuildMs;
    expect(renderTerminal(w, { color: false })).toContain('\nwall time 33.5 s: run 33.5 s (3 s warm-up');
  });

  it('colours verdicts only when asked, without shifting columns', () => {
    const colored = renderTerminal(r, { color: true });
    expect(colored).toContain('\u001b[31mFAIL  \u001b[0m');
    expect(colored).toContain('\u001b[32mPASS  \u001b[0m');
    expect(colored).toContain('\u001b[33mN/A   \u001b[0m');
    expect(colored.replace(ANSI_RE, '')).toBe(plain);
  });

  it('warns when the client was the bottleneck', () => {
    const b = makeResult();
    b.client.bottleneck = true;
    b.client.reasons = ['CPU 98%'];
    expect(renderTerminal(b, { color: false })).toContain(
      'WARNING: the client itself was the bottleneck: CPU 98%.',
    );
  });
});
