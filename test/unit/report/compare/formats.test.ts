import { describe, expect, it } from 'vitest';
import { compareResults } from '../../../../src/compare/compare.ts';
import { fmtChange } from '../../../../src/report/compare/format.ts';
import { resolveGate } from '../../../../src/scenario/gate.ts';
import { renderCompareJunit } from '../../../../src/report/compare/junit.ts';
import { renderCompareMarkdown } from '../../../../src/report/compare/markdown.ts';
import { parseFormats, REPORTERS } from '../../../../src/report/registry.ts';
import { synthRun } from '../../compare/synthetic.ts';

const settings = resolveGate({ ignoreMetrics: ['spatial.pool.p99'] }).settings;
const regressed = compareResults({
  baseline: synthRun({ trials: 3, seed: 1 }),
  candidate: synthRun({ trials: 3, seed: 2, scale: 1.6 }),
  settings,
  labels: { baseline: 'main', candidate: 'reports/latest' },
  ignoredDifferences: [{ field: 'client.os', baseline: 'linux 6.1', candidate: 'linux 6.2' }],
});
const same = compareResults({
  baseline: synthRun({ trials: 3, seed: 1 }),
  candidate: synthRun({ trials: 3, seed: 2 }),
  settings,
  labels: { baseline: 'main', candidate: 'reports/latest' },
});

describe('fmtChange', () => {
  it.each([
    ['relative', 'ms', 0.123, '+12.3%'],
    ['relative', 'ms', -0.05, '−5.00%'],
    ['absolute', 'ratio', 0.015, '+1.50 pp'],
    ['absolute', 'count', 3, '+3'],
    ['absolute', 'count', 0, '±0'],
    ['relative', 'ms', null, 'n/a'],
  ] as const)('%s %s %d -> %s', (scale, unit, v, text) => expect(fmtChange({ scale, unit }, v)).toBe(text));
});

describe('compare.md', () => {
  it('leads with the verdict and the regressions, with effect sizes and intervals', () => {
    const md = renderCompareMarkdown(regressed);
    expect(md).toMatch(/^## atombench compare: REGRESSED\n/);
    const changes = md.slice(md.indexOf('### Changes'), md.indexOf('<details>'));
    const knn = changes.split('\n').find((l) => l.startsWith('| spatial.knn | p95 |'))!;
    const c = regressed.comparisons.find((x) => x.op === 'spatial.knn' && x.metric === 'p95')!;
    expect(knn).toContain(fmtChange(c, c.change));
    expect(knn).toMatch(/\| \+\d+\.\d% … \+\d+\.\d% \|/);
    expect(knn).toContain('**regressed**');
    expect(md).toContain('| spatial.pool | p99 |');
    expect(md).toContain('**regressed** (not gated)');
    expect(md).toContain('`client.os`: baseline linux 6.1, candidate linux 6.2');
    expect(md).toContain('Mann-Whitney U, 3 vs 3 trials');
  });

  it('says so when nothing changed', () => {
    const md = renderCompareMarkdown(same);
    expect(md).toMatch(/^## atombench compare: PASS/);
    expect(md).toContain('No metric changed significantly by more than its minimum effect');
  });
});

describe('compare-junit.xml', () => {
  it('has one testcase per gated metric; regressions fail with their effect and interval', () => {
    const xml = renderCompareJunit(regressed);
    const gated = regressed.comparisons.filter((c) => c.gated);
    expect(xml.match(/<testcase /g)).toHaveLength(gated.length);
    expect(xml).not.toContain('name="spatial.pool p99"');
    const failures = gated.filter((c) => c.verdict === 'regressed').length;
    expect(failures).toBeGreaterThan(0);
    expect(xml).toContain(`tests="${gated.length}" failures="${failures}"`);
    expect(xml.match(/<failure /g)).toHaveLength(failures);
    expect(xml).toMatch(
      /<failure message="spatial\.knn p95 regressed \+\d+\.\d% \(interval \+[\d.]+% … \+[\d.]+%, min effect 10%\)" type="regression">/,
    );
    expect(renderCompareJunit(same)).not.toContain('<failure');
  });
});

describe('compare reporters', () => {
  it('renders compare.json as the result itself', () => {
    expect(JSON.parse(REPORTERS.compare.json!.render(regressed))).toEqual(regressed);
    expect(Object.values(REPORTERS.compare).map((r) => r.fileName)).toEqual([
      'compare.md',
      'compare-junit.xml',
      'compare.html',
      'compare.json',
    ]);
  });

  it('refuses unknown formats naming the valid ones', () => {
    expect(parseFormats('compare', 'md, json')).toEqual(['md', 'json']);
    expect(() => parseFormats('compare', 'md,pdf')).toThrow(
      '--format: unknown format(s) pdf; valid: md, junit, html, json',
    );
  });
});
