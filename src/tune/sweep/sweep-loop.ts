/**
 * The engine-neutral loop of a measured tune sweep, with the index configuration type `C` and the size
 * type `S` as parameters: snapshot the index, then for each configuration rebuild it (timed), warm up,
 * run each query set one request at a time (latency into an HDR histogram, sweep-queries.ts), read the
 * index size and whatever else the caller measures; the original index is put back in a `finally`, also
 * when the sweep is interrupted (AbortSignal) or fails. Engine SQL lives in the target
 * (src/engines/<engine>/tune-target.ts); what a configuration is and how it is reported is the caller's
 * (sweep.ts for SQL Server's grid, options-sweep.ts for index options).
 *
 * Callers put the current configuration last, so in the usual case (the index holds the current
 * configuration) the last rebuild already restores it and no extra build is needed.
 */
import type { IndexSnapshot, IndexTarget, EngineRequest } from '../../engines/types.ts';
import { timeQueries, type QueryFigures } from './sweep-queries.ts';

/** The per-configuration record the loop fills (callers extend it). */
export interface SweepRecord<S> {
  buildMs?: number;
  ddl?: string;
  indexSize?: S;
  /** What went wrong for this configuration (a failed rebuild, an unreadable size...). */
  problems: string[];
}

/** Requests run after each rebuild, and where their figures go in the record. */
export interface QuerySet<R> {
  /** For messages, e.g. "spatial.pool". */
  name: string;
  requests: readonly EngineRequest[];
  apply(record: R, figures: QueryFigures): void;
}

export interface LoopStep<C, R> {
  config: C;
  record: R;
  /** For progress lines, e.g. "rank 3 (current)". */
  label: string;
}

export interface LoopOptions<C, R> {
  steps: readonly LoopStep<C, R>[];
  querySets: readonly QuerySet<R>[];
  /** Same index? Decides whether the last build already restored the original. */
  same(a: C, b: C): boolean;
  /** Unrecorded queries of each set after each rebuild (default 5). */
  warmupQueries?: number;
  /** More measurements after the queries and the size (primary filter, plans...). */
  extra?(step: LoopStep<C, R>): Promise<void>;
  signal?: AbortSignal;
  now?: () => bigint;
  onProgress?: (line: string) => void;
}

export interface LoopOutcome<R> {
  /** The records of the steps started, in order (an interrupted sweep has fewer than it planned). */
  records: R[];
  original: { ddl: string; existed: boolean };
  restore: { rebuilt: boolean; ddl?: string; durationMs?: number; error?: string };
  interrupted: boolean;
  /** Things to tell the reader that belong to no single configuration. */
  notes: string[];
}

export const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const elapsedMs = (t0: bigint, t1: bigint): number => Number(t1 - t0) / 1e6;

/** Does the index need one more build to be as it was? `built` undefined = unknown state. */
export function needsRestore<C>(
  built: C | 'original' | undefined,
  snap: IndexSnapshot<C>,
  same: (a: C, b: C) => boolean,
): boolean {
  if (built === 'original') return false;
  return !(built !== undefined && snap.config !== undefined && same(built, snap.config));
}

/** Runs the steps in order, filling their records. */
export async function runIndexSweep<C, S, R extends SweepRecord<S>>(
  target: IndexTarget<C, S>,
  o: LoopOptions<C, R>,
): Promise<LoopOutcome<R>> {
  const now = o.now ?? process.hrtime.bigint;
  const say = o.onProgress ?? (() => {});
  const snap = await target.snapshot();
  const out: LoopOutcome<R> = {
    records: [],
    original: { ddl: snap.ddl, existed: snap.existed },
    restore: { rebuilt: false },
    interrupted: false,
    notes: [],
  };
  let built: C | 'original' | undefined = 'original';
  await target.begin?.();
  try {
    for (const [i, step] of o.steps.entries()) {
      if (o.signal?.aborted) break;
      const r = step.record;
      out.records.push(r);
      say(`[${i + 1}/${o.steps.length}] rebuilding the index: ${step.label}`);
      const t0 = now();
      try {
        r.ddl = (await target.rebuild(step.config)).ddl;
        r.buildMs = elapsedMs(t0, now());
        built = step.config;
      } catch (e) {
        built = undefined; // the engine may or may not have changed the index
        r.problems.push(`rebuild failed: ${message(e)}`);
        continue;
      }
      say(`  built in ${(r.buildMs / 1000).toFixed(2)} s`);
      for (const set of o.querySets) {
        if (o.signal?.aborted) break;
        say(`  running ${set.requests.length} ${set.name} queries`);
        const f = await timeQueries((req) => target.run(req), set.requests, {
          warmup: o.warmupQueries ?? 5,
          signal: o.signal,
          now,
        });
        set.apply(r, f);
        if (f.firstError !== undefined)
          r.problems.push(
            `${f.errors} of ${f.queries} ${set.name} queries failed; the first: ${f.firstError}`,
          );
      }
      await o.extra?.(step);
      try {
        r.indexSize = await target.indexSize();
      } catch (e) {
        r.problems.push(`index size: ${message(e)}`);
      }
    }
  } finally {
    out.interrupted = !!o.signal?.aborted;
    if (needsRestore(built, snap, o.same)) {
      say('restoring the original index');
      const t0 = now();
      try {
        const r = await target.restore(snap);
        out.restore = { rebuilt: true, ddl: r.ddl, durationMs: elapsedMs(t0, now()) };
      } catch (e) {
        out.restore = { rebuilt: false, error: message(e) };
      }
    }
    if (!out.restore.error)
      await target.end?.().catch((e: unknown) => out.notes.push(`after restore: ${message(e)}`));
  }
  return out;
}
