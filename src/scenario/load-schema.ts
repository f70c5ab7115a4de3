import { z } from 'zod';
import { durationSec, nonNegative, ratePerSec } from './fields.ts';

/** The scenario's load section: an open loop (arrival rate) or a closed loop (concurrency), with stages. */

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
