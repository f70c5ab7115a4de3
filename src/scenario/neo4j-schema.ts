import { z } from 'zod';
import { nonNegative, positive } from './fields.ts';

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
