import { describe, expect, it } from 'vitest';
import { fmtMs } from '../../../../src/report/format.ts';
import { renderMarkdown } from '../../../../src/report/run/markdown.ts';
import { makeResult } from '../../../fixtures/result.ts';

describe('markdown reporter', () => {
  const r = makeResult();
  const md = renderMarkdown(r);

  it('starts with the verdict and the counts, n/a apart', () => {
    expect(md.split('\n')[0]).toBe('# atombench: ci-gate — FAIL');
    expect(md).toContain(
      '**Verdict: FAIL** (1 failed, 6 passed, 1 n/a; n/a targets are not counted as passes)',
    );
  });

  it('lists every target with observed vs threshold and its runbook source', () => {
    const row = md.split('\n').find((l) => l.startsWith('| FAIL | cacheHitRatio'));
    expect(row).toBe(
      '| FAIL | cacheHitRatio | ratio > 0.8 | 71.2% | > 80.0% |  | Operations runbook › Spatial Query Performance: "Cache hit rate (target: >80%)" |',
    );
    expect(md).toMatch(
      /\| N\/A \| ooda\.loopInterval \| avg <= 3600s \| n\/a \| <= 3600000 ms \| a compressed benchmark/,
    );
    expect(md).toMatch(
      /\| PASS \| latency\.spatial\.knn \| p99 < 20ms \| [\d.]+ ms \| < 20\.00 ms \| {2}\| scenario \|/,
    );
  });

  it('shows the per-operation latency table with the observed p95 and the total', () => {
    const pool = r.operations[0]!;
    const row = md.split('\n').find((l) => l.startsWith('| spatial.pool |'))!;
    expect(row).toContain(`| ${fmtMs(pool.latencyMs.p95)} |`);
    expect(row).toContain('| 2,400 | 0 | 80.0 |');
    expect(md).toContain('| **all operations** | **4,505** | **5** |');
    expect(md).toContain('Errors by class: spatial.knn: timeout 2; ingest: deadlock 3.');
    expect(md).toMatch(/Primary filter efficiency .*spatial\.pool 77\.4%/);
  });

  it('reports probes with their n/a reasons, and OODA', () => {
    expect(md).toContain('| Spatial index seek ratio | 97.5% (120 sampled plans) |');
    expect(md).toContain('| Server query stats | n/a (pg_stat_statements is not installed on this server) |');
    expect(md).toContain(
      '- Loops: 50 started, 49 completed, 1 failed; success rate 98.0% over 198 phase executions',
    );
    expect(md).toContain('| Act | 49 | 24.20 |');
    expect(md).toContain('- Refused by the server: xml-validation 1');
  });

  it('includes the dataset and engine fingerprint', () => {
    expect(md).toContain('checksum `sha256:5f1c9a0e7b3d2c4a`');
    expect(md).toContain('- Engine: postgis, PostgreSQL 15.8');
    expect(md).toContain('| shared_buffers | 128MB |');
    expect(md).toContain('```sql\nCREATE INDEX ix_atomembeddings_spatialgeometry');
  });

  it('warns when the client was the bottleneck, and only then', () => {
    expect(md).not.toContain('Warning');
    const b = makeResult();
    b.client.bottleneck = true;
    b.client.reasons = ['event-loop lag p99 212 ms'];
    expect(renderMarkdown(b)).toContain(
      '> **Warning:** the client itself was the bottleneck: event-loop lag p99 212 ms.',
    );
  });

  it('escapes pipes in cells and says when OODA did not run', () => {
    const b = makeResult();
    b.targets[6]!.reason = 'a | b';
    b.ooda = null;
    const out = renderMarkdown(b);
    expect(out).toContain('a \\| b');
    expect(out).toContain('OODA traffic did not run in this scenario.');
  });
});
