import { z } from 'zod';
import { NAME_PRESETS } from './names.ts';
import { GATE_DEFAULTS, parseMinEffect } from './gate.ts';
import { capacitySchema } from './capacity.ts';
import { datasetSchema } from '../dataset/schema.ts';
import { durationSec, plainText, positive, warmup } from './fields.ts';
import { indexSchema } from './index-schema.ts';
import { loadSchema } from './load-schema.ts';
import { neo4jSchema } from './neo4j-schema.ts';
import { maintenanceSchema, oodaSchema } from './ooda-schema.ts';
import { workloadSchema } from './workload-schema.ts';

/**
 * The scenario file. Every field has its default here or in its section's module, beside its definition;
 * units are in the names. Cross-field rules (min < max, bounding box order) are refinements so every
 * problem is reported at once with its path. Sections: fields.ts (shared field types), index-schema.ts,
 * workload-schema.ts, load-schema.ts, ooda-schema.ts (with maintenance), neo4j-schema.ts, capacity.ts;
 * the small ones (probes, faults, report, names, gate) are here.
 */

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
