import { z } from 'zod';
import { NAME_PRESETS } from './names.ts';
import { GATE_DEFAULTS, parseMinEffect } from './gate.ts';
import { capacitySchema } from './capacity.ts';
import { datasetSchema, paramDist } from '../dataset/schema.ts';
import { GRID_DENSITIES, SPATIAL_INDEX_SCHEMES } from '../model/index-config.ts';
import type { OperationName } from '../model/operations.ts';

/**
 * The scenario file. Every field has its default here, beside its definition; units are in the names.
 * Cross-field rules (min < max, bounding box order) are refinements so every problem is reported at
 * once with its path.
 */

const positive = z.number().positive();
const nonNegative = z.number().nonnegative();

/**
 * Upper bounds, so a typo cannot ask for 1e308 seconds (the load's schedule is built up front):
 * durations up to 7 days, rates up to 1,000,000 arrivals per second.
 */
export const MAX_DURATION_SEC = 7 * 24 * 3600;
export const MAX_RATE_PER_SEC = 1_000_000;
const durationSec = positive.max(MAX_DURATION_SEC, `at most ${MAX_DURATION_SEC} s (7 days)`);
const warmup = nonNegative.max(MAX_DURATION_SEC, `at most ${MAX_DURATION_SEC} s (7 days)`);
const ratePerSec = positive.max(MAX_RATE_PER_SEC, `at most ${MAX_RATE_PER_SEC} per second`);

/** Text that ends up in paths, file names and terminals: no NUL or other control characters. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
export const plainText = z
  .string()
  .refine((s) => !CONTROL.test(s), { message: 'must not contain NUL or other control characters' });
const ratio = z.number().min(0).max(1);
const GRID = z.enum(GRID_DENSITIES);

/**
 * PostGIS's own index options (index.postgis; SQL Server's grid fields above do not apply there).
 * Absent, the index is `USING gist (geom)` with the server's defaults, as it always was.
 * - method: gist (R-tree; default) or spgist (a quad-tree: PostGIS's spgist_geometry_ops_2d, the default
 *   SP-GiST opclass for geometry; it has no `<->` ordering operator, so kNN scans cannot use it).
 * - fillfactor: percent of each index page filled at build (10..100); absent = the server's default
 *   (90 for GiST, 80 for SP-GiST). Free space helps later inserts, and costs size. PostgreSQL's sorted
 *   GiST build ignores it (it applies to the buffered build and to SP-GiST).
 * - buffering: GiST build method: auto (default: sorted build when the opclass can sort, as PostGIS
 *   3.3's 2D opclass can on PostgreSQL 15), on (buffered build), off (sorted, else one insert at a
 *   time). GiST only.
 */
export const postgisIndexSchema = z
  .object({
    method: z.enum(['gist', 'spgist']).default('gist'),
    fillfactor: z.number().int().min(10).max(100).optional(),
    buffering: z.enum(['auto', 'on', 'off']).optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.buffering !== undefined && v.method !== 'gist')
      ctx.addIssue({
        code: 'custom',
        path: ['buffering'],
        message: `applies to GiST only (method: gist); ${v.method} has no buffering option`,
      });
  });
export type PostgisIndexOptions = z.infer<typeof postgisIndexSchema>;

export const indexSchema = z
  .object({
    scheme: z.enum(SPATIAL_INDEX_SCHEMES).default('GEOMETRY_GRID'),
    boundingBox: z
      .tuple([z.number(), z.number(), z.number(), z.number()])
      .default([-1000, -1000, 1000, 1000])
      .superRefine((b, ctx) => {
        if (!(b[2] > b[0]))
          ctx.addIssue({ code: 'custom', path: [2], message: 'xmax must be greater than xmin' });
        if (!(b[3] > b[1]))
          ctx.addIssue({ code: 'custom', path: [3], message: 'ymax must be greater than ymin' });
      }),
    grids: z.tuple([GRID, GRID, GRID, GRID]).default(['MEDIUM', 'MEDIUM', 'MEDIUM', 'MEDIUM']),
    cellsPerObject: z.number().int().min(1).max(8192).default(16),
    padIndex: z.boolean().default(true),
    /** Force the index with WITH (INDEX(...)) as the real code does (SQL Server only). */
    hint: z.boolean().default(true),
    /** Extra spatial indexes on SpatialCoarse so the runbook's ">= 10 spatial indexes" check can pass (SQL Server). */
    secondaryIndexes: z.number().int().min(0).max(64).default(0),
    /** PostGIS only: access method and storage options of the spatial index (see postgisIndexSchema). */
    postgis: postgisIndexSchema.optional(),
  })
  .strict();

const common = { weight: positive.default(1) };
export const operationSchema = z.discriminatedUnion('op', [
  z
    .object({
      op: z.literal('spatial.pool'),
      ...common,
      radius: paramDist.default(10),
      pool: paramDist.default(1000),
    })
    .strict(),
  z.object({ op: z.literal('spatial.knn'), ...common, k: paramDist.default(10) }).strict(),
  z
    .object({ op: z.literal('spatial.dedup'), ...common, threshold: paramDist.default({ min: 0, max: 1 }) })
    .strict(),
  z
    .object({
      op: z.literal('spatial.walk'),
      ...common,
      radius: paramDist.default(0.5),
      steps: paramDist.default(50),
      pool: paramDist.default(100),
    })
    .strict(),
  z.object({ op: z.literal('ingest'), ...common, batchSize: paramDist.default(100) }).strict(),
  /** Hartonomous's provenance read on Neo4j: [:DERIVED_FROM|INFLUENCED_BY*1..depth] from a preloaded atom. */
  z.object({ op: z.literal('graph.provenance'), ...common, depth: paramDist.default(3) }).strict(),
]);
export type OperationSpec = z.infer<typeof operationSchema>;
// The mix has one branch per operation of the ground floor's table (model/operations.ts), no more, no less.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _oneBranchPerOperation: Same<OperationSpec['op'], OperationName> = true;

export const workloadSchema = z
  .object({
    /** Query points are drawn from the dataset's distribution, then moved by N(0, jitter * scale) per axis. */
    queryJitter: nonNegative.default(0.05),
    /** Extra fixed delay per operation, for testing a regression gate; 0 in real runs. */
    injectDelayMs: nonNegative.default(0),
    /**
     * Per-operation timeout, enforced on the server side (PostgreSQL statement_timeout, the SQL Server
     * request timeout, a SQLite worker deadline); an operation past it counts as error class `timeout`.
     * Absent: no timeout (the graceful stop still bounds the end of the run).
     */
    timeoutMs: z
      .number()
      .int('a whole number of milliseconds')
      .min(1, 'at least 1 ms')
      .max(3_600_000, 'at most 3600000 ms (1 hour)')
      .optional(),
    mix: z.array(operationSchema).min(1),
  })
  .strict();

const stageSchema = z
  .object({
    durationSec: durationSec,
    ratePerSec: ratePerSec.optional(),
    concurrency: z.number().int().min(1).optional(),
  })
  .strict();

/**
 * Seconds in-flight requests get to finish once the window ends (like k6's gracefulStop); what still
 * runs then is cancelled on the server and counted as `cancelled`, never as a measured latency.
 */
export const DEFAULT_GRACEFUL_STOP_SEC = 5;
const gracefulStopSec = z.number().min(0).max(600).default(DEFAULT_GRACEFUL_STOP_SEC);

export const loadSchema = z.discriminatedUnion('model', [
  z
    .object({
      model: z.literal('open'),
      ratePerSec: ratePerSec.default(100),
      arrivals: z.enum(['constant', 'poisson']).default('constant'),
      maxInFlight: z.number().int().min(1).max(100_000).default(64),
      /** Worker threads / pool connections serving the arrivals. */
      connections: z.number().int().min(1).max(1024).default(4),
      stages: z.array(stageSchema).default([]),
      gracefulStopSec,
    })
    .strict(),
  z
    .object({
      model: z.literal('closed'),
      concurrency: z.number().int().min(1).max(1024).default(4),
      thinkTimeMs: nonNegative.default(0),
      stages: z.array(stageSchema).default([]),
      gracefulStopSec,
    })
    .strict(),
]);
export type LoadSpec = z.infer<typeof loadSchema>;

/** ooda.activation values (see oodaSchema). */
export const OODA_ACTIVATIONS = ['client', 'server'] as const;

export const oodaSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Seconds between Analyze triggers (the deployment runs one every 15 min; benches compress it). */
    triggerEverySec: positive.default(2),
    /** Simulated work per phase, in milliseconds. */
    phaseWorkMs: paramDist.default({ mean: 20, sd: 5, min: 0 }),
    failureRate: ratio.default(0.02),
    /** Service Broker message validation (SQL Server): as deployed, or NONE. */
    validation: z.enum(['WELL_FORMED_XML', 'NONE']).default('WELL_FORMED_XML'),
    /** Send OODA triggers when attached to a deployment atombench does not own. */
    sendInAttachMode: z.boolean().default(false),
    /**
     * Who consumes the Hypothesize/Act/Learn queues. client (default): atombench's own consumers.
     * server: SQL Server's activation procedures sp_Hypothesize / sp_Act / sp_Learn (MAX_QUEUE_READERS = 1,
     * EXECUTE AS OWNER), as Hartonomous deploys them; atombench sends the triggers and runs Analyze, and
     * the phase figures come from the rows the procedures write to OODALoopMetrics. mssql only (the
     * sqlite and postgis engines have no activation: refused, exit 2), and not in attach mode.
     */
    activation: z.enum(OODA_ACTIVATIONS).default('client'),
  })
  .strict();

/**
 * Index maintenance during the load (the Act phase's FULLSCAN load as Hartonomous runs it), on its own
 * connection and schedule: UPDATE STATISTICS ... WITH FULLSCAN / ANALYZE every updateStatisticsEverySec,
 * a spatial index rebuild every rebuildIndexEverySec. Both optional; neither set = no maintenance.
 */
export const maintenanceSchema = z
  .object({
    updateStatisticsEverySec: positive.optional(),
    rebuildIndexEverySec: positive.optional(),
  })
  .strict();
export type MaintenanceSpec = z.infer<typeof maintenanceSchema>;

/**
 * The graph side (Neo4j). It runs when a URL is given: `--neo4j-url`, ATOMBENCH_NEO4J_URL, or `url`
 * here (prefer the first two: the password stays out of files; it is never printed).
 */
export const neo4jSchema = z
  .object({
    url: z.string().min(1).optional(),
    /** Sync workers receiving from Neo4jSyncQueue (Hartonomous activates 3 readers). */
    readers: z.number().int().min(1).max(64).default(3),
    /** Sync requests a reader receives and merges in one transaction. */
    batch: z.number().int().min(1).max(10_000).default(10),
    /** Provenance edges per preloaded atom (DERIVED_FROM / INFLUENCED_BY), for graph.provenance. */
    provenance: z.number().int().min(0).max(32).default(2),
    /** Seed atoms preloaded into the graph when the mix reads it (at most dataset.atoms). */
    preloadAtoms: z.number().int().min(0).max(10_000_000).default(10_000),
    /** After the load, how long the readers may empty the queue before the graph is counted. */
    drainSec: nonNegative.default(10),
    /** How long a managed transaction retries transient errors before a reader counts the failure. */
    maxRetrySec: positive.default(5),
    connectTimeoutMs: z.number().int().min(100).max(120_000).default(5000),
  })
  .strict();
export type Neo4jSpec = z.infer<typeof neo4jSchema>;

export const probesSchema = z
  .object({
    intervalMs: z.number().int().min(100).max(600_000).default(1000),
    /** Spatial queries sampled per interval for the seek ratio. */
    planSamples: z.number().int().min(1).max(1000).default(4),
  })
  .strict();

/** How long the server may stay unreachable before the run ends early (reports still written, exit 3). */
export const DEFAULT_MAX_OUTAGE_SEC = 30;
export const faultsSchema = z
  .object({
    maxOutageSec: positive.default(DEFAULT_MAX_OUTAGE_SEC),
  })
  .strict();

export const REPORT_FORMATS = ['json', 'md', 'junit', 'csv', 'html'] as const;
export const reportSchema = z
  .object({
    formats: z
      .array(z.enum(REPORT_FORMATS))
      .min(1)
      .default([...REPORT_FORMATS]),
    out: plainText.min(1).default('reports'),
  })
  .strict();

export const namesSchema = z
  .object({
    preset: z.enum(Object.keys(NAME_PRESETS) as [string, ...string[]]).default('runbook'),
    overrides: z.record(z.string(), z.string().min(1)).default({}),
  })
  .strict();

/** The regression gate (`compare`, `run --baseline`; src/compare/gate.ts has the min-effect grammar). */
export const gateSchema = z
  .object({
    /** Measured phases per run (`--trials`); each gets a fresh warm-up on the same data. */
    trials: z.number().int().min(1).max(100).default(GATE_DEFAULTS.trials),
    /** One-sided significance level of each regression test. */
    alpha: z.number().gt(0).max(0.25).default(GATE_DEFAULTS.alpha),
    /** Metric -> smallest change that counts, e.g. `p95: 10%`, `errorRate: 1pp`, `maxQueueDepth: 5`. */
    minEffect: z
      .record(z.string(), z.string())
      .default({})
      .superRefine((v, ctx) => {
        for (const [metric, text] of Object.entries(v)) {
          const r = parseMinEffect(metric, text);
          if ('error' in r) ctx.addIssue({ code: 'custom', path: [metric], message: r.error });
        }
      }),
    /** Fingerprint fields (or prefixes, e.g. `client`) whose differences do not block a comparison. */
    ignoreFingerprint: z.array(z.string().min(1)).default([]),
    /** Metrics reported but not gated: `p99`, an operation, or `spatial.knn.p99`. */
    ignoreMetrics: z.array(z.string().min(1)).default([]),
    bootstrapResamples: z.number().int().min(100).max(100_000).default(GATE_DEFAULTS.bootstrapResamples),
    /** Seeds the bootstrap, so the same two results always give the same intervals. */
    seed: z.number().int().min(0).default(GATE_DEFAULTS.seed),
  })
  .strict();

export const scenarioSchema = z
  .object({
    name: plainText.min(1).default('unnamed'),
    description: z.string().optional(),
    engine: z.enum(['sqlite', 'postgis', 'mssql']).default('sqlite'),
    /** Connection URL; prefer ATOMBENCH_URL so the password stays out of files. */
    url: z.string().optional(),
    /** Use an existing deployment read-only: create nothing, seed nothing. */
    attach: z.boolean().default(false),
    names: namesSchema.default(() => namesSchema.parse({})),
    dataset: datasetSchema.default(() => datasetSchema.parse({})),
    index: indexSchema.default(() => indexSchema.parse({})),
    workload: workloadSchema,
    load: loadSchema.default(() => loadSchema.parse({ model: 'closed' })),
    warmupSec: warmup.default(3),
    durationSec: durationSec.default(15),
    ooda: oodaSchema.default(() => oodaSchema.parse({})),
    maintenance: maintenanceSchema.default({}),
    neo4j: neo4jSchema.default(() => neo4jSchema.parse({})),
    probes: probesSchema.default(() => probesSchema.parse({})),
    faults: faultsSchema.default(() => faultsSchema.parse({})),
    /** Metric key -> expression (see src/targets/grammar.ts); null removes a runbook default. */
    targets: z.record(z.string(), z.string().nullable()).default({}),
    report: reportSchema.default(() => reportSchema.parse({})),
    gate: gateSchema.default(() => gateSchema.parse({})),
    /** `atombench capacity`: rate search, scale sweep, OODA side (src/scenario/capacity.ts). */
    capacity: capacitySchema.default(() => capacitySchema.parse({})),
  })
  .strict();

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
