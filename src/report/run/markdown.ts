import { fmtCount, fmtMeasured, fmtMs, fmtRatio, fmtRate, fmtSec, verdictLabel } from '../format.ts';
import type { LatencySummary, RunResult } from '../../model/result.ts';
import { shardNote } from './shards.ts';
import {
  clientWarning,
  errorLines,
  INTERFERENCE_HEADER,
  interferenceRows,
  maintenanceWindowLines,
  OPERATION_HEADER,
  OPERATION_NUMERIC,
  faultLines,
  measuredText,
  operationRows,
  PHASE_HEADER,
  phaseRows,
  PROBE_HEADER,
  probeRows,
  TARGET_HEADER,
  targetRows,
  verdictCounts,
} from './rows.ts';
import { GRAPH_HEADER, graphRows } from './graph-rows.ts';

/**
 * summary.md: what a reviewer reads in a pull request. Verdict and warnings first, then the targets with
 * their runbook lines, then the numbers behind them, then what was measured (data, engine) so two
 * summaries can be compared.
 */

/** A table cell: pipes and newlines would break the row. */
function cell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function table(header: string[], rows: string[][], rightAligned: number[] = []): string[] {
  const align = header.map((_, i) => (rightAligned.includes(i) ? '---:' : '---'));
  return [header, align, ...rows].map((r, i) => `| ${(i === 1 ? r : r.map(cell)).join(' | ')} |`);
}

/** A fenced block whose fence is longer than any backtick run inside, so DDL or plans cannot close it. */
function codeBlock(text: string, lang = ''): string[] {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [fence + lang, text, fence];
}

function latencyLine(s: LatencySummary): string {
  return `p50 ${fmtMs(s.p50)} ms, p95 ${fmtMs(s.p95)} ms, p99 ${fmtMs(s.p99)} ms, max ${fmtMs(s.max)} ms (${fmtCount(s.count)} samples)`;
}

function header(r: RunResult): string[] {
  const name = typeof r.scenario.name === 'string' ? r.scenario.name : r.runId;
  const verdict = verdictLabel(r.verdict);
  const out = [
    `# atombench: ${name} — ${verdict}`,
    '',
    `**Verdict: ${verdict}** (${verdictCounts(r)}; n/a targets are not counted as passes). ` +
      `${r.engine.engine}, ${fmtCount(r.dataset.atoms)} atoms, ${measuredText(r)} after ${fmtSec(r.load.warmupSec)} warm-up.`,
  ];
  const warning = clientWarning(r);
  if (warning) out.push('', `> **Warning:** ${warning}`);
  if (r.interrupted)
    out.push('', '> **Interrupted:** the run was stopped early; the numbers cover only what ran.');
  const faults = faultLines(r);
  if (faults.length > 0) out.push('', ...faults.map((f) => `> **Server fault:** ${f}`));
  const shards = shardNote(r);
  if (shards) out.push('', `> **Shards:** ${shards}`);
  return out;
}

function targets(r: RunResult): string[] {
  const out = ['', '## Targets', ''];
  if (r.targets.length === 0) return [...out, 'No targets were set.'];
  const rows = targetRows(r).map((row, i) => [...row, r.targets[i]!.source]);
  return [...out, ...table([...TARGET_HEADER, 'source'], rows, [3, 4])];
}

function operations(r: RunResult): string[] {
  const head = OPERATION_HEADER.map((h, i) => (i >= 4 ? `${h} (ms)` : h));
  const rows = operationRows(r);
  const last = rows[rows.length - 1];
  if (last) rows[rows.length - 1] = last.map((c) => `**${c}**`);
  const out = ['', '## Operations', '', ...table(head, rows, OPERATION_NUMERIC)];
  const errs = errorLines(r);
  if (errs.length > 0) out.push('', `Errors by class: ${errs.join('; ')}.`);
  const filters = r.operations.filter((o) => o.primaryFilterEfficiency !== undefined);
  if (filters.length > 0)
    out.push(
      '',
      `Primary filter efficiency (rows output / index candidates): ${filters
        .map(
          (o) =>
            `${o.op} ${fmtRatio(o.primaryFilterEfficiency!)}${o.primaryFilterSource === 'sampled' ? ' (sampled queries)' : ''}`,
        )
        .join(', ')}.`,
    );
  out.push('', 'Latency counts successful operations only; count includes failures.');
  return out;
}

function load(r: RunResult): string[] {
  const l = r.load;
  const out = [
    '',
    '## Load',
    '',
    `- Model: ${l.model}` + (l.concurrency !== undefined ? `, concurrency ${l.concurrency}` : ''),
  ];
  if (l.ratePerSec !== undefined)
    out.push(
      `- Rate: ${fmtRate(l.ratePerSec)}/s requested` +
        (l.achievedRatePerSec !== undefined ? `, ${fmtRate(l.achievedRatePerSec)}/s achieved` : ''),
    );
  if (l.dropped !== undefined)
    out.push(
      `- Dropped arrivals (max in flight busy): ${fmtCount(l.dropped)}` +
        (l.dropRatio !== undefined ? ` (${(100 * l.dropRatio).toFixed(1)}% of arrivals)` : ''),
    );
  if (l.cancelled !== undefined)
    out.push(
      `- Cancelled after the ${fmtSec(l.gracefulStopSec ?? 0)} graceful stop: ${fmtCount(l.cancelled)}`,
    );
  if (r.client.limitedBy === 'server' && r.client.serverReasons?.length)
    out.push(`- Server-limited: ${r.client.serverReasons.join('; ')}`);
  if (l.scheduleLagMs && l.scheduleLagMs.count > 0)
    out.push(`- Schedule lag: ${latencyLine(l.scheduleLagMs)}`);
  return out;
}

function probes(r: RunResult): string[] {
  const p = r.probes;
  const out = ['', '## Probes', '', ...table(PROBE_HEADER, probeRows(r))];
  if (p.planExample) out.push('', 'Example plan:', '', ...codeBlock(p.planExample));
  return out;
}

function ooda(r: RunResult): string[] {
  const o = r.ooda;
  const out = ['', '## OODA loop', ''];
  if (!o) return [...out, 'OODA traffic did not run in this scenario.'];
  out.push(
    `- Loops: ${fmtCount(o.loopsStarted)} started, ${fmtCount(o.loopsCompleted)} completed, ${fmtCount(o.loopsFailed)} failed; ` +
      `success rate ${fmtMeasured(o.successRate, fmtRatio)} over ${fmtCount(o.phaseExecutions)} phase executions`,
    `- Mean interval between loops: ${o.loopIntervalSec !== undefined ? fmtSec(o.loopIntervalSec) : 'n/a (fewer than two loops)'}`,
    `- Loop latency: ${o.loopLatencyMs && o.loopLatencyMs.count > 0 ? latencyLine(o.loopLatencyMs) : 'n/a (no loop completed)'}`,
    `- Max queue depth: ${fmtMeasured(o.maxQueueDepth, fmtCount)}` +
      (Object.keys(o.queueDepthMaxByQueue).length > 0
        ? ` (${Object.entries(o.queueDepthMaxByQueue)
            .map(([q, d]) => `${q} ${fmtCount(d)}`)
            .join(', ')})`
        : ''),
  );
  const errs = Object.entries(o.errors);
  if (errs.length > 0)
    out.push(`- Refused by the server: ${errs.map(([k, n]) => `${k} ${fmtCount(n)}`).join(', ')}`);
  const rows = phaseRows(r);
  if (rows.length > 0) {
    out.push('', ...table(PHASE_HEADER, rows, [1, 2, 3, 4, 5, 6]));
  }
  return out;
}

function maintenance(r: RunResult): string[] {
  const m = r.maintenance;
  if (!m) return [];
  const every = [
    m.updateStatisticsEverySec !== undefined ? `statistics every ${fmtSec(m.updateStatisticsEverySec)}` : '',
    m.rebuildIndexEverySec !== undefined ? `index rebuild every ${fmtSec(m.rebuildIndexEverySec)}` : '',
  ].filter(Boolean);
  const out = [
    '',
    '## Index maintenance',
    '',
    `Scheduled: ${every.join(', ')}; ${fmtCount(m.windows.length)} windows ran.`,
  ];
  const lines = maintenanceWindowLines(r);
  if (lines.length) out.push('', ...lines.map((l) => `- ${l}`));
  const rows = interferenceRows(r);
  if (rows.length)
    out.push(
      '',
      'Latency of requests that overlapped a maintenance window vs the rest of the measured window (interference):',
      '',
      ...table(INTERFERENCE_HEADER, rows, [1, 2, 3, 4, 6]),
    );
  return out;
}

function graph(r: RunResult): string[] {
  const rows = graphRows(r);
  return rows ? ['', '## Graph (Neo4j)', '', ...table(GRAPH_HEADER, rows)] : [];
}

function client(r: RunResult): string[] {
  const c = r.client;
  return [
    '',
    '## Client self-check',
    '',
    `- CPU ${c.cpuPercent.toFixed(1)}%` +
      (c.eventLoopUtilization !== undefined ? `, event loop busy ${fmtRatio(c.eventLoopUtilization)}` : '') +
      `, event-loop lag p99 ${fmtMs(c.eventLoopLagP99Ms)} ms, max ${fmtMs(c.eventLoopLagMaxMs)} ms`,
    `- Bottleneck: ${c.bottleneck ? `yes (${c.reasons.join('; ') || 'no reason given'})` : 'no'}`,
  ];
}

function fingerprint(r: RunResult): string[] {
  const d = r.dataset;
  const e = r.engine;
  const out = [
    '',
    '## Dataset and engine',
    '',
    `- Dataset: ${fmtCount(d.atoms)} atoms, distribution ${d.distribution}, seed ${d.seed}, checksum \`${d.checksum}\`` +
      (d.seedDurationMs !== undefined ? `, seeded in ${fmtSec(d.seedDurationMs / 1000)}` : '') +
      (d.indexBuildMs !== undefined ? `, index built in ${fmtSec(d.indexBuildMs / 1000)}` : ''),
    `- Engine: ${e.engine}, ${e.serverVersion}`,
    `- Run: \`${r.runId}\`, ${r.startedAt} to ${r.finishedAt}, atombench ${r.atombenchVersion}`,
  ];
  const settings = Object.entries(e.settings);
  if (settings.length > 0) out.push('', ...table(['setting', 'value'], settings));
  if (e.indexDdl) out.push('', 'Spatial index:', '', ...codeBlock(e.indexDdl, 'sql'));
  return out;
}

export function renderMarkdown(result: RunResult): string {
  return (
    [
      ...header(result),
      ...targets(result),
      ...operations(result),
      ...load(result),
      ...probes(result),
      ...ooda(result),
      ...maintenance(result),
      ...graph(result),
      ...client(result),
      ...fingerprint(result),
    ].join('\n') + '\n'
  );
}
