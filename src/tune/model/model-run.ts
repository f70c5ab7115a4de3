/**
 * The model-only tune of a scenario: the scenario's own data (generated, no database) and its spatial
 * query windows, ranked over every GRIDS x CELLS_PER_OBJECT x bounding box, plus what-if query radii
 * narrower than the data (radius 10, as the code runs it, covers the whole Hartonomous blob, so no
 * index setting can change those queries; the what-ifs show what the settings do for narrower ones).
 */
import { createQuerySource, drawIntParam, drawParam } from '../../dataset/queries.ts';
import { createPointGenerator, datasetPointKey, characteristicScale } from '../../dataset/distributions.ts';
import { createRandom } from '../../dataset/prng.ts';
import type { EngineRequest } from '../../engines/types.ts';
import type { Scenario } from '../../scenario/schema.ts';
import { collectPoints } from './buckets.ts';
import { buildFindings, type WhatIf } from './findings.ts';
import type { GridConfig } from '../../model/index-config.ts';
import { createPredictor } from './predict.ts';
import { type QueryWindow } from '../../engines/types.ts';
import { candidateBoxes, rankConfigurations, type Ranking } from './rank.ts';
import { tuneJson, type TuneJson } from '../document.ts';

export interface ModelRunOptions {
  /** Query windows drawn from the workload (default 200). */
  windows: number;
  /** What-if radii; default: the distribution's characteristic scale and a quarter of it. */
  whatIfRadii?: number[];
  cellsPerObject?: number[];
  onProgress?: (step: string) => void;
}

export function currentGridConfig(sc: Scenario): GridConfig {
  return {
    boundingBox: sc.index.boundingBox,
    grids: sc.index.grids,
    cellsPerObject: sc.index.cellsPerObject,
  };
}

/** Query windows of the scenario: the mix's fixed-window operations (kNN has no fixed window). */
export function scenarioWindows(sc: Scenario, count: number): { windows: QueryWindow[]; ops: string[] } {
  const ops = sc.workload.mix.filter(
    (m) => m.op === 'spatial.pool' || m.op === 'spatial.walk' || m.op === 'spatial.dedup',
  );
  if (ops.length === 0) return { windows: [], ops: [] };
  const rand = createRandom(sc.dataset.seed, 99);
  const points = createQuerySource(sc.dataset, sc.workload.queryJitter, sc.dataset.seed);
  const total = ops.reduce((a, o) => a + o.weight, 0);
  const windows: QueryWindow[] = [];
  for (let i = 0; i < count; i++) {
    let u = rand() * total;
    const spec = ops.find((o) => (u -= o.weight) < 0) ?? ops[ops.length - 1]!;
    const radius = Math.max(0, drawParam(spec.op === 'spatial.dedup' ? spec.threshold : spec.radius, rand));
    const q = points.next();
    windows.push({ x: q.x, y: q.y, radius });
  }
  return { windows, ops: ops.map((o) => o.op) };
}

/**
 * The scenario's spatial.knn requests (none when the mix has no spatial.knn): query points from the same
 * source as the windows, k drawn from the op's own parameter, on a stream of their own.
 */
export function scenarioKnn(sc: Scenario, count: number): EngineRequest[] {
  const spec = sc.workload.mix.find((m) => m.op === 'spatial.knn');
  if (!spec || spec.op !== 'spatial.knn') return [];
  const rand = createRandom(sc.dataset.seed, 98);
  const points = createQuerySource(sc.dataset, sc.workload.queryJitter, sc.dataset.seed);
  return Array.from({ length: count }, () => {
    const k = drawIntParam(spec.k, rand);
    const q = points.next();
    return { op: 'spatial.knn' as const, q: { x: q.x, y: q.y, z: 0 }, k };
  });
}

export interface ModelRun {
  json: TuneJson;
  main: Ranking;
  windowOps: string[];
}

export function runTuneModel(sc: Scenario, o: ModelRunOptions): ModelRun {
  const progress = o.onProgress ?? (() => {});
  progress(`generating ${sc.dataset.atoms} points of the scenario's dataset`);
  const gen = createPointGenerator(sc.dataset.distribution, sc.dataset.seed);
  const key = datasetPointKey(sc.dataset.seed);
  const table = collectPoints(
    (function* () {
      for (let i = 0; i < sc.dataset.atoms; i++) yield gen.point(key, i);
    })(),
  );
  const current = currentGridConfig(sc);
  const { windows, ops } = scenarioWindows(sc, o.windows);
  const rank = (ws: QueryWindow[]) => {
    const maxRadius = ws.reduce((m, w) => Math.max(m, w.radius), 0);
    return rankConfigurations(createPredictor(table, ws), current, {
      boxes: candidateBoxes(current.boundingBox, table.extent, maxRadius),
      cellsPerObjectList: o.cellsPerObject,
    });
  };
  progress(`ranking configurations for ${windows.length} query windows (${ops.join(', ') || 'none'})`);
  const main = rank(windows);
  const s = characteristicScale(sc.dataset.distribution);
  const radii = o.whatIfRadii ?? [round2(s), round2(s / 4)];
  const whatIfs: WhatIf[] = radii.map((r) => {
    progress(`what-if: radius ${r}`);
    return { label: `radius ${r}`, ranking: rank(windows.map((w) => ({ ...w, radius: r }))) };
  });
  return { json: tuneJson(main, buildFindings(main, whatIfs), whatIfs), main, windowOps: ops };
}

/** Two significant digits, so a what-if radius reads like one a person would choose. */
function round2(x: number): number {
  if (!(x > 0)) return x;
  const p = 10 ** (Math.floor(Math.log10(x)) - 1);
  return Number((Math.round(x / p) * p).toPrecision(2));
}
