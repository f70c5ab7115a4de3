import { describe, expect, it } from 'vitest';
import { esc } from '../../../../src/report/html/markup.ts';
import { renderTuneHtml } from '../../../../src/report/tune/html.ts';
import { rankingChart, shownRows } from '../../../../src/report/tune/html-charts.ts';
import { withClause } from '../../../../src/report/tune/markdown.ts';
import { makeTune } from '../html-fixtures.ts';

describe('tune report', () => {
  const t = makeTune();
  const s = t.sections[0]!;

  it('shows the best configurations and the current one wherever it ranks', () => {
    const rows = shownRows(s, 5);
    expect(rows.map((r) => r.rank).slice(0, 5)).toEqual([1, 2, 3, 4, 5]);
    expect(rows.at(-1)).toMatchObject({ current: true, rank: s.current.rank });
    expect(s.current.rank).toBeGreaterThan(5);
  });

  it('charts predicted efficiency by rank, recommended and current coloured apart', () => {
    const c = rankingChart(s, 0, 10);
    expect(c.data[0]).toHaveLength(11);
    expect(c.data[1]).toEqual(shownRows(s, 10).map((r) => r.primaryFilterEfficiency));
    expect(c.series[0]!.fills![0]).toBe('pass');
    expect(c.series[0]!.fills!.at(-1)).toBe('c1');
    expect(c.xLabels!.at(-1)).toBe(`#${s.current.rank} (current)`);
    expect(JSON.parse(JSON.stringify(c))).toEqual(c);
  });

  it('renders the recommendation with its WITH clause, the findings and a ranking table per query set', () => {
    const html = renderTuneHtml(t);
    expect(html).toContain('Spatial index tuning (model only)');
    expect(html).toContain(esc(withClause(s.recommended)));
    for (const f of t.findings) expect(html).toContain(esc(f));
    expect(html.match(/<section id="ranking-\d+"/g)).toHaveLength(t.sections.length);
    expect(html).toContain('<tr class="current">');
  });
});
