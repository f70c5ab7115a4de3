import { z } from 'zod';
import { paramDist } from '../dataset/schema.ts';
import type { OperationName } from '../model/operations.ts';
import { nonNegative, positive } from './fields.ts';

/** The scenario's workload section: the operation mix (one branch per operation), jitter and timeout. */

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
