import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RUNBOOK_TARGETS, resolveTargets, SCENARIO_SOURCE } from '../../../src/targets/runbook.ts';

/** The runbook's target lines, copied verbatim (the fixture's header says from where). */
const RUNBOOK_PATH = new URL('../../fixtures/operations-runbook-targets.md', import.meta.url);
const ctx = { oodaTriggerEverySec: 2, datasetAtoms: 100_000 };

describe('runbook targets', () => {
  it('are all valid with no scenario overrides', () => {
    const { specs, problems } = resolveTargets({}, ctx);
    expect(problems).toEqual([]);
    expect(specs.map((s) => [s.metric, s.expression.text])).toEqual([
      ['latency.spatial', 'avg < 50ms'],
      ['seekRatio', 'ratio > 0.9'],
      ['cacheHitRatio', 'ratio > 0.8'],
      ['ooda.queueDepth', 'max < 10'],
      ['ooda.phaseDuration', 'avg < 5s'],
      ['ooda.successRate', 'ratio > 0.95'],
      ['ooda.loopInterval', 'avg <= 3600s'],
      ['load.dropRatio', 'ratio < 1%'],
    ]);
    expect(specs.slice(0, -1).every((s) => s.source.startsWith('Operations runbook › '))).toBe(true);
    expect(specs.at(-1)!.source).toMatch(/^atombench: /);
  });

  // The quotes must be the runbook's own words, under the section they name. A missing fixture fails.
  it('quote lines that exist verbatim in the runbook', () => {
    const runbook = readFileSync(RUNBOOK_PATH, 'utf8');
    for (const t of RUNBOOK_TARGETS) {
      const m = /^Operations runbook › (.+): "(.+)"$/.exec(t.source);
      expect(m, t.source).not.toBeNull();
      const [, section, line] = m!;
      const sectionStart = runbook.indexOf(`### ${section}\n`);
      expect(sectionStart, section).toBeGreaterThanOrEqual(0);
      const nextSection = runbook.indexOf('\n### ', sectionStart + 1);
      const sectionText = runbook.slice(sectionStart, nextSection < 0 ? undefined : nextSection);
      expect(sectionText).toContain(`- ${line}\n`);
    }
  });

  it('carry a note when the dataset is smaller than the runbook states', () => {
    const spatial = (atoms: number) =>
      resolveTargets({}, { ...ctx, datasetAtoms: atoms }).specs.find((s) => s.metric === 'latency.spatial')!;
    expect(spatial(100_000).note).toBe(
      'the runbook states this target for 1M atoms; this dataset has 100,000',
    );
    expect(spatial(1_000_000).note).toBeUndefined();
  });

  it.each([
    [2, true],
    [899, true],
    [900, false],
    [1800, false],
    [3600, false],
    [3601, true],
    [undefined, true],
  ])('loop frequency with triggerEverySec %s is n/a: %s', (every, isNa) => {
    const spec = resolveTargets({}, { oodaTriggerEverySec: every }).specs.find(
      (s) => s.metric === 'ooda.loopInterval',
    )!;
    if (isNa) expect(spec.naReason).toBeTruthy();
    else expect(spec.naReason).toBeUndefined();
    if (every === 2) expect(spec.naReason).toMatch(/compressed benchmark cannot judge .* every 2 s/);
  });
});

describe('resolveTargets', () => {
  it('replaces a default in place, removes one with null and adds new keys from the scenario', () => {
    const { specs, problems } = resolveTargets(
      {
        'latency.spatial': 'p95 < 20ms',
        cacheHitRatio: null,
        'errors.rate': 'ratio < 1%',
        'latency.spatial.knn': 'p99<8ms',
      },
      ctx,
    );
    expect(problems).toEqual([]);
    expect(specs.map((s) => s.metric)).toEqual([
      'latency.spatial',
      'seekRatio',
      'ooda.queueDepth',
      'ooda.phaseDuration',
      'ooda.successRate',
      'ooda.loopInterval',
      'load.dropRatio',
      'errors.rate',
      'latency.spatial.knn',
    ]);
    const spatial = specs[0]!;
    expect(spatial).toMatchObject({ source: SCENARIO_SOURCE, kind: 'latency' });
    expect(spatial.expression).toMatchObject({ aggregate: 'p95', threshold: 20 });
    // The 1M-atoms caveat belongs to the runbook's threshold, not to the user's own.
    expect(spatial.note).toBeUndefined();
    expect(specs.find((s) => s.metric === 'errors.rate')!.expression.threshold).toBeCloseTo(0.01, 12);
  });

  it('reports every problem at once, with its path', () => {
    const { problems } = resolveTargets(
      {
        'latency.spatial': 'p42 < 5ms',
        seekRatio: 'ratio > 90',
        'latency.bogus': 'avg < 5ms',
        'ooda.queueDepth': 'p99 < 10',
        cachehitratio: null,
      },
      ctx,
    );
    expect(problems.map((p) => p.path)).toEqual([
      'targets.latency.spatial',
      'targets.seekRatio',
      'targets.ooda.queueDepth',
      'targets.latency.bogus',
      'targets.cachehitratio',
    ]);
    expect(problems[0]!.message).toMatch(/unknown aggregate "p42"/);
    expect(problems[1]!.message).toMatch(/between 0 and 1/);
    expect(problems[2]!.message).toMatch(/use: max, avg/);
    expect(problems[3]!.message).toMatch(/unknown metric "latency.bogus"; valid: .*latency\.spatial\.pool/);
    expect(problems[4]!.message).toMatch(
      /"cachehitratio" is not one; default targets: latency\.spatial, seekRatio, cacheHitRatio/,
    );
  });
});
