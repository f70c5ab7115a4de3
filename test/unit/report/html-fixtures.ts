import { compareResults } from '../../../src/compare/compare.ts';
import { resolveGate } from '../../../src/compare/gate.ts';
import type { CompareResult } from '../../../src/compare/model.ts';
import { createLatencyHistogram, recordMicros } from '../../../src/metrics/histogram.ts';
import type { OperationTotals } from '../../../src/metrics/interval.ts';
import { toOperationStats, totalOperationStats } from '../../../src/metrics/operation-stats.ts';
import type { RunResult } from '../../../src/report/model.ts';
import { collectPoints } from '../../../src/tune/buckets.ts';
import { buildFindings } from '../../../src/tune/findings.ts';
import type { GridConfig } from '../../../src/tune/grid.ts';
import { createPredictor } from '../../../src/tune/predict.ts';
import { candidateBoxes, rankConfigurations } from '../../../src/tune/rank.ts';
import { tuneJson, type TuneJson } from '../../../src/tune/render.ts';
import { MEASURED_SEC, makeResult, RAW_US } from '../../fixtures/result.ts';

/**
 * Inputs for the compare HTML tests: the shared run fixture as the baseline, and a candidate whose
 * spatial.pool is 40 % slower and spatial.knn 30 % faster, compared by the real compare code.
 */

function totals(values: number[], errors: Record<string, number> = {}): OperationTotals {
  const histogram = createLatencyHistogram();
  for (const v of values) recordMicros(histogram, v);
  const count = values.length + Object.values(errors).reduce((a, b) => a + b, 0);
  return { count, errors, histogram, rowsOutput: values.length, rowsWithCandidates: 0 };
}

export function makeCandidate(): RunResult {
  const c = makeResult();
  c.runId = '20250602T120000Z-postgis-ci-gate';
  const scale: Record<string, number> = { 'spatial.pool': 1.4, 'spatial.knn': 0.7, ingest: 1 };
  const all = Object.entries(RAW_US).map(([op, us]) => [op, totals(us.map((v) => v * scale[op]!))] as const);
  c.operations = all.map(([op, t]) => toOperationStats(op, t, MEASURED_SEC));
  c.total = totalOperationStats(
    all.map(([, t]) => t),
    MEASURED_SEC,
  );
  return c;
}

export function makeCompare(): CompareResult {
  return compareResults({
    baseline: makeResult(),
    candidate: makeCandidate(),
    settings: resolveGate({}).settings,
    labels: { baseline: 'main', candidate: 'pr-42' },
  });
}

/** A small model-only tune (1,500 points of a Hartonomous-like blob, 8 windows), as `atombench tune` makes it. */
export function makeTune(): TuneJson {
  let s = 11;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) + 0.5) / 2 ** 31;
  const points = Array.from({ length: 1500 }, () => {
    const r = Math.sqrt(-2 * Math.log(rnd()));
    const t = 2 * Math.PI * rnd();
    return { x: 0.022 * r * Math.cos(t), y: 0.022 * r * Math.sin(t) };
  });
  const current: GridConfig = {
    boundingBox: [-1000, -1000, 1000, 1000],
    grids: ['MEDIUM', 'MEDIUM', 'MEDIUM', 'MEDIUM'],
    cellsPerObject: 16,
  };
  const table = collectPoints(points);
  const radius = 0.02;
  const predictor = createPredictor(
    table,
    points.slice(0, 8).map((p) => ({ ...p, radius })),
  );
  const ranking = rankConfigurations(predictor, current, {
    boxes: candidateBoxes(current.boundingBox, table.extent, radius),
    cellsPerObjectList: [1, 16],
  });
  return tuneJson(ranking, buildFindings(ranking));
}
