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
      fmtMs(pool.p50),
      fmtMs(pool.p95),
      fmtMs(pool.p99),
      fmtMs(pool.p999),
      fmtMs(pool.max),
      fmtMs(pool.mean),
    ]);
    expect(plain).toMatch(/^all operations +4,505 +5 /m);
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
