/**
 * Timed queries of a tune sweep (engine-neutral): a few unrecorded warm-up requests, then every request
 * one at a time on one connection (latency without queueing), measured with process.hrtime.bigint()
 * into an HDR histogram; failures counted by class, never recorded as latency.
 */
import { errorClassOf } from '../../errors.ts';
import { createLatencyHistogram, recordNanos, summarize } from '../../metrics/histogram.ts';
import type { LatencySummary } from '../../model/result.ts';
import type { EngineRequest, OperationResult } from '../../engines/types.ts';
import type { QueryWindow } from '../../engines/types.ts';

export interface QueryFigures {
  /** Timed requests issued (after the warm-up). */
  queries: number;
  errors: number;
  errorsByClass: Record<string, number>;
  /** Absent when no request succeeded. */
  latencyMs?: LatencySummary;
  rowsPerQuery?: number;
  /** For the record's problems; not stored in tune.json by itself. */
  firstError?: string;
}

export interface TimeOptions {
  /** Unrecorded requests first (the first `warmup` of the list). */
  warmup: number;
  signal?: AbortSignal;
  now?: () => bigint;
}

export function windowRequests(windows: readonly QueryWindow[], pool: number): EngineRequest[] {
  return windows.map((w) => ({ op: 'spatial.pool', q: { x: w.x, y: w.y, z: 0 }, radius: w.radius, pool }));
}

export async function timeQueries(
  run: (req: EngineRequest) => Promise<OperationResult>,
  reqs: readonly EngineRequest[],
  o: TimeOptions,
): Promise<QueryFigures> {
  const now = o.now ?? process.hrtime.bigint;
  for (const req of reqs.slice(0, o.warmup)) {
    if (o.signal?.aborted) break;
    await run(req).catch(() => undefined);
  }
  const f: QueryFigures = { queries: 0, errors: 0, errorsByClass: {} };
  const h = createLatencyHistogram();
  let rows = 0;
  for (const req of reqs) {
    if (o.signal?.aborted) break;
    f.queries++;
    const t0 = now();
    try {
      rows += (await run(req)).rows;
      recordNanos(h, now() - t0);
    } catch (e) {
      f.errors++;
      const k = errorClassOf(e);
      f.errorsByClass[k] = (f.errorsByClass[k] ?? 0) + 1;
      f.firstError ??= e instanceof Error ? e.message : String(e);
    }
  }
  if (h.totalCount > 0) {
    f.latencyMs = summarize(h);
    f.rowsPerQuery = rows / h.totalCount;
  }
  return f;
}
