/**
 * Which GEOMETRY_GRID configurations the measured sweep rebuilds (SQL Server): the model's best distinct
 * ones and the current one, last. Pure.
 */
import type { GridConfig } from '../../model/index-config.ts';
import type { TuneRow, TuneSection } from '../document.ts';

export interface SweepStep {
  row: TuneRow;
  /** CELLS_PER_OBJECT values of rows the model predicts identical to `row`. */
  sameAsCellsPerObject: number[];
}

export function sameConfig(a: GridConfig, b: GridConfig): boolean {
  const close = (x: number, y: number) => x === y || Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x));
  return (
    a.cellsPerObject === b.cellsPerObject &&
    a.grids.every((g, i) => g === b.grids[i]) &&
    a.boundingBox.every((v, i) => close(v, b.boundingBox[i]!))
  );
}

export function rowConfig(r: TuneRow): GridConfig {
  return { boundingBox: r.boundingBox, grids: r.grids, cellsPerObject: r.cellsPerObject };
}

/** Rows the model cannot tell apart (same box and GRIDS, same predictions) are one rebuild. */
function groupKey(r: TuneRow): string {
  return [
    r.box,
    r.boundingBox.join(','),
    r.grids.join(','),
    r.primaryFilterEfficiency,
    r.candidateRowsPerQuery,
    r.indexRows,
  ].join('|');
}

/**
 * The configurations to rebuild: the `top` best distinct ones of the section, plus the current one when
 * it is not among them; the current one always last. A group holding the current row is measured
 * through the current row (its CELLS_PER_OBJECT), others through their best-ranked row.
 */
export function planSweep(section: TuneSection, top: number): SweepStep[] {
  const groups = new Map<string, TuneRow[]>();
  for (const r of [...section.rows].sort((a, b) => a.rank - b.rank)) {
    const k = groupKey(r);
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  const currentKey = groupKey(section.current);
  if (!groups.has(currentKey)) groups.set(currentKey, [section.current]);
  const step = (rows: TuneRow[], lead: TuneRow): SweepStep => ({
    row: lead,
    sameAsCellsPerObject: [
      ...new Set(rows.filter((r) => r.cellsPerObject !== lead.cellsPerObject).map((r) => r.cellsPerObject)),
    ].sort((a, b) => a - b),
  });
  const chosen = [...groups.entries()].slice(0, Math.max(0, top));
  const steps = chosen.filter(([k]) => k !== currentKey).map(([, rows]) => step(rows, rows[0]!));
  steps.push(step(groups.get(currentKey)!, section.current));
  return steps;
}
