import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { esc, jsonForScript, table, raw } from '../../../../src/report/html/markup.ts';
import { renderRunHtml } from '../../../../src/report/run/html.ts';
import { runCharts } from '../../../../src/report/run/html-charts.ts';
import { reporterFor } from '../../../../src/report/registry.ts';
import { makeResult } from '../../../fixtures/result.ts';

/** The page's inline <script> bodies, in order (the JSON data block included). */
function scripts(html: string): { type: string | undefined; body: string }[] {
  return [...html.matchAll(/<script(?: type="([^"]+)")?[^>]*>([\s\S]*?)<\/script>/g)].map((m) => ({
    type: m[1],
    body: m[2]!,
  }));
}

describe('html markup helpers', () => {
  it('escapes text and builds tables with numeric columns', () => {
    expect(esc(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const t = table(
      ['name', 'n'],
      [
        ['<b>', 3],
        [raw('<em>ok</em>'), 4],
      ],
      { numeric: [1] },
    );
    expect(t).toContain('<th scope="col" class="num">n</th>');
    expect(t).toContain('<td>&lt;b&gt;</td><td class="num">3</td>');
    expect(t).toContain('<td><em>ok</em></td>');
  });

  it('embeds JSON that cannot close its script element and reads back the same', () => {
    const v = { name: '</script><script>alert(1)</script><!--', sep: '\u2028', x: 1 / 3 };
    const s = jsonForScript(v);
    expect(s).not.toMatch(/<\/script|<!--|\u2028/);
    expect(JSON.parse(s)).toEqual({ ...v, x: 0.333333 });
  });
});

describe('html reporter (report.html)', () => {
  const r = makeResult();
  const html = renderRunHtml(r);

  it('is listed in the registry as report.html', () => {
    expect(reporterFor('run', 'html').fileName).toBe('report.html');
    expect(reporterFor('run', 'html').render(r)).toBe(html);
  });

  it('is one self-contained file: no external resource, every fetch forbidden by its CSP', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/\s(src|href)=/);
    expect(html).not.toMatch(/@import|url\(\s*['"]?(https?:|\/\/)/);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]!;
    expect(csp).toMatch(/^default-src &#39;none&#39;; script-src /);
    // Only the inlined scripts run: each is allowed by its hash.
    const code = scripts(html).filter((s) => s.type === undefined);
    expect(code).toHaveLength(2);
    for (const s of code) {
      const hash = createHash('sha256').update(s.body, 'utf8').digest('base64');
      expect(csp).toContain(`sha256-${hash}`);
    }
    expect(code[0]!.body).toMatch(/^\/\*! https:\/\/github\.com\/leeoniya\/uPlot \(v1\./);
  });

  it('embeds the chart specs the pure builders made', () => {
    const data = scripts(html).find((s) => s.type === 'application/json')!;
    expect(JSON.parse(data.body)).toEqual(JSON.parse(jsonForScript(runCharts(r).charts)));
    for (const id of ['latency-time', 'latency-distribution', 'throughput-time', 'queue-depth-time'])
      expect(html).toContain(`<div class="chart" data-chart="${id}"`);
  });

  it('opens with the verdict, then the target table with observed vs threshold and the runbook source', () => {
    const verdictAt = html.indexOf('<div class="verdict" data-verdict="fail">FAIL</div>');
    const targetsAt = html.indexOf('<section id="targets"');
    const chartsAt = html.indexOf('<section id="charts"');
    expect(verdictAt).toBeGreaterThan(0);
    expect(targetsAt).toBeGreaterThan(verdictAt);
    expect(chartsAt).toBeGreaterThan(targetsAt);
    expect(html).toContain('1 failed, 6 passed, 1 n/a');
    const row = html.split('\n').find((l) => l.includes('<td>cacheHitRatio</td>'))!;
    expect(row).toContain('<tr class="fail"><td><span class="badge fail">FAIL</span></td>');
    expect(row).toContain('<td class="num">71.2%</td><td class="num">&gt; 80.0%</td>');
    expect(row).toContain(
      '<div class="source">Operations runbook › Spatial Query Performance: &quot;Cache hit rate (target: &gt;80%)&quot;</div>',
    );
  });

  it('renders every table server-side, so the page reads without JavaScript', () => {
    for (const id of ['operations', 'probes', 'load', 'ooda', 'client', 'fingerprint'])
      expect(html).toContain(`<section id="${id}"`);
    expect(html).toContain('<tr class="total"><td>all operations</td>');
    expect(html).toContain('<td>AnalyzeQueue</td><td class="num">4</td>');
    expect(html).toContain('n/a (pg_stat_statements is not installed on this server)');
    expect(html).toContain('<code>sha256:5f1c9a0e7b3d2c4a</code>');
    expect(html).toContain('CREATE INDEX ix_atomembeddings_spatialgeometry');
    expect(html.match(/<noscript>/g)).toHaveLength(4);
    expect(html).toContain('Schedule lag and dropped arrivals:</strong> not plotted — closed loop');
  });

  it('shows the n/a reason of a ratio as text', () => {
    const b = makeResult();
    b.probes.cacheHitRatio = { na: 'better-sqlite3 does not expose the page-cache counters' };
    const out = renderRunHtml(b);
    expect(out).toMatch(
      /Cache hit ratio<\/div><div class="tile-value"><span class="badge na">N\/A<\/span> n\/a<\/div><div class="tile-detail">better-sqlite3 does not expose/,
    );
  });

  it('shows a warning band when the client was the bottleneck, and only then', () => {
    expect(html).not.toContain('class="band warn"');
    const b = makeResult();
    b.client.bottleneck = true;
    b.client.reasons = ['event-loop lag p99 212 ms'];
    b.interrupted = true;
    const out = renderRunHtml(b);
    expect(out).toContain(
      '<strong>Client bottleneck — not valid for gating.</strong> the client itself was the bottleneck: event-loop lag p99 212 ms.',
    );
    expect(out).toContain('<strong>Interrupted.</strong>');
  });

  it('escapes everything that comes from the scenario or the server', () => {
    const b = makeResult();
    b.scenario.name = '<img src=x onerror=alert(1)>';
    b.engine.settings = { '<x>': '</script>' };
    b.targets[0]!.reason = '<b>bold</b>';
    const out = renderRunHtml(b);
    expect(out).not.toContain('<img src=x');
    expect(out).toContain('atombench: &lt;img src=x onerror=alert(1)&gt;');
    expect(out).toContain('<td>&lt;x&gt;</td><td>&lt;/script&gt;</td>');
    expect(out).toContain('&lt;b&gt;bold&lt;/b&gt;');
  });
});
