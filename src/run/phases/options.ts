import type { Engine } from '../../engines/types.ts';
import type { VerifyMode } from '../../dataset/fingerprint.ts';
import type { Clock } from '../../model/clock.ts';
import type { Scenario } from '../../scenario/schema.ts';
import type { TargetSpec } from '../../targets/runbook.ts';
import type { Progress } from '../progress.ts';
import type { ShardRun } from '../shards/shard-start.ts';

/** What one run (run/orchestrator.ts runBenchmark) is asked to do; its phases read their part of it. */
export interface RunOptions {
  scenario: Scenario;
  targets: TargetSpec[];
  url: string | undefined;
  runId: string;
  version: string;
  signal: AbortSignal;
  progress: Progress;
  reseed: boolean;
  force: boolean;
  /** With force: delete rows atombench did not insert (saying so first) instead of refusing. */
  dropForeignRows?: boolean;
  /** How the stored dataset is checked against the generator before measuring (default sample). */
  verify?: VerifyMode;
  clock?: Clock;
  /** Seeds the workload's random choices; defaults to the dataset seed so reruns issue the same queries. */
  runSeed?: number;
  /** Use this engine instead of creating one from the registry (tests inject a stalling engine). */
  engine?: Engine;
  /** The Neo4j URL (--neo4j-url / ATOMBENCH_NEO4J_URL / neo4j.url): the graph side runs when set. */
  neo4jUrl?: string;
  /** This process is one shard of a run (`run --shard I/N`); runId is then the run's, shared by all shards. */
  shard?: ShardRun;
}
