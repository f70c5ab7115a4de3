/**
 * The measured index-options part of tune.json (`measuredOptions`, additive; schema stays
 * atombench/tune@1): on engines whose index is not a grid (PostGIS: access method, fillfactor, GiST
 * buffering), each configuration's build time, index size, latency of the scenario's own queries and
 * whether EXPLAIN shows the index used; with plain-words findings. Pure: options-sweep.ts fills it,
 * render.ts and the HTML page show it.
 */
import type { OptionIndexSize } from '../../engines/types.ts';
import type { LatencySummary } from '../../model/result.ts';
import { num } from '../model/findings.ts';
import type { SweepRecord } from './sweep-loop.ts';

/** The latency of one query set on one configuration. */
export interface OptionQueries {
  op: string;
  queries: number;
  errors: number;
  errorsByClass: Record<string, number>;
  latencyMs?: LatencySummary;
  rowsPerQuery?: number;
}

/** EXPLAIN of the first requests of a query set: how many of them read the spatial index. */
export interface PlanCheck {
  op: string;
  samples: number;
  usedIndex: number;
  /** The plan of the first sample, shortened (e.g. `Limit > Sort > Seq Scan on AtomEmbeddings`). */
  summary?: string;
}

export interface MeasuredOption extends SweepRecord<OptionIndexSize> {
  /** e.g. `gist fillfactor=90 buffering=auto`: every effective value. */
  label: string;
  options: Record<string, string | number>;
  /** The scenario's configuration (index.postgis), measured last. */
  current: boolean;
  ops: OptionQueries[];
  plans: PlanCheck[];
}

export interface TuneMeasuredOptions {
  engine: string;
  /** The query sets run on every configuration, e.g. spatial.pool: 200 windows of the scenario. */
  queries: { op: string; count: number; detail: string }[];
  warmupQueries: number;
  planSamples: number;
  configs: MeasuredOption[];
  original: { ddl: string; existed: boolean };
  restore: { rebuilt: boolean; ddl?: string; durationMs?: number; error?: string };
  interrupted: boolean;
  findings: string[];
  notes: string[];
}

export const ms = (x: number | undefined): string =>
  x === undefined ? 'n/a' : x >= 100 ? x.toFixed(0) : num(x);
export const mb = (bytes: number | undefined): string =>
  bytes === undefined ? 'n/a' : num(bytes / 1024 / 1024);
export const sec = (x: number | undefined): string =>
  x === undefined ? 'n/a' : `${(x / 1000).toFixed(2)} s`;

function opOf(c: MeasuredOption, op: string): OptionQueries | undefined {
  return c.ops.find((o) => o.op === op);
}

const ratio = (a: number, b: number): string => (b > 0 ? `${(a / b).toFixed(2)}x` : 'n/a');

/** "p50 3.1 ms vs 2.9 ms" for each query set both configurations ran. */
function latencyVs(c: MeasuredOption, cur: MeasuredOption, ops: readonly string[]): string[] {
  const out: string[] = [];
  for (const op of ops) {
    const a = opOf(c, op)?.latencyMs;
    const b = opOf(cur, op)?.latencyMs;
    if (a && b) out.push(`${op} p50 ${ms(a.p50)} ms vs ${ms(b.p50)} ms, p99 ${ms(a.p99)} vs ${ms(b.p99)} ms`);
  }
  return out;
}

/**
 * Configurations whose builds came out the same size (same method, pages and entries), e.g. fillfactors
 * the build ignored: likely the same index, so the spread of their latencies is the measurement's own
 * noise, a yardstick for the other differences.
 */
function sameSizeFindings(m: TuneMeasuredOptions): string[] {
  const groups = new Map<string, MeasuredOption[]>();
  for (const c of m.configs) {
    if (!c.indexSize || c.indexSize.pages === 0) continue;
    const k = `${c.options.method}|${c.indexSize.pages}|${c.indexSize.tuples}`;
    groups.set(k, [...(groups.get(k) ?? []), c]);
  }
  const out: string[] = [];
  for (const g of groups.values()) {
    if (g.length < 2) continue;
    const spread = m.queries.flatMap((q) => {
      const p50s = g.map((c) => opOf(c, q.op)?.latencyMs?.p50).filter((x): x is number => x !== undefined);
      return p50s.length === g.length
        ? [`${q.op} p50 ${ms(Math.min(...p50s))}..${ms(Math.max(...p50s))} ms`]
        : [];
    });
    out.push(
      `${g.map((c) => c.label).join(', ')} built indexes of the same size (${g[0]!.indexSize!.pages} pages), likely the same index` +
        (spread.length
          ? `: the spread of their latency (${spread.join('; ')}) is this measurement's own noise.`
          : '.'),
    );
  }
  return out;
}

/** One configuration against the current one: build time, size, latency of each query set. */
function versusCurrent(c: MeasuredOption, cur: MeasuredOption, ops: readonly string[]): string {
  const parts = [
    `${c.label} builds in ${sec(c.buildMs)} vs ${sec(cur.buildMs)} for the current ${cur.label}`,
  ];
  if (c.indexSize && cur.indexSize)
    parts.push(
      `index ${mb(c.indexSize.bytes)} MB vs ${mb(cur.indexSize.bytes)} MB (${ratio(c.indexSize.bytes, cur.indexSize.bytes)})`,
    );
  parts.push(...latencyVs(c, cur, ops));
  return `${parts.join('; ')}.`;
}

/** The plain-words findings: each configuration against the current one, then the index use. */
export function optionFindings(m: TuneMeasuredOptions): string[] {
  const out: string[] = [];
  const cur = m.configs.find((c) => c.current && c.buildMs !== undefined);
  const ops = m.queries.map((q) => q.op);
  if (cur)
    for (const c of m.configs) if (c !== cur && c.buildMs !== undefined) out.push(versusCurrent(c, cur, ops));
  for (const c of m.configs)
    for (const p of c.plans)
      if (p.samples > 0 && p.usedIndex < p.samples)
        out.push(
          `${c.label}: EXPLAIN shows ${p.op} not reading the spatial index in ${p.samples - p.usedIndex} of ${p.samples} sampled queries (${p.summary ?? 'no plan'}).`,
        );
  out.push(...sameSizeFindings(m));
  const built = m.configs.filter((c) => c.buildMs !== undefined);
  if (built.length > 1) {
    const best = (f: (c: MeasuredOption) => number | undefined) =>
      built
        .filter((c) => f(c) !== undefined)
        .reduce<MeasuredOption | undefined>((a, c) => (a && f(a)! <= f(c)! ? a : c), undefined);
    const fast = best((c) => c.buildMs);
    const small = best((c) => c.indexSize?.bytes);
    const lines = [fast && `fastest build: ${fast.label}`, small && `smallest index: ${small.label}`];
    for (const op of ops) {
      const b = best((c) =>
        c.plans.find((p) => p.op === op)?.usedIndex === 0 ? undefined : opOf(c, op)?.latencyMs?.p50,
      );
      if (b) lines.push(`lowest ${op} p50: ${b.label}`);
    }
    out.push(`${lines.filter(Boolean).join('; ')}.`);
  }
  out.push(
    'Each configuration was built and measured once: on a busy machine the same index measured twice can differ by tens of percent at sub-millisecond latencies, so run tune again before acting on a small difference.',
  );
  return out;
}
