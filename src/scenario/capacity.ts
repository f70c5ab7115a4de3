import { z } from 'zod';

/**
 * The `capacity:` section of a scenario (`atombench capacity`). Defaults are stated here, beside their
 * definitions. Each step of the rate search is a short run of the scenario itself (its warmupSec and
 * durationSec, its open-loop mix) at one offered rate.
 */
const positive = z.number().positive();
const atomsList = z.array(z.number().int().min(1).max(100_000_000));

export const capacitySchema = z
  .object({
    /** The first offered rate (arrivals/s); default: the scenario's load.ratePerSec. */
    startRatePerSec: positive.optional(),
    /** Step-up factor while every check passes (geometric search). */
    growth: z.number().gt(1).max(10).default(2),
    /** Bisection stops when (first bad - last good) / last good is at most this. */
    resolution: z.number().gt(0).max(1).default(0.05),
    /** Never offer more than this. */
    maxRatePerSec: positive.default(1_000_000),
    /** Steps at most (search, bisection, trials, sweep and OODA steps together). */
    maxSteps: z.number().int().min(1).max(500).default(30),
    /** Wall-clock budget of the whole command; a step that would end past it is not started. */
    maxMinutes: positive.default(30),
    /** Measurements of each rate of the final bracket (the knee's interval comes from them). */
    trials: z.number().int().min(1).max(30).default(3),
    /** A step whose dropped / offered arrivals exceeds this fails (open loop at its maxInFlight). */
    maxDropRatio: z.number().min(0).max(1).default(0.01),
    /**
     * A step the client could not drive faithfully (result.client.bottleneck): `stop` ends the search
     * there and the answer is a lower bound; `judge` judges it on its checks anyway and keeps the flag
     * (for a shared test machine whose neighbours stall the event loop; the answer then says so).
     */
    clientBound: z.enum(['stop', 'judge']).default('stop'),
    /** Run the rate search (false: only the sweep and/or the OODA side). */
    search: z.boolean().default(true),
    /** Scale sweep sizes, ascending (`--atoms 10k,100k,1M`); empty: no sweep. */
    atoms: atomsList.default([]),
    /** The fixed offered rate of the sweep's runs; default: the scenario's load.ratePerSec. */
    sweepRatePerSec: positive.optional(),
    /** Also seed each grown size fresh in a scratch store and compare the stored digests. */
    verifyGrowth: z.boolean().default(false),
    /** Sizes beyond the largest measured one at which the fit's prediction is shown (labelled extrapolated). */
    extrapolateAtoms: atomsList.default([3_000_000, 10_000_000]),
    /**
     * The OODA side: offered triggers per second, stepped geometrically while max queue depth stays below
     * depthLimit, then bisected between the last rate within it and the first past it to `resolution`.
     */
    ooda: z
      .object({
        enabled: z.boolean().default(false),
        startTriggersPerSec: positive.default(1),
        growth: z.number().gt(1).max(10).default(2),
        maxTriggersPerSec: positive.default(1000),
        /** The runbook's queue depth target ("<10 messages"). */
        depthLimit: positive.default(10),
        /** Bisect until the bracket's ends are within this fraction of each other (as capacity.resolution). */
        resolution: z.number().gt(0).max(1).default(0.1),
        /** The spatial load offered meanwhile; default: the scenario's load.ratePerSec. */
        ratePerSec: positive.optional(),
      })
      .strict()
      .default(() => ({
        enabled: false,
        startTriggersPerSec: 1,
        growth: 2,
        maxTriggersPerSec: 1000,
        depthLimit: 10,
        resolution: 0.1,
      })),
  })
  .strict()
  .superRefine((v, ctx) => {
    for (let i = 1; i < v.atoms.length; i++)
      if (!(v.atoms[i]! > v.atoms[i - 1]!))
        ctx.addIssue({ code: 'custom', path: ['atoms', i], message: 'sizes must be ascending' });
  });

export type CapacitySpec = z.infer<typeof capacitySchema>;
