import { z } from 'zod';

/**
 * The scenario's `dataset` section and the workload parameter distributions, validated with their
 * defaults beside their definitions (src/scenario/schema.ts composes them into the whole scenario).
 */

const positive = z.number().positive();
const nonNegative = z.number().nonnegative();
const ratio = z.number().min(0).max(1);

/** A workload parameter: a fixed number, a uniform range, a weighted choice, or a normal (clamped at min). */
export const paramDist = z.union([
  z.number(),
  z
    .object({ min: z.number(), max: z.number() })
    .strict()
    .superRefine((v, ctx) => {
      if (!(v.max > v.min))
        ctx.addIssue({ code: 'custom', path: ['max'], message: 'must be greater than min' });
    }),
  z
    .object({ values: z.array(z.number()).min(1), weights: z.array(positive).optional() })
    .strict()
    .superRefine((v, ctx) => {
      if (v.weights && v.weights.length !== v.values.length)
        ctx.addIssue({ code: 'custom', path: ['weights'], message: 'must have one weight per value' });
    }),
  z.object({ mean: z.number(), sd: nonNegative, min: z.number().optional() }).strict(),
]);
export type ParamDist = z.infer<typeof paramDist>;

export const distributionSchema = z
  .object({
    /** projected: Hartonomous-like clustered unit vectors projected on 3 fixed directions. */
    kind: z.enum(['projected', 'sphere', 'uniform']).default('projected'),
    /** Multiplies every coordinate (e.g. 100 for the radius-100 code path). */
    scale: positive.default(1),
    /** projected: number of semantic clusters. */
    clusters: z.number().int().min(1).max(10_000).default(32),
    /** projected: dimension of the simulated embeddings (Hartonomous uses 1998). */
    dimensions: z.number().int().min(3).max(4096).default(256),
    /** projected: spread of atoms around their cluster centre, relative to the centre (0..1). */
    clusterSpread: ratio.default(0.35),
    /** uniform: half the side of the cube the points fill. */
    halfExtent: positive.default(1000),
  })
  .strict();

export const datasetSchema = z
  .object({
    atoms: z.number().int().min(1).max(100_000_000).default(100_000),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(42),
    distribution: distributionSchema.default(() => distributionSchema.parse({})),
    /** Rows per seeding batch (one transaction / COPY chunk / bulk load each). */
    batchSize: z.number().int().min(1).max(1_000_000).default(10_000),
  })
  .strict();

export type DistributionSpec = z.infer<typeof distributionSchema>;
export type DatasetSpec = z.infer<typeof datasetSchema>;
