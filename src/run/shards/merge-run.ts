import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../../errors.ts';
import type { RunResult } from '../../model/result.ts';
import { readResult } from '../../report/read.ts';
import { resolveTargets } from '../../targets/runbook.ts';
import { mergeShards } from './merge-shards.ts';
import { shardProblems, type ShardFile } from './shard-checks.ts';

/**
 * `atombench merge`'s work apart from the CLI: find the shard results (a folder is searched one level
 * deep, as `run --shard` writes <out>/<run id>/shard-I-of-N/result.json), check that they belong
 * together, resolve the scenario's targets once and merge.
 */

async function isDir(p: string): Promise<boolean> {
  return stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/** result.json files named on the command line: files as given, folders searched (shard results only). */
export async function findShardFiles(inputs: readonly string[]): Promise<ShardFile[]> {
  const out: ShardFile[] = [];
  for (const input of inputs) {
    if (!(await isDir(input))) {
      out.push({ file: input, result: await readResult(input, '') });
      continue;
    }
    const candidates = [join(input, 'result.json')];
    for (const e of await readdir(input, { withFileTypes: true }))
      if (e.isDirectory()) candidates.push(join(input, e.name, 'result.json'));
    let found = 0;
    for (const file of candidates) {
      if (
        !(await stat(file).then(
          (s) => s.isFile(),
          () => false,
        ))
      )
        continue;
      const result = await readResult(file, '');
      if (!result.shard) continue; // a merged result (or another run) beside the shards
      out.push({ file, result });
      found++;
    }
    if (found === 0)
      throw new UserError(`${input}: no shard result.json in this folder or the folders in it`);
  }
  return out;
}

/** Check and merge; every problem is reported at once (exit 2). */
export function mergeShardFiles(files: readonly ShardFile[], maxSkewMs: number): RunResult {
  const problems = shardProblems(files, maxSkewMs);
  if (problems.length)
    throw new UserError(`cannot merge: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  const sc = files[0]!.result.scenario as {
    targets?: Record<string, string | null>;
    ooda?: { enabled?: boolean; triggerEverySec?: number };
  };
  const t = resolveTargets(sc.targets ?? {}, {
    oodaTriggerEverySec: sc.ooda?.enabled ? sc.ooda.triggerEverySec : undefined,
    datasetAtoms: files[0]!.result.dataset.atoms,
    neo4j: files.some((f) => f.result.neo4j !== undefined),
  });
  if (t.problems.length)
    throw new UserError(
      `${files[0]!.file}: the scenario's targets do not parse: ${t.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
    );
  return mergeShards(files, t.specs);
}
