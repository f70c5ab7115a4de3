import { checkFitsKind, parseTargetExpression, type MetricKind, type TargetExpression } from './grammar.ts';
import { resolveMetric } from './metrics.ts';

/**
 * The built-in targets, each traced to the line of the operations runbook it comes from
 * (Hartonomous's, "Monitoring Metrics"; the lines are in test/fixtures/operations-runbook-targets.md),
 * and the merge with a scenario's own targets.
 */

export interface RunbookTarget {
  metric: string;
  expression: string;
  /** Where the target comes from: the runbook section and its exact line. */
  source: string;
}

const SPATIAL = 'Operations runbook › Spatial Query Performance';
const OODA = 'Operations runbook › OODA Loop Health';

/** The source of a target that a scenario adds or replaces. */
export const SCENARIO_SOURCE = 'scenario';

/** The runbook states the spatial latency target for this many atoms. */
export const RUNBOOK_ATOMS = 1_000_000;
/** "every 15-60 minutes", in seconds: a loop schedule outside this range cannot judge the frequency. */
export const RUNBOOK_LOOP_MIN_SEC = 900;
export const RUNBOOK_LOOP_MAX_SEC = 3600;

export const RUNBOOK_TARGETS: readonly RunbookTarget[] = [
  {
    metric: 'latency.spatial',
    expression: 'avg < 50ms',
    source: `${SPATIAL}: "Average query time (target: <50ms for 1M atoms)"`,
  },
  {
    metric: 'seekRatio',
    expression: 'ratio > 0.9',
    source: `${SPATIAL}: "Spatial index seek ratio (target: >90%)"`,
  },
  {
    metric: 'cacheHitRatio',
    expression: 'ratio > 0.8',
    source: `${SPATIAL}: "Cache hit rate (target: >80%)"`,
  },
  {
    metric: 'ooda.queueDepth',
    expression: 'max < 10',
    source: `${OODA}: "Queue depth (target: <10 messages)"`,
  },
  {
    metric: 'ooda.phaseDuration',
    expression: 'avg < 5s',
    source: `${OODA}: "Average duration (target: <5 seconds per phase)"`,
  },
  {
    metric: 'ooda.successRate',
    expression: 'ratio > 0.95',
    source: `${OODA}: "Success rate (target: >95%)"`,
  },
  // The upper bound is the health limit (the runbook's "OODA Loop Stopped" issue is ">1 hour" without a loop);
  // the lower bound, 15 minutes, is the deployment's trigger schedule, and a grammar of one comparison
  // cannot state both. The resolver makes it n/a unless the scenario runs loops at the runbook's pace.
  {
    metric: 'ooda.loopInterval',
    expression: 'avg <= 3600s',
    source: `${OODA}: "Execution frequency (target: every 15-60 minutes)"`,
  },
];

/**
 * atombench's own built-in targets, judged like the runbook's (a scenario replaces one by its key or
 * removes it with null): they keep an overloaded run from passing. Not runbook lines, so their source
 * says where they come from instead.
 */
export const BUILT_IN_TARGETS: readonly RunbookTarget[] = [
  {
    metric: 'load.dropRatio',
    expression: 'ratio < 1%',
    source:
      'atombench: an open loop must start its arrivals; dropped ones are load the server never saw (load.dropRatio)',
  },
];

/** Every default target: the runbook's, then atombench's own. */
const DEFAULT_TARGETS: readonly RunbookTarget[] = [...RUNBOOK_TARGETS, ...BUILT_IN_TARGETS];

/**
 * The graph side's defaults, added when a run syncs to Neo4j. The runbook has no Neo4j target (it only
 * backs Neo4j up beside SQL Server); these say the graph keeps up with ingest: a sync request is in the
 * graph within 5 s (p95), and Neo4jSyncQueue stays under the runbook's queue depth limit for queues.
 */
export const NEO4J_SOURCE = 'atombench default (the graph keeps up with ingest)';
export const NEO4J_TARGETS: readonly RunbookTarget[] = [
  { metric: 'neo4j.syncLag', expression: 'p95 < 5s', source: NEO4J_SOURCE },
  {
    metric: 'neo4j.queueDepth',
    expression: 'max < 10',
    source: `${NEO4J_SOURCE}; the limit is the runbook's "Queue depth (target: <10 messages)"`,
  },
];

/** What the resolver needs from the scenario beyond its `targets` map. */
export interface TargetContext {
  /** scenario.ooda.triggerEverySec, or undefined when OODA traffic is off. */
  oodaTriggerEverySec?: number;
  /** scenario.dataset.atoms. */
  datasetAtoms?: number;
  /** The run syncs to Neo4j: the graph side's defaults (NEO4J_TARGETS) apply. */
  neo4j?: boolean;
}

export interface TargetSpec {
  metric: string;
  kind: MetricKind;
  expression: TargetExpression;
  source: string;
  /** Set when the target cannot be judged in this run at all: evaluation reports n/a with this reason. */
  naReason?: string;
  /** A caveat printed beside the verdict (e.g. the dataset is smaller than the runbook's). */
  note?: string;
}

export interface TargetProblem {
  path: string;
  message: string;
}

export interface ResolvedTargets {
  specs: TargetSpec[];
  problems: TargetProblem[];
}

function loopIntervalNa(ctx: TargetContext): string | undefined {
  const every = ctx.oodaTriggerEverySec;
  if (every === undefined) return 'OODA traffic does not run in this scenario';
  if (every >= RUNBOOK_LOOP_MIN_SEC && every <= RUNBOOK_LOOP_MAX_SEC) return undefined;
  return (
    `a compressed benchmark cannot judge the runbook's 15-60 minute loop frequency: this scenario triggers ` +
    `a loop every ${every} s (set ooda.triggerEverySec between ${RUNBOOK_LOOP_MIN_SEC} and ${RUNBOOK_LOOP_MAX_SEC} to judge it)`
  );
}

function runbookCaveats(metric: string, ctx: TargetContext): Pick<TargetSpec, 'naReason' | 'note'> {
  if (metric === 'ooda.loopInterval') {
    const naReason = loopIntervalNa(ctx);
    return naReason ? { naReason } : {};
  }
  if (metric === 'latency.spatial' && ctx.datasetAtoms !== undefined && ctx.datasetAtoms < RUNBOOK_ATOMS)
    return {
      note: `the runbook states this target for 1M atoms; this dataset has ${ctx.datasetAtoms.toLocaleString('en-US')}`,
    };
  return {};
}

function buildSpec(metric: string, text: string, source: string): TargetSpec | string {
  const m = resolveMetric(metric);
  if (!m.ok) return m.error;
  const parsed = parseTargetExpression(text);
  if (!parsed.ok) return parsed.error;
  const misfit = checkFitsKind(parsed.expr, m.def.kind, metric);
  if (misfit) return misfit;
  return { metric, kind: m.def.kind, expression: parsed.expr, source };
}

/**
 * Merge the runbook defaults with a scenario's `targets` map: a scenario entry with the same key replaces
 * the default, null removes it, a new key adds a target with source "scenario". Every problem is returned
 * at once, with its path, so a scenario with three typos needs one edit, not three runs.
 */
export function resolveTargets(
  scenarioTargets: Record<string, string | null>,
  ctx: TargetContext,
): ResolvedTargets {
  const specs: TargetSpec[] = [];
  const problems: TargetProblem[] = [];
  const add = (metric: string, text: string, source: string, fromRunbook: boolean): void => {
    const spec = buildSpec(metric, text, source);
    if (typeof spec === 'string') {
      problems.push({ path: `targets.${metric}`, message: spec });
      return;
    }
    specs.push(fromRunbook ? { ...spec, ...runbookCaveats(metric, ctx) } : spec);
  };

  // A replaced default keeps its place in the report; added targets follow in the scenario's order.
  const defaults = ctx.neo4j ? [...RUNBOOK_TARGETS, ...BUILT_IN_TARGETS, ...NEO4J_TARGETS] : DEFAULT_TARGETS;
  const isRunbook = (metric: string): boolean => defaults.some((t) => t.metric === metric);
  for (const t of defaults) {
    if (!Object.hasOwn(scenarioTargets, t.metric)) add(t.metric, t.expression, t.source, true);
    else {
      const text = scenarioTargets[t.metric];
      if (typeof text === 'string') add(t.metric, text, SCENARIO_SOURCE, false);
    }
  }
  for (const [metric, text] of Object.entries(scenarioTargets)) {
    if (isRunbook(metric)) continue;
    // Removing a graph default is fine whether or not this run syncs to Neo4j.
    if (text === null && NEO4J_TARGETS.some((t) => t.metric === metric)) continue;
    if (text === null)
      // Most likely a misspelt runbook key: silently keeping the default would surprise the user.
      problems.push({
        path: `targets.${metric}`,
        message: `null removes a default target, but "${metric}" is not one; default targets: ${DEFAULT_TARGETS.map((t) => t.metric).join(', ')}`,
      });
    else add(metric, text, SCENARIO_SOURCE, false);
  }
  return { specs, problems };
}
