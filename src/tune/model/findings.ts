/**
 * What a DBA needs from a ranking, in plain words: where the points sit in the current grid, what each query
 * reads, whether any setting can help, and what a fitted bounding box changes. Every number comes from the
 * offline model (predict.ts); the last finding says so and what to measure next.
 */
import { cellSize, gridGeometry } from './grid.ts';
import { type BoundingBox, type GridConfig } from '../../model/index-config.ts';
import type { RankRow, Ranking } from './rank.ts';

export interface WhatIf {
  /** e.g. "radius 0.02". */
  label: string;
  ranking: Ranking;
}

export function buildFindings(main: Ranking, whatIfs: readonly WhatIf[] = []): string[] {
  const out: string[] = [];
  out.push(occupancyFinding(main.current));
  out.push(...queryFindings(main, ''));
  const cpo = cellsPerObjectFinding(main);
  if (cpo) out.push(cpo);
  const p = main.current.prediction;
  if (p.level0Rows > 0)
    out.push(
      `${int(p.level0Rows)} points (${pct(p.level0Rows / p.objects)}) lie outside the current bounding box: they sit in ` +
        'the level-0 cell, which the index cannot subdivide, and are candidates for every query window that ' +
        'reaches outside the box.',
    );
  for (const w of whatIfs)
    out.push(...queryFindings(w.ranking, `If the query radius were ${w.label.replace(/^radius /, '')}: `));
  out.push(
    `These are predictions of an offline model of GEOMETRY_GRID tessellation (query windows as exact discs, ` +
      `SPATIAL_WINDOW_MAX_CELLS = ${main.model.windowMaxCells}, ${main.model.order} cell order where SQL Server uses an ` +
      'undocumented Hilbert variant). Rebuild and measure the top few on the server before changing production ' +
      '(atombench tune --engine mssql --top K).',
  );
  return out;
}

function occupancyFinding(row: RankRow): string {
  const p = row.prediction;
  const cfg = row.config;
  const level = p.pointLevel;
  const size = cellSize(gridGeometry(cfg.boundingBox, cfg.grids), level);
  const inBox = p.objects - p.level0Rows;
  const where = `level-${level} cells of the current index (${describeConfig(cfg)}; a level-${level} cell is ${num(size.width)} x ${num(size.height)})`;
  const cells = p.distinctDataCells - (p.level0Rows > 0 ? 1 : 0);
  let spread: string;
  if (inBox === 0) spread = `No point lies inside the current bounding box.`;
  else if (cells <= p.fullestCellCounts.length)
    spread = `All ${int(inBox)} points inside the box fall into ${cells} ${where}.`;
  else {
    let k = 0;
    let sum = 0;
    while (k < p.fullestCellCounts.length && sum < 0.99 * inBox) sum += p.fullestCellCounts[k++]!;
    spread =
      sum >= 0.99 * inBox
        ? `${pct(sum / inBox)} of the ${int(inBox)} points inside the box fall into ${k} ${where}.`
        : `The ${int(inBox)} points inside the box spread over ${int(cells)} ${where}; the fullest holds ${int(p.fullestCellCounts[0] ?? 0)}.`;
  }
  return `${spread} The data's extent covers ${pct(p.dataBoxShare)} of the box's area.`;
}

function queryFindings(r: Ranking, prefix: string): string[] {
  const out: string[] = [];
  const cur = r.current.prediction;
  const q = Math.max(1, cur.queries);
  const radius = radiusText(r.queries);
  out.push(
    `${prefix}each query window (radius ${radius}) reads on average ${int(cur.candidateRows / q)} candidate rows through ` +
      `the primary filter of the current index and returns ${int(cur.outputRows / q)}: predicted primary filter efficiency ` +
      `${pct(cur.primaryFilterEfficiency)}; the internal filter accepts ${pct(cur.internalFilterShare)} of the candidates ` +
      'without the exact test.',
  );
  if (cur.queries > 0 && cur.outputRows === cur.queries * cur.objects) {
    out.push(
      `${prefix}every query window contains every point, so each query returns the whole table whatever GRIDS, ` +
        'CELLS_PER_OBJECT or BOUNDING_BOX say: no index setting can make it cheaper. Only a smaller radius, or a ' +
        'nearest-neighbour query (TOP (k) ... ORDER BY STDistance), reads less.',
    );
    return out.map(capitalize);
  }
  for (const label of ['fitted', 'fitted+radius']) {
    const row = r.rows.find((x) => x.boxLabel === label);
    const box = r.boxes.find((b) => b.label === label);
    if (!row || !box) continue;
    out.push(
      `${prefix}${gainSentence(`a ${label === 'fitted' ? 'fitted' : 'radius-padded fitted'} box ${boxText(box.box)}`, r.current, row)}`,
    );
  }
  const best = r.best;
  if (best.isCurrent || best.prediction.primaryFilterEfficiency <= cur.primaryFilterEfficiency)
    out.push(`${prefix}no configuration is predicted to beat the current one on this query set.`);
  else
    out.push(
      `${prefix}the best predicted configuration is ${describeConfig(best.config)}, CELLS_PER_OBJECT = ` +
        `${best.config.cellsPerObject}: ${pct(best.prediction.primaryFilterEfficiency)} efficiency, ` +
        `${int(best.prediction.candidateRows / q)} candidate rows per query instead of ${int(cur.candidateRows / q)}.`,
    );
  return out.map(capitalize);
}

function gainSentence(what: string, current: RankRow, row: RankRow): string {
  const a = current.prediction;
  const b = row.prediction;
  const q = Math.max(1, a.queries);
  const grids = `GRIDS (${row.config.grids.join(', ')})`;
  if (b.primaryFilterEfficiency > a.primaryFilterEfficiency)
    return (
      `${what} with ${grids} raises predicted primary filter efficiency from ${pct(a.primaryFilterEfficiency)} to ` +
      `${pct(b.primaryFilterEfficiency)} (candidate rows per query from ${int(a.candidateRows / q)} to ${int(b.candidateRows / q)}).`
    );
  return `${what} at best predicts ${pct(b.primaryFilterEfficiency)} (with ${grids}), no better than the current ${pct(a.primaryFilterEfficiency)}.`;
}

/** Only worth saying when the list spans limits that differ and the predictions agree for all limits >= 2. */
function cellsPerObjectFinding(r: Ranking): string | null {
  const cfg = r.current.config;
  const same = r.rows.filter(
    (x) => x.boxLabel === r.current.boxLabel && x.config.grids.every((g, i) => g === cfg.grids[i]),
  );
  const multi = same
    .filter((x) => x.config.cellsPerObject >= 2)
    .sort((a, b) => a.config.cellsPerObject - b.config.cellsPerObject);
  if (multi.length < 2) return null;
  const e = multi[0]!.prediction.primaryFilterEfficiency;
  if (!multi.every((x) => x.prediction.primaryFilterEfficiency === e)) return null;
  const one = same.find((x) => x.config.cellsPerObject === 1);
  return (
    `CELLS_PER_OBJECT makes no difference for a column of points: a point is one index row in one level-4 cell at ` +
    `any limit of 2 or more (${multi.map((x) => x.config.cellsPerObject).join(', ')} all predict ${pct(e)}).` +
    (one
      ? ` With CELLS_PER_OBJECT = 1 points stop at level 1 (level-1 count reaches the limit): ${pct(one.prediction.primaryFilterEfficiency)}.`
      : '')
  );
}

/** The radius of a query set: one value, or its range. */
export function radiusText(q: { radiusMin: number; radiusMax: number }): string {
  return q.radiusMin === q.radiusMax ? num(q.radiusMax) : `${num(q.radiusMin)}..${num(q.radiusMax)}`;
}

export function describeConfig(cfg: GridConfig): string {
  return `BOUNDING_BOX ${boxText(cfg.boundingBox)}, GRIDS (${cfg.grids.join(', ')})`;
}

export function boxText(b: BoundingBox): string {
  return `(${b.map(num).join(', ')})`;
}

/** A share as a percentage with enough digits to be non-zero when it is (0.0000017 %). */
export function pct(x: number): string {
  const v = 100 * x;
  if (v === 0 || v === 100) return `${v}%`;
  if (v >= 99.95 && v < 100) return `${v.toPrecision(5)}%`;
  return v >= 0.1 ? `${v.toFixed(1)}%` : `${v.toPrecision(2)}%`;
}

export function int(x: number): string {
  return Math.round(x).toLocaleString('en-US');
}

export function num(x: number): string {
  return Number(x.toPrecision(4)).toString();
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
