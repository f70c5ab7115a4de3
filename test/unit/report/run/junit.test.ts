import { describe, expect, it } from 'vitest';
import { renderJunit, xmlEscape } from '../../../../src/report/run/junit.ts';
import { makeResult } from '../../../fixtures/result.ts';

const count = (s: string, re: RegExp): number => (s.match(re) ?? []).length;

describe('junit reporter', () => {
  const xml = renderJunit(makeResult());

  it('has one testcase per target, one failure and one skipped', () => {
    expect(count(xml, /<testcase /g)).toBe(8);
    expect(count(xml, /<failure /g)).toBe(1);
    expect(count(xml, /<skipped /g)).toBe(1);
    expect(xml).toContain(
      '<testsuite name="atombench.ci-gate" tests="8" failures="1" errors="0" skipped="1"',
    );
  });

  it('puts observed vs threshold in the failure message', () => {
    expect(xml).toContain(
      '<failure message="observed 71.2%, target ratio &gt; 0.8 (threshold &gt; 80.0%)" type="threshold">',
    );
  });

  it('gives the n/a reason as the skipped message', () => {
    expect(xml).toMatch(
      /<skipped message="a compressed benchmark cannot judge the runbook&apos;s 15-60 minute/,
    );
  });

  it('escapes XML in names and messages, and drops invalid characters', () => {
    expect(xml).toContain('name="latency.spatial avg &lt; 50ms"');
    expect(xmlEscape(`a<b>&"c'\u0001`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;');
    const r = makeResult();
    r.targets[6]!.reason = 'bad </skipped><x a="1"> & more';
    const out = renderJunit(r);
    expect(out).toContain('message="bad &lt;/skipped&gt;&lt;x a=&quot;1&quot;&gt; &amp; more"');
  });

  it('is well formed: every opened element is closed', () => {
    const tags = [...xml.matchAll(/<(\/?)([a-z-]+)[^>]*?(\/?)>/g)];
    const stack: string[] = [];
    for (const [, closing, name, selfClosing] of tags) {
      if (selfClosing) continue;
      if (closing) expect(stack.pop()).toBe(name);
      else stack.push(name!);
    }
    expect(stack).toEqual([]);
  });
});
