import { fmtObserved, fmtThreshold } from '../format.ts';
import type { RunResult, TargetResult } from '../../model/result.ts';
import { clientWarning, faultLines, loadLines, measuredText } from './rows.ts';
import { tally } from '../../targets/evaluate.ts';

/**
 * junit.xml for CI test tabs: one testcase per target. A failed target is a <failure> with observed vs
 * threshold; an n/a target is <skipped> with its reason, so CI shows it as not run rather than passed.
 */

// XML 1.0 forbids most control characters even when escaped; drop them rather than emit invalid XML.
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function xmlEscape(s: string): string {
  return s
    .replace(INVALID_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function attrs(a: Record<string, string | number>): string {
  return Object.entries(a)
    .map(([k, v]) => `${k}="${xmlEscape(String(v))}"`)
    .join(' ');
}

function testcase(t: TargetResult, suite: string): string {
  const open = `    <testcase ${attrs({ classname: `${suite}.targets`, name: `${t.metric} ${t.expression}`, time: 0 })}`;
  const detail = [`source: ${t.source}`, t.reason ? `note: ${t.reason}` : ''].filter(Boolean).join('\n');
  switch (t.verdict) {
    case 'fail': {
      const message = `observed ${fmtObserved(t)}, target ${t.expression} (threshold ${fmtThreshold(t)})`;
      return `${open}>\n      <failure ${attrs({ message, type: 'threshold' })}>${xmlEscape(detail)}</failure>\n    </testcase>`;
    }
    case 'n/a':
      return `${open}>\n      <skipped ${attrs({ message: t.reason ?? 'not measurable' })}/>\n    </testcase>`;
    case 'pass':
      return `${open}>\n      <system-out>${xmlEscape(`observed ${fmtObserved(t)}\n${detail}`)}</system-out>\n    </testcase>`;
  }
}

export function renderJunit(result: RunResult): string {
  const name = typeof result.scenario.name === 'string' ? result.scenario.name : 'run';
  const suite = `atombench.${name}`;
  const c = tally(result.targets);
  const counts = { tests: result.targets.length, failures: c.failed, errors: 0, skipped: c.na };
  const timeSec = Math.max(0, (Date.parse(result.finishedAt) - Date.parse(result.startedAt)) / 1000) || 0;
  const properties = {
    runId: result.runId,
    engine: result.engine.engine,
    serverVersion: result.engine.serverVersion,
    atoms: result.dataset.atoms,
    datasetChecksum: result.dataset.checksum,
    verdict: result.verdict,
    interrupted: String(!!result.interrupted),
    measured: measuredText(result),
    clientBottleneck: String(result.client.bottleneck),
    ...(result.client.limitedBy ? { limitedBy: result.client.limitedBy } : {}),
    ...(result.load.dropped !== undefined ? { dropped: result.load.dropped } : {}),
    ...(result.load.cancelled !== undefined ? { cancelled: result.load.cancelled } : {}),
  };
  // An interrupted run (or one whose server was lost) is one more test case that failed: a cancelled
  // CI job must not show green.
  const stopped = result.interrupted
    ? `interrupted: ${measuredText(result)}; the numbers cover only what ran`
    : result.faults?.endedEarly;
  if (stopped) {
    counts.failures++;
    counts.tests++;
  }
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites ${attrs({ name: 'atombench', ...counts, time: timeSec })}>`,
    `  <testsuite ${attrs({ name: suite, ...counts, timestamp: result.startedAt, time: timeSec })}>`,
    '    <properties>',
    ...Object.entries(properties).map(([k, v]) => `      <property ${attrs({ name: k, value: v })}/>`),
    '    </properties>',
    ...result.targets.map((t) => testcase(t, suite)),
  ];
  if (stopped)
    lines.push(
      `    <testcase ${attrs({ classname: `${suite}.run`, name: 'completed', time: timeSec })}>`,
      `      <failure ${attrs({ message: stopped, type: result.interrupted ? 'interrupted' : 'server-lost' })}/>`,
      '    </testcase>',
    );
  const info = [...loadLines(result), ...faultLines(result)];
  if (info.length > 0) lines.push(`    <system-out>${xmlEscape(info.join('\n'))}</system-out>`);
  const warning = clientWarning(result);
  if (warning) lines.push(`    <system-err>${xmlEscape(`Warning: ${warning}`)}</system-err>`);
  lines.push('  </testsuite>', '</testsuites>');
  return lines.join('\n') + '\n';
}
