import { flatten } from '../compare/fingerprint.ts';
import type { RunResult } from '../model/result.ts';

/**
 * Do these results belong together as the shards of one run? Every check names what differs, so
 * `atombench merge` can refuse (exit 2) with the field and the files: the same run id, scenario,
 * dataset and engine fingerprint, atombench version, shard count; N distinct indices 0..N-1 (a missing
 * shard, e.g. one that failed, makes the merged run invalid); measured windows that overlap; and client
 * clocks that agree with the server's to within `maxSkewMs`.
 */

export interface ShardFile {
  /** How the file is named in messages (its path). */
  file: string;
  result: RunResult;
}

/** Default largest spread of the shards' clock offsets to the server. */
export const DEFAULT_MAX_SKEW_MS = 500;

const shorten = (s: string, max = 60): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** The first dotted field where two values differ (for a scenario: `scenario.load.ratePerSec`). */
function firstDifference(
  prefix: string,
  a: unknown,
  b: unknown,
): { field: string; a: string; b: string } | undefined {
  const fa = flatten(a, prefix);
  const fb = flatten(b, prefix);
  for (const field of [...new Set([...Object.keys(fa), ...Object.keys(fb)])].sort()) {
    const va = fa[field] ?? '(absent)';
    const vb = fb[field] ?? '(absent)';
    if (va !== vb) return { field, a: va, b: vb };
  }
  return undefined;
}

/** The fields every shard of one run shares (the engine fingerprint without the client machine). */
function shared(r: RunResult): Record<string, unknown> {
  return {
    runId: r.runId,
    atombenchVersion: r.atombenchVersion,
    // Where the reports go and how the server was reached do not change what was measured.
    scenario: { ...r.scenario, report: undefined, url: undefined },
    dataset: {
      atoms: r.dataset.atoms,
      seed: r.dataset.seed,
      checksum: r.dataset.checksum,
      distribution: r.dataset.distribution,
    },
    engine: r.fingerprint
      ? {
          name: r.fingerprint.engine.name,
          serverVersion: r.fingerprint.engine.serverVersion,
          settings: r.fingerprint.engine.settings,
          indexDdl: r.fingerprint.engine.indexDdl,
        }
      : {
          name: r.engine.engine,
          serverVersion: r.engine.serverVersion,
          settings: r.engine.settings,
          indexDdl: r.engine.indexDdl,
        },
    shards: r.shard?.count,
  };
}

export function shardProblems(files: readonly ShardFile[], maxSkewMs = DEFAULT_MAX_SKEW_MS): string[] {
  const problems: string[] = [];
  if (files.length === 0) return ['no shard results given'];
  const notShards = files.filter((f) => !f.result.shard);
  for (const f of notShards)
    problems.push(
      `${f.file}: not a shard result (no "shard" field${f.result.merged ? '; it is already a merged result' : ''}): run it with --shard I/N`,
    );
  if (notShards.length) return problems;

  const first = files[0]!;
  for (const f of files.slice(1)) {
    const d = firstDifference('', shared(first.result), shared(f.result));
    if (d)
      problems.push(
        `${d.field} differs: ${first.file} has ${shorten(d.a)}, ${f.file} has ${shorten(d.b)} (not shards of the same run)`,
      );
  }
  if (problems.length) return problems;

  const count = first.result.shard!.count;
  const byIndex = new Map<number, string[]>();
  for (const f of files)
    byIndex.set(f.result.shard!.index, [...(byIndex.get(f.result.shard!.index) ?? []), f.file]);
  for (const [index, names] of byIndex)
    if (names.length > 1)
      problems.push(`shard.index ${index} appears ${names.length} times: ${names.join(', ')}`);
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !byIndex.has(i));
  if (missing.length)
    problems.push(
      `shard.index: missing ${missing.map((i) => `${i}/${count}`).join(', ')} of run ${first.result.runId} (a shard that failed makes the merged run invalid)`,
    );

  const start = Math.max(...files.map((f) => Date.parse(f.result.startedAt)));
  const end = Math.min(...files.map((f) => Date.parse(f.result.finishedAt)));
  if (!(start < end)) {
    const late = files.find((f) => Date.parse(f.result.startedAt) === start)!;
    const early = files.find((f) => Date.parse(f.result.finishedAt) === end)!;
    problems.push(
      `startedAt/finishedAt: the windows do not overlap (${late.file} started ${late.result.startedAt}, after ${early.file} finished ${early.result.finishedAt})`,
    );
  }

  const offsets = files.flatMap((f) =>
    f.result.shard!.clockOffsetMs !== undefined ? [{ f, ms: f.result.shard!.clockOffsetMs }] : [],
  );
  const skew = clockSkewMs(files);
  if (skew !== undefined && skew > maxSkewMs) {
    const lo = offsets.reduce((a, b) => (b.ms < a.ms ? b : a));
    const hi = offsets.reduce((a, b) => (b.ms > a.ms ? b : a));
    problems.push(
      `shard.clockOffsetMs: the shards' clocks disagree by ${skew.toFixed(0)} ms, more than --max-skew ${maxSkewMs} ms (${lo.f.file} ${lo.ms.toFixed(0)} ms, ${hi.f.file} ${hi.ms.toFixed(0)} ms to the server): sync the clients' clocks (NTP)`,
    );
  }
  return problems;
}

/** Largest minus smallest clock offset to the server, ms; undefined when fewer than two shards measured one. */
export function clockSkewMs(files: readonly ShardFile[]): number | undefined {
  const ms = files.flatMap((f) =>
    f.result.shard?.clockOffsetMs !== undefined ? [f.result.shard.clockOffsetMs] : [],
  );
  return ms.length >= 2 ? Math.max(...ms) - Math.min(...ms) : undefined;
}
