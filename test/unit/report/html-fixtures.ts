import { compareResults } from '../../../src/compare/compare.ts';
import { resolveGate } from '../../../src/scenario/gate.ts';
import type { CompareResult } from '../../../src/compare/model.ts';
import { createLatencyHistogram, recordMicros } from '../../../src/metrics/histogram.ts';
import type { OperationTotals } from '../../../src/metrics/interval.ts';
import { toOperationStats, totalOperationStats } from '../../../src/metrics/operation-stats.ts';
import type { LatencySummary, RunResult } from '../../../src/model/result.ts';
import { collectPoints } from '../../../src/tune/model/buckets.ts';
import { buildFindings } from '../../../src/tune/model/findings.ts';
import type { GridConfig } from '../../../src/model/index-config.ts';
import { optionFindings, type TuneMeasuredOptions } from '../../../src/tune/sweep/measured-options.ts';
import { createPredictor } from '../../../src/tune/model/predict.ts';
import { candidateBoxes, rankConfigurations } from '../../../src/tune/model/rank.ts';
import { tuneJson, type TuneJson } from '../../../src/tune/document.ts';
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

const lat = (p50: number): LatencySummary => ({
  count: 40,
  p50,
  p90: p50 * 1.5,
  p95: p50 * 2,
  p99: p50 * 3,
  p999: p50 * 4,
  max: p50 * 5,
  mean: p50 * 1.2,
  min: p50 / 2,
});

/** The measured index options of a PostGIS tune: GiST (current) vs SP-GiST, whose kNN plans miss the index. */
export function makeMeasuredOptions(): TuneMeasuredOptions {
  const ops = (pool: number, knn: number) => [
    {
      op: 'spatial.pool',
      queries: 40,
      errors: 0,
      errorsByClass: {},
      latencyMs: lat(pool),
      rowsPerQuery: 100,
    },
    { op: 'spatial.knn', queries: 40, errors: 0, errorsByClass: {}, latencyMs: lat(knn), rowsPerQuery: 10 },
  ];
  const m: TuneMeasuredOptions = {
    engine: 'postgis',
    queries: [
      { op: 'spatial.pool', count: 40, detail: 'windows of spatial.pool, pool 100' },
      { op: 'spatial.knn', count: 40, detail: "the mix's k" },
    ],
    warmupQueries: 5,
    planSamples: 3,
    configs: [
      {
        label: 'spgist fillfactor=80',
        options: { method: 'spgist', fillfactor: 80 },
        current: false,
        ddl: 'CREATE INDEX "IX" ON "AtomEmbeddings" USING spgist ("SpatialGeometry" spgist_geometry_ops_2d);',
        buildMs: 640,
        indexSize: { bytes: 1_417_216, pages: 173, tuples: 20_000 },
        ops: ops(21, 19),
        plans: [
          {
            op: 'spatial.pool',
            samples: 3,
            usedIndex: 0,
            summary: 'Limit > Sort > Seq Scan on AtomEmbeddings',
          },
          {
            op: 'spatial.knn',
            samples: 3,
            usedIndex: 0,
            summary: 'Limit > Sort > Seq Scan on AtomEmbeddings',
          },
        ],
        problems: [],
      },
      {
        label: 'gist fillfactor=90 buffering=auto',
        options: { method: 'gist', fillfactor: 90, buffering: 'auto' },
        current: true,
        ddl: 'CREATE INDEX "IX" ON "AtomEmbeddings" USING gist ("SpatialGeometry");',
        buildMs: 210,
        indexSize: { bytes: 1_040_384, pages: 127, tuples: 20_000 },
        ops: ops(0.9, 0.4),
        plans: [
          { op: 'spatial.pool', samples: 3, usedIndex: 3, summary: 'Index Scan using IX on AtomEmbeddings' },
          { op: 'spatial.knn', samples: 3, usedIndex: 3, summary: 'Index Scan using IX on AtomEmbeddings' },
        ],
        problems: [],
      },
    ],
    original: {
      ddl: 'CREATE INDEX "IX" ON public."AtomEmbeddings" USING gist ("SpatialGeometry");',
      existed: true,
    },
    restore: { rebuilt: false },
    interrupted: false,
    findings: [],
    notes: ['a note'],
  };
  m.findings = optionFindings(m);
  return m;
}

/** A PostGIS tune: the grid model (shown for planning) and the measured index options. */
export function makePostgisTune(): TuneJson {
  return {
    ...makeTune(),
    engine: { name: 'postgis', gridModelApplies: false, note: 'the grid model does not apply to PostGIS' },
    measuredOptions: makeMeasuredOptions(),
  };
}
