import { xmlEscape } from '../run/junit.ts';
import { fmtChange, fmtInterval, fmtMethod, fmtP, fmtValue, metricName } from './format.ts';
import type { CompareResult, MetricComparison } from '../../compare/model.ts';

/**
 * compare-junit.xml: one testcase per gated metric. regressed is a <failure> carrying the effect and its
 * interval; n/a is <skipped> with the reason; no change and improved pass. Metrics the gate ignores are
 * not test cases (they are in compare.md and compare.json).
 */

function attrs(a: Record<string, string | number>): string {
  return Object.entries(a)
    .map(([k, v]) => `${k}="${xmlEscape(String(v))}"`)
    .join(' ');
}

function detail(c: MetricComparison, nominal: number): string {
  return [
    `baseline ${fmtValue(c, c.baseline)}, candidate ${fmtValue(c, c.candidate)}`,
    `change ${fmtChange(c, c.change)}, interval ${fmtInterval(c, nominal)}, p ${fmtP(c.pValue)}, min effect ${c.minEffectText}`,
    `method: ${fmtMethod(c)}${c.note ? ` (${c.note})` : ''}`,
    `verdict: ${c.verdict}`,
  ].join('\n');
}

function testcase(c: MetricComparison, suite: string, nominal: number): string {
  const open = `    <testcase ${attrs({ classname: `${suite}.${c.op}`, name: metricName(c), time: 0 })}`;
  if (c.verdict === 'regressed') {
    const message = `${metricName(c)} regressed ${fmtChange(c, c.change)} (interval ${fmtInterval(c, nominal)}, min effect ${c.minEffectText})`;
    return `${open}>\n      <failure ${attrs({ message, type: 'regression' })}>${xmlEscape(detail(c, nominal))}</failure>\n    </testcase>`;
  }
  if (c.verdict === 'n/a')
    return `${open}>\n      <skipped ${attrs({ message: c.note ?? 'not measurable' })}/>\n    </testcase>`;
  return `${open}>\n      <system-out>${xmlEscape(detail(c, nominal))}</system-out>\n    </testcase>`;
}

export function renderCompareJunit(r: CompareResult): string {
  const suite = `atombench.compare.${r.candidate.scenario || 'run'}`;
  const gated = r.comparisons.filter((c) => c.gated);
  const counts = {
    tests: gated.length,
    failures: gated.filter((c) => c.verdict === 'regressed').length,
    errors: 0,
    skipped: gated.filter((c) => c.verdict === 'n/a').length,
  };
  const properties = {
    baseline: r.baseline.label,
    baselineRunId: r.baseline.runId,
    candidate: r.candidate.label,
    candidateRunId: r.candidate.runId,
    alpha: r.settings.alpha,
    verdict: r.verdict,
  };
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites ${attrs({ name: 'atombench compare', ...counts, time: 0 })}>`,
    `  <testsuite ${attrs({ name: suite, ...counts, time: 0 })}>`,
    '    <properties>',
    ...Object.entries(properties).map(([k, v]) => `      <property ${attrs({ name: k, value: v })}/>`),
    '    </properties>',
    ...gated.map((c) => testcase(c, suite, r.settings.confidence)),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
