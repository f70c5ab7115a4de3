import { describe, expect, it } from 'vitest';
import { renderTuneHtml } from '../../../../src/report/tune/html.ts';
import { collectPoints } from '../../../../src/tune/model/buckets.ts';
import type { GridConfig } from '../../../../src/model/index-config.ts';
import { type TuneMeasured } from '../../../../src/tune/sweep/measured.ts';
import { measuredNotes, renderMeasuredMarkdown } from '../../../../src/report/tune/measured.ts';
import { createPredictor } from '../../../../src/tune/model/predict.ts';
import { candidateBoxes, rankConfigurations } from '../../../../src/tune/model/rank.ts';
import { renderTuneMarkdown } from '../../../../src/report/tune/markdown.ts';
import { tuneJson, type TuneJson } from '../../../../src/tune/document.ts';

const CURRENT: GridConfig = {
  boundingBox: [-1000, -1000, 1000, 1000],
  grids: ['MEDIUM', 'MEDIUM', 'MEDIUM', 'MEDIUM'],
  cellsPerObject: 16,
};
const points = Array.from({ length: 200 }, (_, i) => ({
  x: Math.sin(i) * 0.05,
  y: Math.cos(i * 1.3) * 0.05,
}));
const table = collectPoints(points);
const ranking = rankConfigurations(
  createPredictor(
    table,
    points.slice(0, 5).map((p) => ({ ...p, radius: 0.01 })),
  ),
  CURRENT,
  { boxes: candidateBoxes(CURRENT.boundingBox, table.extent, 0.01) },
);
const model: TuneJson = tuneJson(ranking, ['a finding']);

const measured: TuneMeasured = {
  engine: 'mssql',
  section: 'scenario queries',
  queries: 5,
  warmupQueries: 2,
  filterSamples: 2,
  configs: [
    {
      rank: 1,
      box: 'fitted',
      boundingBox: [-0.1, -0.1, 0.1, 0.1],
      grids: ['HIGH', 'HIGH', 'HIGH', 'HIGH'],
      cellsPerObject: 8,
      sameAsCellsPerObject: [16, 64],
      current: false,
      predicted: {
        primaryFilterEfficiency: 0.9,
        internalFilterShare: 0.5,
        candidateRowsPerQuery: 10,
        outputRowsPerQuery: 9,
        indexRows: 200,
      },
      buildMs: 1234,
      ddl: 'CREATE SPATIAL INDEX ...',
      latencyMs: { count: 5, p50: 1.5, p90: 2, p95: 2.5, p99: 3, p999: 3, max: 3, mean: 1.8, min: 1 },
      queries: 5,
      errors: 0,
      errorsByClass: {},
      rowsPerQuery: 9,
      primaryFilter: { samples: 2, candidates: 20, output: 17, efficiency: 0.85 },
      indexSize: { rows: 200, reservedBytes: 2 * 1024 * 1024, usedBytes: 1024 * 1024 },
      problems: [],
    },
    {
      rank: 40,
      box: 'scenario',
      boundingBox: [-1000, -1000, 1000, 1000],
      grids: ['MEDIUM', 'MEDIUM', 'MEDIUM', 'MEDIUM'],
      cellsPerObject: 16,
      sameAsCellsPerObject: [],
      current: true,
      predicted: {
        primaryFilterEfficiency: 0.01,
        internalFilterShare: 0,
        candidateRowsPerQuery: 200,
        outputRowsPerQuery: 2,
        indexRows: 200,
      },
      queries: 0,
      errors: 0,
      errorsByClass: {},
      problems: ['rebuild failed: Msg 1234'],
    },
  ],
  original: { ddl: 'CREATE SPATIAL INDEX [IX] ... DROP_EXISTING = ON);', existed: true },
  restore: { rebuilt: true, ddl: 'x', durationMs: 2500 },
  interrupted: false,
  notes: ['a note'],
};

describe('measured rendering', () => {
  it('puts prediction beside measurement per configuration in tune.md', () => {
    const md = renderTuneMarkdown({ ...model, measured });
    expect(md).toContain('# Spatial index tuning (model and measurements)');
    expect(md).toContain('## Measured on mssql (scenario queries: 5 queries per configuration');
    expect(md).toContain(
      '| 1 | fitted (-0.1, -0.1, 0.1, 0.1) HIGH, HIGH, HIGH, HIGH | 8, 16, 64 | 1.23 s | 1.5 | 2.5 | 3 | 0/5 | 90.0% | 85.0% | 200 | 200 | 2 |',
    );
    expect(md).toContain('| 40 (current) | scenario');
    expect(md).toContain('| n/a | n/a | n/a | 0/0 | 1.0% | n/a |');
    expect(md).toContain('- The original index was rebuilt at the end in 2.50 s.');
    expect(md).toContain(
      '- rank 40 (scenario (-1000, -1000, 1000, 1000) MEDIUM, MEDIUM, MEDIUM, MEDIUM): rebuild failed',
    );
    expect(md).toContain('- a note');
    expect(renderTuneMarkdown(model)).not.toContain('Measured');
  });

  it('gives the statement to run by hand when the restore failed', () => {
    const bad = { ...measured, restore: { rebuilt: false, error: 'connection lost' } };
    expect(measuredNotes(bad)[0]).toContain('Restoring the original index FAILED: connection lost');
    expect(renderMeasuredMarkdown(bad).join('\n')).toContain('```sql\nCREATE SPATIAL INDEX [IX]');
    expect(measuredNotes({ ...measured, restore: { rebuilt: false } })[0]).toContain('left as it is');
  });

  it('shows the engine note where the grid model does not apply', () => {
    const md = renderTuneMarkdown({
      ...model,
      engine: { name: 'sqlite', gridModelApplies: false, note: 'no options' },
    });
    expect(md).toContain('> **sqlite**: no options.');
  });

  it('adds a measured section to tune.html', () => {
    const html = renderTuneHtml({ ...model, measured });
    expect(html).toContain('id="measured"');
    expect(html).toContain('Measured on mssql');
    expect(html).toContain('MEASURED');
    expect(renderTuneHtml(model)).not.toContain('id="measured"');
  });
});
