import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createLatencyHistogram,
  decodeHistogram,
  mergeAll,
  percentileMs,
  recordMicros,
  summarize,
} from '../../../src/metrics/histogram.ts';
import { errorCount } from '../../../src/metrics/operation-stats.ts';
import type { RunResult } from '../../../src/model/result.ts';
import { mergeClient, mergeOoda, mergeSummariesUpper } from '../../../src/run/merge-trials.ts';
import { mergeTrialRuns } from '../../../src/run/trials.ts';
import { resolveTargets } from '../../../src/targets/runbook.ts';
import { makeResult, MEASURED_SEC } from '../../fixtures/result.ts';

function trial(
  i: number,
  change: (r: RunResult) => void = () => {},
): { result: RunResult; measuredSec: number } {
  const r = makeResult();
  const t0 = Date.parse(r.startedAt) + i * 60_000;
  r.startedAt = new Date(t0).toISOString();
  r.finishedAt = new Date(t0 + 40_000).toISOString();
  change(r);
  return { result: r, measuredSec: MEASURED_SEC };
}

describe('mergeTrialRuns', () => {
  const runs = [
    trial(0),
    trial(1, (r) => {
      r.probes.seekRatio = { value: 0.5 };
      r.probes.seekSamples = 40;
      r.client.bottleneck = true;
      r.client.reasons = ['event-loop delay p99 25.0 ms > 20 ms'];
    }),
    trial(2, (r) => {
      r.probes.queueDepthMax = { value: 9 };
      r.ooda!.maxQueueDepth = { value: 9 };
    }),
  ];
  const merged = mergeTrialRuns(runs, resolveTargets({}, { datasetAtoms: 100_000 }).specs);

  it('keeps every trial with its own numbers', () => {
    expect(merged.trials).toHaveLength(3);
    const t = merged.trials![1]!;
    expect(t.trial).toBe(2);
    expect(t.seekRatio).toEqual({ value: 0.5 });
    expect(t.clientBottleneck).toBe(true);
    const knn = t.operations.find((o) => o.op === 'spatial.knn')!;
    expect(knn.errorRate).toBeCloseTo(2 / knn.count, 12);
    expect(decodeHistogram(knn.histogram).totalCount).toBe(knn.latencyMs.count);
    expect(merged.trials![2]!.maxQueueDepth).toEqual({ value: 9 });
  });

  it('merges counts, histograms (losslessly) and throughput over all trials', () => {
    const one = runs[0]!.result;
    for (const op of merged.operations) {
      const parts = runs.map((r) => r.result.operations.find((o) => o.op === op.op)!);
      expect(op.count).toBe(parts.reduce((a, p) => a + p.count, 0));
      const h = mergeAll(parts.map((p) => decodeHistogram(p.histogram)));
      expect(op.latencyMs).toEqual(summarize(h));
      expect(op.throughputPerSec).toBeCloseTo(
        (3 * (parts[0]!.count - errorCount(parts[0]!))) / (3 * MEASURED_SEC),
        9,
      );
    }
    expect(merged.total.count).toBe(3 * one.total.count);
    expect(merged.startedAt).toBe(runs[0]!.result.startedAt);
    expect(merged.finishedAt).toBe(runs[2]!.result.finishedAt);
  });

  it('weights the seek ratio by its samples, takes the max queue depth, and flags the client if any trial was flagged', () => {
    expect(merged.probes.seekSamples).toBe(120 + 40 + 120);
    expect((merged.probes.seekRatio as { value: number }).value).toBeCloseTo(
      (0.975 * 240 + 0.5 * 40) / 280,
      12,
    );
    expect(merged.probes.queueDepthMax).toEqual({ value: 9 });
    expect(merged.client.bottleneck).toBe(true);
    expect(merged.client.reasons).toEqual(['trial 2: event-loop delay p99 25.0 ms > 20 ms']);
  });

  it('puts the time series of all trials on one clock and judges the targets on the merge', () => {
    expect(merged.timeseries).toHaveLength(3 * runs[0]!.result.timeseries.length);
    expect(merged.timeseries[35]!.tSec).toBe(60 + 1);
    expect(merged.targets.map((t) => t.metric)).toContain('seekRatio');
    expect(merged.targets.find((t) => t.metric === 'seekRatio')!.observed).toBeCloseTo(
      (0.975 * 240 + 0.5 * 40) / 280,
      12,
    );
  });

  it('refuses an empty list', () => {
    expect(() => mergeTrialRuns([], [])).toThrow(/no trial/);
  });
});

describe('mergeSummariesUpper', () => {
  it('bounds every pooled percentile from above (and keeps count and mean exact)', () => {
    const group = fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: 1, maxLength: 200 });
    fc.assert(
      fc.property(fc.array(group, { minLength: 1, maxLength: 4 }), (groups) => {
        const hs = groups.map((g) => {
          const h = createLatencyHistogram();
          for (const v of g) recordMicros(h, v);
          return h;
        });
        const pooled = mergeAll(hs);
        const upper = mergeSummariesUpper(hs.map(summarize))!;
        expect(upper.count).toBe(pooled.totalCount);
        expect(upper.mean).toBeCloseTo(pooled.mean / 1000, 6);
        for (const [p, k] of [
          [50, 'p50'],
          [95, 'p95'],
          [99, 'p99'],
          [100, 'max'],
        ] as const)
          expect(percentileMs(pooled, p)).toBeLessThanOrEqual(upper[k] + 1e-9);
      }),
      { numRuns: 60 },
    );
  });

  it('is undefined when nothing was measured', () => {
    expect(mergeSummariesUpper([])).toBeUndefined();
  });
});

describe('mergeOoda and mergeClient', () => {
  it('adds loop counts and weights the success rate by phase executions', () => {
    const a = makeResult().ooda!;
    const b = { ...makeResult().ooda!, phaseExecutions: 2, successRate: { value: 0 }, loopsStarted: 1 };
    const m = mergeOoda([a, null, b])!;
    expect(m.loopsStarted).toBe(51);
    expect((m.successRate as { value: number }).value).toBeCloseTo((0.98 * 198) / 200, 12);
    expect(m.loopIntervalSec).toBeCloseTo(0.6, 12);
    expect(mergeOoda([null, null])).toBeNull();
  });

  it('averages CPU and keeps the worst lag', () => {
    const c = mergeClient([
      {
        cpuPercent: 10,
        eventLoopLagP99Ms: 1,
        eventLoopLagMaxMs: 5,
        bottleneck: false,
        reasons: [],
        eventLoopUtilization: 0.2,
      },
      {
        cpuPercent: 30,
        eventLoopLagP99Ms: 3,
        eventLoopLagMaxMs: 4,
        bottleneck: false,
        reasons: [],
        eventLoopUtilization: 0.4,
      },
    ]);
    expect(c).toMatchObject({
      cpuPercent: 20,
      eventLoopLagP99Ms: 3,
      eventLoopLagMaxMs: 5,
      bottleneck: false,
    });
    expect(c.eventLoopUtilization).toBeCloseTo(0.3, 12);
  });
});
