import { datasetKey } from '../dataset/stream.ts';
import type { ScaleFit, ScaleSweep, SweepPoint } from '../model/capacity.ts';
import type { RunResult } from '../model/result.ts';
import type { Scenario } from '../scenario/schema.ts';
import { scaleFit } from './fit.ts';

/** The scale sweep's pure parts: each size's scenario, its point from the run, the fits over all sizes. */

/** The scenario at `atoms`, everything else unchanged (the same generator stream, so a prefix of the next). */
export function sizeScenario(sc: Scenario, atoms: number, ratePerSec: number): Scenario {
  if (sc.load.model !== 'open') throw new Error('sizeScenario: open loop only');
  return {
    ...sc,
    dataset: { ...sc.dataset, atoms },
    load: { ...sc.load, ratePerSec, stages: [] },
  };
}

/** Keys of the smaller sizes of the same dataset: a stored one is grown in place. */
export function smallerKeys(sc: Scenario, atoms: number): string[] {
  const sizes = [...sc.capacity.atoms, sc.dataset.atoms].filter((a) => a < atoms);
  return [...new Set(sizes)].map((a) => datasetKey({ ...sc.dataset, atoms: a }));
}

export function sweepPoint(
  r: RunResult,
  a: {
    atoms: number;
    grownFrom: number;
    seedMs: number;
    indexBuildMs: number | null;
    storedDigest: string | null;
    freshDigest?: string | null;
    indexBytes: number | null;
    resultFile: string;
  },
): SweepPoint {
  return {
    atoms: a.atoms,
    checksum: r.dataset.checksum,
    storedDigest: a.storedDigest,
    ...(a.freshDigest !== undefined ? { freshDigest: a.freshDigest } : {}),
    grownFrom: a.grownFrom,
    seedMs: a.seedMs,
    indexBuildMs: a.indexBuildMs,
    offeredRatePerSec: r.load.ratePerSec ?? 0,
    throughputPerSec: r.total.throughputPerSec,
    latencyMs: Object.fromEntries(r.operations.filter((o) => o.count > 0).map((o) => [o.op, o.latencyMs])),
    indexBytes: a.indexBytes,
    seekRatio: 'value' in r.probes.seekRatio ? r.probes.seekRatio.value : null,
    primaryFilterEfficiency: Object.fromEntries(
      r.operations.flatMap((o) =>
        o.primaryFilterEfficiency !== undefined ? [[o.op, o.primaryFilterEfficiency]] : [],
      ),
    ),
    // An interrupted or empty step is not a pass (the run's verdict: run/result.ts runVerdict).
    verdict: r.verdict === 'pass' ? 'pass' : 'fail',
    runId: r.runId,
    resultFile: a.resultFile,
  };
}

export function sweepFits(points: readonly SweepPoint[], extrapolateAtoms: readonly number[]): ScaleFit[] {
  const ops = [...new Set(points.flatMap((p) => Object.keys(p.latencyMs)))];
  return ops.flatMap((op) =>
    (['p50', 'p95', 'p99', 'mean'] as const).flatMap((stat) => {
      const f = scaleFit(
        op,
        stat,
        points.flatMap((p) =>
          p.latencyMs[op] ? [{ atoms: p.atoms, latencyMs: p.latencyMs[op]![stat] }] : [],
        ),
        extrapolateAtoms,
      );
      return f ? [f] : [];
    }),
  );
}

export function scaleSweep(points: SweepPoint[], extrapolateAtoms: readonly number[]): ScaleSweep {
  const verified = points.filter((p) => p.freshDigest !== undefined);
  return {
    points,
    fits: sweepFits(points, extrapolateAtoms),
    growthExact: verified.length
      ? verified.every((p) => p.storedDigest !== null && p.storedDigest === p.freshDigest)
      : null,
  };
}
