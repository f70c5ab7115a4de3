/**
 * The target expression grammar. Expressions are parsed once, when the scenario is loaded, so a typo is
 * a bad-input error (exit 2) before any load runs, never a surprise after a 10-minute benchmark.
 *
 *   expression := ws aggregate ws ("ratio" ws)? cmp ws number ws unit? ws
 *               the optional "ratio" after a percentile aggregate ("p95 ratio < 2") asks for the ratio of
 *               that aggregate inside vs outside the maintenance windows (kind interferenceRatio only)
 *   aggregate  := avg | mean | min | max | p50 | p90 | p95 | p99 | p99.9 | ratio | rate | count
 *   cmp        := "<" | "<=" | ">" | ">="
 *   number     := digits ["." digits] [("e" | "E") ["+" | "-"] digits]     (never negative)
 *   unit       := "us" | "µs" | "ms" | "s"   a time; the threshold is normalised to milliseconds
 *               | "%"                        a percentage; normalised to a 0..1 ratio
 *               | (nothing)                  the metric's own unit: ms for latencies, a 0..1 ratio,
 *                                            a count (queue depth), operations per second (rate)
 *   ws         := any spaces or tabs, including none
 *
 * Aggregates and keywords are case-insensitive. Examples: "avg < 50ms", "p99.9<=0.2s", "ratio > 90%",
 * "max < 10", "rate >= 200".
 *
 * Which aggregates a metric accepts depends on its kind (checkFitsKind below):
 *   latency      avg mean min max p50 p90 p95 p99 p99.9, and count (samples, no unit)
 *   meanLatency  avg mean                (metrics that exist only as an average, e.g. server.avgDuration)
 *   ratio        ratio                   (no time unit; "%" or a plain 0..1 number)
 *   gauge        max avg                 (no unit; ooda.queueDepth)
 *   throughput   rate (ops/s), count     (no unit)
 *   interferenceRatio  p50 ratio, p95 ratio  (no unit; inside / outside; interference.spatial)
 */

export const AGGREGATES = [
  'avg',
  'mean',
  'min',
  'max',
  'p50',
  'p90',
  'p95',
  'p99',
  'p99.9',
  'ratio',
  'rate',
  'count',
] as const;
export type Aggregate = (typeof AGGREGATES)[number];

export const COMPARATORS = ['<', '<=', '>', '>='] as const;
export type Comparator = (typeof COMPARATORS)[number];

export type UnitKind = 'time' | 'percent' | 'none';

const TIME_UNITS_TO_MS: Record<string, number> = { us: 0.001, µs: 0.001, ms: 1, s: 1000 };
const VALID_UNITS = 'us, ms, s, %';

export interface TargetExpression {
  /** Normalised text, e.g. "avg < 50ms" for "avg<50ms". */
  text: string;
  aggregate: Aggregate;
  cmp: Comparator;
  /** The threshold normalised: milliseconds for a time unit, 0..1 for %, as written otherwise. */
  threshold: number;
  unitKind: UnitKind;
  /** The unit as written ("" when none), for messages. */
  writtenUnit: string;
  /** "p95 ratio < 2": the aggregate's ratio inside / outside the maintenance windows. */
  insideOutsideRatio?: boolean;
}

export type ParseResult = { ok: true; expr: TargetExpression } | { ok: false; error: string };

const AGGREGATE_RE = /^[A-Za-z][A-Za-z0-9.]*/;
// Longest alternatives first so "<=" is not read as "<" followed by "=".
const CMP_RE = /^(<=|>=|==|!=|=<|=>|<|>|=|≤|≥)/;
const NUMBER_RE = /^(\d+(\.\d+)?|\.\d+)([eE][+-]?\d+)?/;
const UNIT_RE = /^([A-Za-zµ]+|%)/;

function quoteNext(rest: string): string {
  return rest.length === 0 ? 'the end of the expression' : `"${rest}"`;
}

export function parseTargetExpression(input: string): ParseResult {
  const fail = (error: string): ParseResult => ({ ok: false, error });
  let rest = input.trimStart();
  const skipWs = (): void => {
    rest = rest.trimStart();
  };
  if (rest.trim().length === 0) return fail('empty expression; expected e.g. "avg < 50ms"');

  const aggMatch = AGGREGATE_RE.exec(rest);
  if (!aggMatch)
    return fail(`expected an aggregate (${AGGREGATES.join(', ')}) at the start, found ${quoteNext(rest)}`);
  const aggText = aggMatch[0].toLowerCase();
  if (!(AGGREGATES as readonly string[]).includes(aggText))
    return fail(`unknown aggregate "${aggMatch[0]}"; valid: ${AGGREGATES.join(', ')}`);
  const aggregate = aggText as Aggregate;
  rest = rest.slice(aggMatch[0].length);
  skipWs();
  let insideOutsideRatio = false;
  const ratioWord = /^ratio(?![A-Za-z0-9.])/i.exec(rest);
  if (ratioWord && aggregate !== 'ratio') {
    insideOutsideRatio = true;
    rest = rest.slice(ratioWord[0].length);
    skipWs();
  }

  const cmpMatch = CMP_RE.exec(rest);
  if (!cmpMatch)
    return fail(
      `expected a comparison (${COMPARATORS.join(', ')}) after "${aggregate}", found ${quoteNext(rest)}`,
    );
  const cmpText = cmpMatch[0] === '≤' ? '<=' : cmpMatch[0] === '≥' ? '>=' : cmpMatch[0];
  if (!(COMPARATORS as readonly string[]).includes(cmpText))
    return fail(`unsupported comparison "${cmpMatch[0]}"; valid: ${COMPARATORS.join(', ')}`);
  const cmp = cmpText as Comparator;
  rest = rest.slice(cmpMatch[0].length);
  skipWs();

  if (rest.startsWith('-')) return fail('the threshold must not be negative');
  const numMatch = NUMBER_RE.exec(rest);
  if (!numMatch) return fail(`expected a number after "${cmp}", found ${quoteNext(rest)}`);
  const written = Number(numMatch[0]);
  if (!Number.isFinite(written)) return fail(`the threshold "${numMatch[0]}" is not a finite number`);
  rest = rest.slice(numMatch[0].length);
  skipWs();

  let writtenUnit = '';
  let unitKind: UnitKind = 'none';
  let threshold = written;
  const unitMatch = UNIT_RE.exec(rest);
  if (unitMatch) {
    writtenUnit = unitMatch[0].toLowerCase();
    rest = rest.slice(unitMatch[0].length);
    if (writtenUnit === '%') {
      unitKind = 'percent';
      threshold = written / 100;
    } else {
      const factor = TIME_UNITS_TO_MS[writtenUnit];
      if (factor === undefined) return fail(`unknown unit "${unitMatch[0]}"; valid: ${VALID_UNITS}, or none`);
      unitKind = 'time';
      threshold = written * factor;
    }
  }
  skipWs();
  if (rest.length > 0) return fail(`unexpected "${rest.trimEnd()}" after the threshold`);

  return {
    ok: true,
    expr: {
      text: `${aggregate}${insideOutsideRatio ? ' ratio' : ''} ${cmp} ${numMatch[0]}${writtenUnit}`,
      ...(insideOutsideRatio ? { insideOutsideRatio: true } : {}),
      aggregate,
      cmp,
      threshold,
      unitKind,
      writtenUnit,
    },
  };
}

export type MetricKind = 'latency' | 'meanLatency' | 'ratio' | 'gauge' | 'throughput' | 'interferenceRatio';

interface KindRule {
  aggregates: readonly Aggregate[];
  units: readonly UnitKind[];
  /** How to describe the kind in a message. */
  noun: string;
  example: string;
}

const LATENCY_AGGREGATES: readonly Aggregate[] = [
  'avg',
  'mean',
  'min',
  'max',
  'p50',
  'p90',
  'p95',
  'p99',
  'p99.9',
  'count',
];
const KIND_RULES: Record<MetricKind, KindRule> = {
  latency: {
    aggregates: LATENCY_AGGREGATES,
    units: ['time', 'none'],
    noun: 'a latency',
    example: 'p95 < 50ms',
  },
  meanLatency: {
    aggregates: ['avg', 'mean'],
    units: ['time', 'none'],
    noun: 'an average duration',
    example: 'avg < 50ms',
  },
  ratio: { aggregates: ['ratio'], units: ['percent', 'none'], noun: 'a ratio', example: 'ratio > 90%' },
  gauge: { aggregates: ['max', 'avg'], units: ['none'], noun: 'a count', example: 'max < 10' },
  throughput: {
    aggregates: ['rate', 'count'],
    units: ['none'],
    noun: 'a throughput',
    example: 'rate >= 100',
  },
  interferenceRatio: {
    aggregates: ['p50', 'p95'],
    units: ['none'],
    noun: 'a ratio inside / outside maintenance windows',
    example: 'p95 ratio < 2',
  },
};

/** The aggregates a metric kind accepts (for help texts). */
export function aggregatesFor(kind: MetricKind): readonly Aggregate[] {
  return KIND_RULES[kind].aggregates;
}

/**
 * Why `expr` cannot judge metric `key` of the given kind, or undefined when it fits.
 * Catches the mistakes that would otherwise compare apples with milliseconds.
 */
export function checkFitsKind(expr: TargetExpression, kind: MetricKind, key: string): string | undefined {
  const rule = KIND_RULES[kind];
  if ((kind === 'interferenceRatio') !== (expr.insideOutsideRatio === true))
    return kind === 'interferenceRatio'
      ? `"${key}" is ${rule.noun}: write the aggregate followed by "ratio", e.g. "${rule.example}"`
      : `"${expr.aggregate} ratio" (inside / outside maintenance windows) applies only to interference.* metrics`;
  if (!rule.aggregates.includes(expr.aggregate))
    return `aggregate "${expr.aggregate}" does not apply to "${key}" (${rule.noun}); use: ${rule.aggregates.join(', ')} (e.g. "${rule.example}")`;
  // A count of samples has no unit even on a latency metric.
  const units = expr.aggregate === 'count' ? ['none'] : rule.units;
  if (!units.includes(expr.unitKind)) {
    const what =
      expr.unitKind === 'time' ? 'a time unit' : expr.unitKind === 'percent' ? 'a percentage' : 'no unit';
    return `"${expr.writtenUnit || expr.text}" is ${what}, which does not fit "${key}" (${rule.noun}); e.g. "${rule.example}"`;
  }
  if (kind === 'ratio' && expr.threshold > 1)
    return `a ratio is between 0 and 1; write "${expr.aggregate} ${expr.cmp} 0.9" or "${expr.aggregate} ${expr.cmp} 90%"`;
  return undefined;
}

/** The unit of an observed value, as TargetResult.unit: ms for times, ratio, ops/s or count. */
export function observedUnit(kind: MetricKind, aggregate: Aggregate): string {
  if (aggregate === 'count') return 'count';
  switch (kind) {
    case 'latency':
    case 'meanLatency':
      return 'ms';
    case 'ratio':
      return 'ratio';
    case 'gauge':
      return 'count';
    case 'throughput':
      return 'ops/s';
    case 'interferenceRatio':
      return 'ratio';
  }
}
