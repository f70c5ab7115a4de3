import { fmtCount, fmtMeasured, fmtMs, fmtSec } from '../format.ts';
import type { LatencySummary, RunResult } from '../../model/result.ts';

/**
 * The graph side's rows (Neo4j), built once for the terminal, summary.md and report.html. Undefined
 * when the run did not sync to Neo4j (and for results written before the graph side existed).
 */

export const GRAPH_HEADER = ['graph (Neo4j)', 'value'];

function lat(s: LatencySummary): string {
  if (s.count === 0) return 'n/a (nothing measured)';
  return `p50 ${fmtMs(s.p50)} / p95 ${fmtMs(s.p95)} / p99 ${fmtMs(s.p99)} / max ${fmtMs(s.max)} ms (${fmtCount(s.count)})`;
}

export function graphRows(result: RunResult): string[][] | undefined {
  const g = result.neo4j;
  if (!g) return undefined;
  const errs = Object.entries(g.errors);
  const rows: string[][] = [
    ['Server', `${g.server}, ${g.serverVersion}`],
    ['Sync readers', `${g.readers} x batch ${g.batch}`],
    ['Merged (measured)', `${fmtCount(g.merged)} requests in ${fmtCount(g.batches)} transactions`],
    ['MERGE latency per transaction', lat(g.mergeLatencyMs)],
    ['Sync lag (enqueue to merged)', lat(g.syncLagMs)],
    [
      'Neo4jSyncQueue depth',
      fmtMeasured(g.queueDepthMax, (v) => `max ${fmtCount(v)}`) +
        (g.queueDepthMean !== undefined ? `, mean ${g.queueDepthMean.toFixed(1)}` : ''),
    ],
    [
      'Atoms ingested / Atom nodes',
      `${g.ingestedAtoms !== undefined ? fmtCount(g.ingestedAtoms) : 'n/a'} / ${g.graphNodes !== undefined ? fmtCount(g.graphNodes) : 'n/a'}` +
        ` (whole run: ${fmtCount(g.mergedTotal)} merged, ${fmtCount(g.nodesCreated)} created)`,
    ],
    ['Backlog after the drain', g.backlogAtEnd === null ? 'n/a (unreadable)' : fmtCount(g.backlogAtEnd)],
    ['Errors by class', errs.length ? errs.map(([k, n]) => `${k} ${fmtCount(n)}`).join(', ') : 'none'],
    ['Driver retries', fmtCount(g.retries)],
    [
      'Outages',
      g.outages === 0
        ? 'none'
        : `${fmtCount(g.outages)}, unreachable ${fmtSec(g.unavailableMs / 1000)} in all, recovered`,
    ],
    ['Constraint', g.constraint],
  ];
  if (g.preload)
    rows.push([
      'Provenance graph',
      `${fmtCount(g.preload.atoms)} atoms${g.preload.edges !== undefined ? `, ${fmtCount(g.preload.edges)} edges` : ''}` +
        (g.preload.reused ? ' (reused)' : ' (preloaded)'),
    ]);
  return rows;
}
