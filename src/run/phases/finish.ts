import type { Engine } from '../../engines/types.ts';
import type { EngineFingerprint } from '../../model/engine.ts';
import type { RunResult } from '../../model/result.ts';
import type { DatasetOutcome } from '../dataset.ts';
import { clientMachine, runFingerprint } from '../fingerprint.ts';
import type { GraphSession } from '../graph/session.ts';
import type { Measurement } from '../measure/measure.ts';
import { buildResult } from '../result.ts';
import { shardInfo, type ClockOffset } from '../shards/shard-start.ts';
import { guard } from './guard.ts';
import type { RunOptions } from './options.ts';
import type { Teardown } from './teardown.ts';

/** The RunResult of one measurement (a trial, or the run), with what its cleanup counted. */
export function resultBuilder(
  o: RunOptions,
  parts: {
    fingerprint: EngineFingerprint;
    dataset: DatasetOutcome;
    graph: GraphSession | undefined;
    offset: ClockOffset | string;
    teardown: Teardown;
  },
): (m: Measurement, interrupted: boolean) => RunResult {
  const { fingerprint, dataset, graph, offset, teardown } = parts;
  return (m, interrupted) => {
    const r = buildResult({
      runId: o.runId,
      version: o.version,
      scenario: o.scenario,
      fingerprint,
      dataset,
      m,
      targets: o.targets,
      interrupted,
      graph,
      ...(o.shard ? { shard: shardInfo(o.shard, m.load.issued, offset) } : {}),
    });
    if (r.neo4j && teardown.ingestedAtoms !== undefined) r.neo4j.ingestedAtoms = teardown.ingestedAtoms;
    if (r.neo4j && teardown.graphNodes !== undefined) r.neo4j.graphNodes = teardown.graphNodes;
    return r;
  };
}

/** The run's warnings joined to its faults, and its fingerprint from the engine as it is after the run. */
export async function settleResult(
  o: RunOptions,
  engine: Engine,
  result: RunResult,
  fingerprint: EngineFingerprint,
  warnings: string[],
): Promise<RunResult> {
  const sc = o.scenario;
  // The engine's own report of the index once it exists: the same text whether this run built it
  // (the build script's DDL, kept in result.engine) or found it (the catalog's).
  const settled = sc.attach
    ? fingerprint
    : await guard(o.url, 'fingerprint', () => engine.fingerprint()).catch((e: Error) => {
        warnings.push(
          `the engine's fingerprint after the run could not be read (${e.message}); the one from the start is kept`,
        );
        return fingerprint;
      });
  if (result.faults) result.faults.warnings.push(...warnings);
  else result.faults = { outages: [], warnings };
  result.fingerprint = runFingerprint({
    engine: settled,
    scenario: sc,
    dataset: result.dataset,
    version: o.version,
    client: clientMachine(),
  });
  return result;
}
