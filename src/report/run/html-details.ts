import { fmtCount, fmtMeasured, fmtMs, fmtRate, fmtRatio, fmtSec } from '../format.ts';
import type { LatencySummary, RunResult } from '../../model/result.ts';
import {
  errorLines,
  OPERATION_HEADER,
  OPERATION_NUMERIC,
  operationRows,
  PHASE_HEADER,
  phaseRows,
  PROBE_HEADER,
  probeRows,
} from './rows.ts';
import { GRAPH_HEADER, graphRows } from './graph-rows.ts';
import { esc, facts, para, pre, raw, section, table } from '../html/markup.ts';

/**
 * The run report below the charts: the numbers behind them as server-rendered tables (readable without
 * JavaScript), and what was measured (engine fingerprint, dataset) so two reports can be compared.
 * Cells come from the shared row builders and formatters, so they match summary.md.
 */

export function operationsSection(r: RunResult): string {
  const head = OPERATION_HEADER.map((h, i) => (i >= 4 ? `${h} (ms)` : h));
  const rows = operationRows(r);
  const parts = [
    table(head, rows, {
      numeric: OPERATION_NUMERIC,
      rowClass: (i) => (i === rows.length - 1 ? 'total' : undefined),
      caption:
        'Measured window only (warm-up excluded). Latency counts successful operations; count includes failures.',
    }),
  ];
  const errs = errorLines(r);
  if (errs.length > 0) parts.push(para(`Errors by class: ${errs.join('; ')}.`));
  return section('operations', 'Operations', parts.join('\n'));
}

/** The graph side (Neo4j), or nothing when the run did not sync to it. */
export function graphSection(r: RunResult): string {
  const rows = graphRows(r);
  return rows ? section('graph', 'Graph (Neo4j)', table(GRAPH_HEADER, rows, { className: 'kv' })) : '';
}

export function probesSection(r: RunResult): string {
  const p = r.probes;
  const parts = [table(PROBE_HEADER, probeRows(r), { className: 'kv' })];
  const filters = r.operations.filter((o) => o.primaryFilterEfficiency !== undefined);
  const sampled = Object.entries(p.primaryFilter);
  if (filters.length > 0 || sampled.length > 0) {
    const fromOps = filters.map((o) => {
      // A sampled efficiency comes with the sampled queries' own counts, not the run's rows output.
      const smp = o.primaryFilterSource === 'sampled' ? p.primaryFilter[o.op] : undefined;
      return [
        o.op,
        fmtRatio(o.primaryFilterEfficiency!),
        smp ? `${fmtCount(smp.samples)} sampled queries` : 'every query',
        fmtCount(smp ? smp.output : o.rowsOutput),
        smp ? fmtCount(smp.candidates) : o.candidateRows !== undefined ? fmtCount(o.candidateRows) : 'n/a',
      ];
    });
    const fromProbes = sampled
      .filter(([op]) => !filters.some((o) => o.op === op))
      .map(([op, s]) => [
        op,
        s.candidates > 0 ? fmtRatio(s.output / s.candidates) : 'n/a',
        `${fmtCount(s.samples)} sampled queries`,
        fmtCount(s.output),
        fmtCount(s.candidates),
      ]);
    parts.push(
      table(
        ['operation', 'primary filter efficiency', 'source', 'rows output', 'candidate rows'],
        [...fromOps, ...fromProbes],
        {
          numeric: [1, 3, 4],
          caption: 'Primary filter efficiency: rows output / candidate rows from the spatial index.',
        },
      ),
    );
  }
  if (p.planExample) parts.push(para('Example plan of a sampled spatial query:'), pre(p.planExample));
  return section('probes', 'Probes', parts.join('\n'));
}

function latencyLine(s: LatencySummary): string {
  return `p50 ${fmtMs(s.p50)} ms, p95 ${fmtMs(s.p95)} ms, p99 ${fmtMs(s.p99)} ms, max ${fmtMs(s.max)} ms (${fmtCount(s.count)} samples)`;
}

export function loadSection(r: RunResult): string {
  const l = r.load;
  const pairs: [string, string][] = [
    ['Model', `${l.model} loop` + (l.concurrency !== undefined ? `, concurrency ${l.concurrency}` : '')],
    [
      'Measured',
      `${fmtSec(l.measuredSec ?? l.durationSec)} of ${fmtSec(l.durationSec)} after ${fmtSec(l.warmupSec)} warm-up`,
    ],
  ];
  if (l.ratePerSec !== undefined)
    pairs.push([
      'Rate',
      `${fmtRate(l.ratePerSec)}/s requested` +
        (l.achievedRatePerSec !== undefined ? `, ${fmtRate(l.achievedRatePerSec)}/s achieved` : ''),
    ]);
  if (l.dropped !== undefined)
    pairs.push([
      'Dropped arrivals (max in flight busy)',
      fmtCount(l.dropped) + (l.dropRatio !== undefined ? ` (${(100 * l.dropRatio).toFixed(1)}%)` : ''),
    ]);
  if (l.cancelled !== undefined)
    pairs.push([
      `Cancelled after the ${fmtSec(l.gracefulStopSec ?? 0)} graceful stop`,
      fmtCount(l.cancelled),
    ]);
  if (r.client.limitedBy) pairs.push(['Limited by', r.client.limitedBy]);
  if (l.scheduleLagMs && l.scheduleLagMs.count > 0)
    pairs.push(['Schedule lag', latencyLine(l.scheduleLagMs)]);
  return section('load', 'Load', facts(pairs));
}

export function oodaSection(r: RunResult): string {
  const o = r.ooda;
  if (!o) return section('ooda', 'OODA loop', para('OODA traffic did not run in this scenario.'));
  const pairs: [string, string][] = [
    [
      'Loops',
      `${fmtCount(o.loopsStarted)} started, ${fmtCount(o.loopsCompleted)} completed, ${fmtCount(o.loopsFailed)} failed`,
    ],
    [
      'Success rate',
      `${fmtMeasured(o.successRate, fmtRatio)} over ${fmtCount(o.phaseExecutions)} phase executions`,
    ],
    [
      'Mean interval between loops',
      o.loopIntervalSec !== undefined ? fmtSec(o.loopIntervalSec) : 'n/a (fewer than two loops)',
    ],
    [
      'Loop latency',
      o.loopLatencyMs && o.loopLatencyMs.count > 0 ? latencyLine(o.loopLatencyMs) : 'n/a (no loop completed)',
    ],
    ['Max queue depth', fmtMeasured(o.maxQueueDepth, fmtCount)],
  ];
  const errs = Object.entries(o.errors);
  if (errs.length > 0)
    pairs.push(['Refused by the server', errs.map(([k, n]) => `${k} ${fmtCount(n)}`).join(', ')]);
  const parts = [facts(pairs)];
  const queues = Object.entries(o.queueDepthMaxByQueue);
  if (queues.length > 0)
    parts.push(
      table(
        ['queue', 'max depth'],
        queues.map(([q, d]) => [q, fmtCount(d)]),
        {
          numeric: [1],
          caption: 'Largest depth sampled per OODA queue over the run.',
        },
      ),
    );
  const phases = phaseRows(r);
  if (phases.length > 0) {
    parts.push(table(PHASE_HEADER, phases, { numeric: [1, 2, 3, 4, 5, 6], caption: 'Phase durations.' }));
  }
  return section('ooda', 'OODA loop', parts.join('\n'));
}

export function clientSection(r: RunResult): string {
  const c = r.client;
  const pairs: [string, string][] = [
    ['Process CPU', `${c.cpuPercent.toFixed(1)}%`],
    ...(c.eventLoopUtilization !== undefined
      ? [['Event loop busy', fmtRatio(c.eventLoopUtilization)] as [string, string]]
      : []),
    ['Event-loop lag', `p99 ${fmtMs(c.eventLoopLagP99Ms)} ms, max ${fmtMs(c.eventLoopLagMaxMs)} ms`],
    ['Bottleneck', c.bottleneck ? `yes (${c.reasons.join('; ') || 'no reason given'})` : 'no'],
  ];
  return section('client', 'Client self-check', facts(pairs));
}

export function fingerprintSection(r: RunResult): string {
  const d = r.dataset;
  const e = r.engine;
  const pairs: [string, string | ReturnType<typeof raw>][] = [
    ['Engine', `${e.engine}, ${e.serverVersion}`],
    ['Atoms', fmtCount(d.atoms)],
    ['Distribution', d.distribution],
    ['Seed', String(d.seed)],
    ['Checksum', raw(`<code>${esc(d.checksum)}</code>`)],
  ];
  if (d.seedDurationMs !== undefined) pairs.push(['Seeded in', fmtSec(d.seedDurationMs / 1000)]);
  if (d.indexBuildMs !== undefined) pairs.push(['Index built in', fmtSec(d.indexBuildMs / 1000)]);
  pairs.push(['Run', `${r.runId}, ${r.startedAt} to ${r.finishedAt}, atombench ${r.atombenchVersion}`]);
  const parts = [facts(pairs)];
  const settings = Object.entries(e.settings);
  if (settings.length > 0)
    parts.push(table(['setting', 'value'], settings, { className: 'kv', caption: 'Engine settings.' }));
  if (e.indexDdl) parts.push(para('Spatial index:'), pre(e.indexDdl, 'sql'));
  return section('fingerprint', 'Dataset and engine', parts.join('\n'));
}
