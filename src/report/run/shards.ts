import type { RunResult } from '../../model/result.ts';
import { PALETTE, type SeriesSpec } from '../html/chart-spec.ts';
import type { TimeColumns } from './html-data.ts';

/**
 * What every run report says about shards: a merged result is `merged from N shards` (with the clock
 * skew the merge saw), a shard's own result says that its targets see only its slice of the run.
 */
export function shardNote(r: RunResult): string | undefined {
  if (r.merged) {
    const skew =
      r.merged.clockSkewMs !== undefined
        ? `; client clocks agree to ${r.merged.clockSkewMs.toFixed(1)} ms`
        : '';
    return `${r.merged.label} (run ${r.runId}): counts and HDR histograms added exactly, targets judged once on the merged data${skew}; probes and OODA from shard 0, client self-check per shard.`;
  }
  if (r.shard)
    return `shard ${r.shard.index}/${r.shard.count} of run ${r.runId}: these numbers are 1/${r.shard.count} of the run and its targets are not the run's verdict; merge the shards (atombench merge) to judge it.`;
  return undefined;
}

/** One ops/s line per shard for the throughput chart of a merged result, on the merged intervals. */
export function perShardThroughput(
  r: RunResult,
  c: TimeColumns,
): { series: SeriesSpec[]; data: (number | null)[][] } {
  if (!r.merged) return { series: [], data: [] };
  const series: SeriesSpec[] = [];
  const data: (number | null)[][] = [];
  for (const [i, s] of r.merged.perShard.entries()) {
    const ops = new Map(s.series.map((p) => [p.tSec, p.ops]));
    // The merged interval's rate split in the shard's share of its operations (same interval length).
    data.push(
      c.tSec.map((t, j) => {
        const total = r.timeseries[j]?.ops ?? 0;
        const rate = c.opsPerSec[j];
        return rate === null || rate === undefined || total === 0 ? null : (rate * (ops.get(t) ?? 0)) / total;
      }),
    );
    series.push({
      label: `shard ${s.index} ops/s`,
      color: PALETTE[(i + 1) % PALETTE.length]!,
      style: 'line',
    });
  }
  return { series, data };
}
