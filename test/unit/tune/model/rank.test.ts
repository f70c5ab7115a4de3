import { describe, expect, it } from 'vitest';
import { collectPoints } from '../../../../src/tune/model/buckets.ts';
import { buildFindings } from '../../../../src/tune/model/findings.ts';
import type { GridConfig } from '../../../../src/model/index-config.ts';
import { createPredictor } from '../../../../src/tune/model/predict.ts';
import {
  allGrids,
  candidateBoxes,
  fitBoundingBox,
  rankConfigurations,
} from '../../../../src/tune/model/rank.ts';
import { renderTuneMarkdown, withClause } from '../../../../src/report/tune/markdown.ts';
import { TUNE_SCHEMA, tuneJson } from '../../../../src/tune/document.ts';

/** A small deterministic Hartonomous-like blob: N(0, 0.022^2) per axis (Box-Muller on a fixed LCG). */
function blob(n: number, seed = 7) {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) + 0.5) / 2 ** 31;
  return Array.from({ length: n }, () => {
    const r = Math.sqrt(-2 * Math.log(rnd()));
    const t = 2 * Math.PI * rnd();
    return { x: 0.022 * r * Math.cos(t), y: 0.022 * r * Math.sin(t) };
  });
}

const CURRENT: GridConfig = {
  boundingBox: [-1000, -1000, 1000, 1000],
  grids: ['MEDIUM', 'MEDIUM', 'MEDIUM', 'MEDIUM'],
  cellsPerObject: 16,
};
const points = blob(5000);
const table = collectPoints(points);
const windowsAt = (radius: number) => points.slice(0, 20).map((p) => ({ ...p, radius }));

function rank(radius: number) {
  const predictor = createPredictor(table, windowsAt(radius));
  return rankConfigurations(predictor, CURRENT, {
    boxes: candidateBoxes(CURRENT.boundingBox, table.extent, radius),
  });
}

describe('enumeration and boxes', () => {
  it('has 81 distinct GRIDS combinations', () => {
    const all = allGrids();
    expect(all).toHaveLength(81);
    expect(new Set(all.map((g) => g.join())).size).toBe(81);
  });

  it('fits a square, rounded box around the data with a margin', () => {
    expect(fitBoundingBox({ xmin: -0.11, ymin: -0.1, xmax: 0.11, ymax: 0.1 })).toEqual([
      -0.13, -0.13, 0.13, 0.13,
    ]);
    expect(fitBoundingBox({ xmin: -0.11, ymin: -0.1, xmax: 0.11, ymax: 0.1 }, { padding: 10 })).toEqual([
      -11, -11, 11, 11,
    ]);
    expect(fitBoundingBox({ xmin: 3, ymin: 3, xmax: 3, ymax: 3 })[2]).toBeGreaterThan(3);
  });

  it('lists the scenario box, the fitted box and the radius-padded one', () => {
    expect(candidateBoxes(CURRENT.boundingBox, table.extent, 10).map((b) => b.label)).toEqual([
      'scenario',
      'fitted',
      'fitted+radius',
    ]);
    expect(candidateBoxes(CURRENT.boundingBox, null, 10).map((b) => b.label)).toEqual(['scenario']);
  });
});

describe('ranking a Hartonomous-shaped blob', () => {
  const wide = rank(10);
  const narrow = rank(0.01);

  it('ranks 81 x 5 x 3 configurations and finds the current one', () => {
    expect(wide.rows).toHaveLength(81 * 5 * 3);
    expect(wide.rows.map((r) => r.rank)).toEqual(wide.rows.map((_, i) => i + 1));
    expect(wide.current.config).toEqual(CURRENT);
  });

  it('with radius 10 every window returns every point, so nothing beats the current configuration', () => {
    expect(wide.rows.every((r) => r.prediction.primaryFilterEfficiency === 1)).toBe(true);
    expect(wide.best.isCurrent).toBe(true);
  });

  it('with a radius smaller than the blob, a fitted box wins by a wide margin', () => {
    expect(narrow.best.boxLabel).toBe('fitted');
    expect(narrow.best.prediction.primaryFilterEfficiency).toBeGreaterThan(0.8);
    expect(narrow.current.prediction.primaryFilterEfficiency).toBeLessThan(0.2);
    // Nearly all points in a handful of level-4 cells of the +-1000 box.
    expect(narrow.current.prediction.distinctDataCells).toBeLessThanOrEqual(4);
  });

  it('sorts by efficiency, then index rows, then candidates', () => {
    for (let i = 1; i < narrow.rows.length; i++) {
      const a = narrow.rows[i - 1]!.prediction;
      const b = narrow.rows[i]!.prediction;
      expect(a.primaryFilterEfficiency).toBeGreaterThanOrEqual(b.primaryFilterEfficiency);
      if (a.primaryFilterEfficiency === b.primaryFilterEfficiency && a.indexRows === b.indexRows)
        expect(a.candidateRows).toBeLessThanOrEqual(b.candidateRows);
    }
  });

  it('says it in plain words and renders tune.md and tune.json', () => {
    const whatIfs = [{ label: 'radius 0.01', ranking: narrow }];
    const findings = buildFindings(wide, whatIfs);
    const text = findings.join('\n');
    expect(text).toMatch(/All 5,000 points inside the box fall into [1-4] level-4 cells/);
    expect(text).toMatch(/every query window contains every point/i);
    expect(text).toMatch(/CELLS_PER_OBJECT makes no difference/);
    expect(text).toMatch(
      /If the query radius were 0\.01: a fitted box \(.*\) with GRIDS .* raises predicted primary filter efficiency from/,
    );
    const json = tuneJson(wide, findings, whatIfs);
    expect(json.schema).toBe(TUNE_SCHEMA);
    expect(json.sections.map((s) => s.label)).toEqual(['scenario queries', 'radius 0.01']);
    expect(json.sections[1]!.recommended.box).toBe('fitted');
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    const md = renderTuneMarkdown(json, { top: 5 });
    expect(md).toContain('| rank | box | GRIDS | CELLS_PER_OBJECT | primary filter efficiency');
    expect(md).toContain('(current)');
    expect(md).toContain('## Model');
  });

  it('writes the WITH clause of a configuration', () => {
    expect(withClause(CURRENT)).toBe(
      'WITH (BOUNDING_BOX = (-1000, -1000, 1000, 1000), GRIDS = (LEVEL_1 = MEDIUM, LEVEL_2 = MEDIUM, LEVEL_3 = MEDIUM, LEVEL_4 = MEDIUM), CELLS_PER_OBJECT = 16)',
    );
  });
});
