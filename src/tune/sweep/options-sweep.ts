/**
 * The measured index-options sweep (engines whose index is not a grid; PostGIS today), generic in the
 * configuration type `C`: the engine-neutral loop (sweep-loop.ts) rebuilds the index with each
 * configuration, runs the scenario's query sets one request at a time, reads the size, and restores the
 * original index in a `finally`; this file adds an EXPLAIN of the first requests of each set (is the
 * spatial index read at all?) and turns the records into tune.json's `measuredOptions` with findings.
 */
import type { EngineRequest, OptionsIndexTarget } from '../../engines/types.ts';
import {
  optionFindings,
  type MeasuredOption,
  type PlanCheck,
  type TuneMeasuredOptions,
} from './measured-options.ts';
import { message, runIndexSweep, type LoopStep } from './sweep-loop.ts';

export interface OptionQuerySet {
  op: string;
  /** For the report, e.g. "the scenario's 200 query windows, pool 1000". */
  detail: string;
  requests: readonly EngineRequest[];
}

export interface OptionsSweepOptions<C> {
  engine: string;
  /** Configurations to measure; duplicates (by `same`) and the current one are measured once. */
  configs: readonly C[];
  /** The scenario's configuration: measured last, so its build usually restores the index. */
  current: C;
  same(a: C, b: C): boolean;
  describe(c: C): { label: string; options: Record<string, string | number> };
  querySets: readonly OptionQuerySet[];
  /** Unrecorded queries of each set after each rebuild (default 5). */
  warmupQueries?: number;
  /** Requests of each set explained per configuration (default 3). */
  planSamples?: number;
  /** Said in the report whatever the figures (what the options mean on this engine). */
  notes?: string[];
  signal?: AbortSignal;
  now?: () => bigint;
  onProgress?: (line: string) => void;
}

/** The list to build, in order: distinct configurations other than the current one, then the current one. */
export function planOptions<C>(
  configs: readonly C[],
  current: C,
  same: (a: C, b: C) => boolean,
): { config: C; current: boolean }[] {
  const out: { config: C; current: boolean }[] = [];
  for (const c of configs)
    if (!same(c, current) && !out.some((o) => same(o.config, c))) out.push({ config: c, current: false });
  out.push({ config: current, current: true });
  return out;
}

async function checkPlans<C>(
  target: OptionsIndexTarget<C>,
  r: MeasuredOption,
  sets: readonly OptionQuerySet[],
  samples: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  for (const set of sets) {
    const p: PlanCheck = { op: set.op, samples: 0, usedIndex: 0 };
    for (const req of set.requests.slice(0, samples)) {
      if (signal?.aborted) break;
      try {
        const plan = await target.explain(req);
        p.samples++;
        if (plan.usedSpatialIndex) p.usedIndex++;
        p.summary ??= plan.planSummary;
      } catch (e) {
        r.problems.push(`EXPLAIN ${set.op}: ${message(e)}`);
        break;
      }
    }
    r.plans.push(p);
  }
}

export async function runOptionsSweep<C>(
  target: OptionsIndexTarget<C>,
  o: OptionsSweepOptions<C>,
): Promise<TuneMeasuredOptions> {
  const planSamples = o.planSamples ?? 3;
  const steps: LoopStep<C, MeasuredOption>[] = planOptions(o.configs, o.current, o.same).map((s) => {
    const d = o.describe(s.config);
    return {
      config: s.config,
      label: `${d.label}${s.current ? ' (current)' : ''}`,
      record: { label: d.label, options: d.options, current: s.current, ops: [], plans: [], problems: [] },
    };
  });
  const loop = await runIndexSweep(target, {
    steps,
    querySets: o.querySets.map((set) => ({
      name: set.op,
      requests: set.requests,
      apply: (r: MeasuredOption, f) => {
        const { firstError: _, ...figures } = f;
        r.ops.push({ op: set.op, ...figures });
      },
    })),
    same: o.same,
    warmupQueries: o.warmupQueries,
    extra: (step) => checkPlans(target, step.record, o.querySets, planSamples, o.signal),
    signal: o.signal,
    now: o.now,
    onProgress: o.onProgress,
  });
  const warm = o.warmupQueries ?? 5;
  const m: TuneMeasuredOptions = {
    engine: o.engine,
    queries: o.querySets.map((s) => ({ op: s.op, count: s.requests.length, detail: s.detail })),
    warmupQueries: Math.min(warm, ...o.querySets.map((s) => s.requests.length)),
    planSamples,
    configs: loop.records,
    original: loop.original,
    restore: loop.restore,
    interrupted: loop.interrupted,
    findings: [],
    notes: [
      'Each configuration is measured right after its own build, with the same queries in the same order, one at a time on one connection (latency without queueing).',
      ...(o.notes ?? []),
      ...loop.notes,
    ],
  };
  m.findings = optionFindings(m);
  return m;
}
