import { describe, expect, it } from 'vitest';
import { renderTuneHtml } from '../../../../src/report/tune/html.ts';
import { esc } from '../../../../src/report/html/markup.ts';
import { optionFindings } from '../../../../src/tune/sweep/measured-options.ts';
import {
  optionHeaders,
  optionNotes,
  optionRows,
  renderOptionsMarkdown,
} from '../../../../src/report/tune/options.ts';
import { planOptions } from '../../../../src/tune/sweep/options-sweep.ts';
import { renderTuneMarkdown } from '../../../../src/report/tune/markdown.ts';
import { makeMeasuredOptions, makePostgisTune } from '../../report/html-fixtures.ts';

describe('measured index options', () => {
  const m = makeMeasuredOptions();

  it('has one row per configuration: build, size, latency per query set, errors, EXPLAIN index use', () => {
    expect(optionHeaders(m)).toEqual([
      'configuration',
      'build',
      'index MB',
      'spatial.pool p50 ms',
      'spatial.pool p95 ms',
      'spatial.pool p99 ms',
      'spatial.knn p50 ms',
      'spatial.knn p95 ms',
      'spatial.knn p99 ms',
      'errors',
      'index used (EXPLAIN)',
    ]);
    const rows = optionRows(m);
    expect(rows[0]).toEqual([
      'spgist fillfactor=80',
      '0.64 s',
      '1.352',
      '21',
      '42',
      '63',
      '19',
      '38',
      '57',
      '0/80',
      'spatial.pool 0/3, spatial.knn 0/3',
    ]);
    expect(rows[1]![0]).toBe('gist fillfactor=90 buffering=auto (current)');
  });

  it('says in plain words how each configuration compares with the current one, and where the index is not read', () => {
    const f = optionFindings(m);
    expect(f[0]).toBe(
      'spgist fillfactor=80 builds in 0.64 s vs 0.21 s for the current gist fillfactor=90 buffering=auto; ' +
        'index 1.352 MB vs 0.9922 MB (1.36x); spatial.pool p50 21 ms vs 0.9 ms, p99 63 vs 2.7 ms; ' +
        'spatial.knn p50 19 ms vs 0.4 ms, p99 57 vs 1.2 ms.',
    );
    expect(f).toContain(
      'spgist fillfactor=80: EXPLAIN shows spatial.knn not reading the spatial index in 3 of 3 sampled queries (Limit > Sort > Seq Scan on AtomEmbeddings).',
    );
    // the best latency is only claimed for a configuration whose plans read the index
    expect(f.find((l) => l.startsWith('fastest build'))).toBe(
      'fastest build: gist fillfactor=90 buffering=auto; smallest index: gist fillfactor=90 buffering=auto; ' +
        'lowest spatial.pool p50: gist fillfactor=90 buffering=auto; lowest spatial.knn p50: gist fillfactor=90 buffering=auto.',
    );
    expect(f.at(-1)).toMatch(/measured once/);
  });

  it('points out builds of the same size and uses their latency spread as a yardstick for noise', () => {
    const gist = m.configs[1]!;
    const twin = { ...gist, label: 'gist fillfactor=100 buffering=auto', current: false, ops: [...gist.ops] };
    twin.ops[0] = { ...gist.ops[0]!, latencyMs: { ...gist.ops[0]!.latencyMs!, p50: 1.3 } };
    const f = optionFindings({ ...m, configs: [twin, ...m.configs] });
    expect(f).toContain(
      'gist fillfactor=100 buffering=auto, gist fillfactor=90 buffering=auto built indexes of the same size (127 pages), ' +
        "likely the same index: the spread of their latency (spatial.pool p50 0.9..1.3 ms; spatial.knn p50 0.4..0.4 ms) is this measurement's own noise.",
    );
  });

  it('notes the restore, problems and the sweep notes', () => {
    const bad = { ...m, restore: { rebuilt: false, error: 'connection lost' }, configs: [...m.configs] };
    bad.configs[0] = { ...m.configs[0]!, problems: ['rebuild failed: out of disk'] };
    const notes = optionNotes(bad);
    expect(notes[0]).toMatch(/Restoring the original index FAILED: connection lost/);
    expect(notes).toContain('spgist fillfactor=80: rebuild failed: out of disk');
    expect(notes.at(-1)).toBe('a note');
    expect(renderOptionsMarkdown(bad).join('\n')).toContain(`\`\`\`sql\n${m.original.ddl}\n\`\`\``);
  });

  it('puts the measured options first in tune.md and tune.html, and says the grid model does not apply', () => {
    const t = makePostgisTune();
    const md = renderTuneMarkdown(t);
    expect(md).toMatch(/^# Spatial index tuning \(model and measurements\)/);
    const at = (s: string) => md.indexOf(s);
    expect(at('## Index options measured on postgis')).toBeGreaterThan(0);
    expect(at('## Index options measured on postgis')).toBeLessThan(
      at("## SQL Server's GEOMETRY_GRID model (does not apply to postgis; shown for planning)"),
    );
    expect(md).toContain('| spgist fillfactor=80 | 0.64 s | 1.352 |');
    const html = renderTuneHtml(t);
    expect(html).toContain('<section id="measured-options"');
    expect(html).toContain(esc(t.measuredOptions!.findings[0]!));
    expect(html).toContain('does not apply to postgis; shown for planning');
    expect(html).toContain('<div class="verdict">MEASURED</div>');
    expect(html.indexOf('measured-options')).toBeLessThan(html.indexOf('id="ranking-0"'));
  });
});

describe('planOptions', () => {
  const same = (a: number, b: number) => a % 10 === b % 10;
  it('measures each distinct configuration once and the current one last', () => {
    expect(planOptions([1, 2, 11, 3, 5], 3, same)).toEqual([
      { config: 1, current: false },
      { config: 2, current: false },
      { config: 5, current: false },
      { config: 3, current: true },
    ]);
    expect(planOptions([], 3, same)).toEqual([{ config: 3, current: true }]);
  });
});
