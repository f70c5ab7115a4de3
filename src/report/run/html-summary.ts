import { errorCount } from '../../metrics/operation-stats.ts';
import { fmtCount, fmtMs, fmtRate, fmtRatio, fmtSec, verdictLabel } from '../format.ts';
import type { Measured, RunResult, TargetResult } from '../../model/result.ts';
import { shardNote } from './shards.ts';
import { clientWarning, TARGET_HEADER, targetRows, verdictCounts } from './rows.ts';
import { badge, esc, raw, section, table, verdictClass, type Html } from '../html/markup.ts';

/**
 * The top of the run report, what a release manager reads first: the verdict, the warnings that qualify
 * it, the key measurements as tiles, and the target table (observed vs threshold, runbook source).
 */

export function scenarioName(r: RunResult): string {
  return typeof r.scenario.name === 'string' ? r.scenario.name : r.runId;
}

export function header(r: RunResult): string {
  const v = verdictLabel(r.verdict);
  const line =
    `${r.engine.engine}, ${fmtCount(r.dataset.atoms)} atoms, ${r.load.model} loop, ` +
    `${fmtSec(r.load.durationSec)} measured after ${fmtSec(r.load.warmupSec)} warm-up`;
  const out = [
    `<header class="verdict-bar ${verdictClass(v)}">`,
    `<div class="verdict" data-verdict="${esc(r.verdict)}">${esc(v)}</div>`,
    `<div class="headline"><h1>atombench: ${esc(scenarioName(r))}</h1>`,
    `<p>${esc(verdictCounts(r))} <span class="muted">(n/a is not a pass)</span> · ${esc(line)}</p>`,
    `<p class="muted small">run ${esc(r.runId)} · ${esc(r.startedAt)} · atombench ${esc(r.atombenchVersion)}</p></div>`,
    '</header>',
  ];
  const warning = clientWarning(r);
  if (warning)
    out.push(
      `<div class="band warn" role="alert"><strong>Client bottleneck — not valid for gating.</strong> ${esc(warning)}</div>`,
    );
  if (r.interrupted)
    out.push(
      '<div class="band warn" role="alert"><strong>Interrupted.</strong> The run was stopped early; the numbers cover only what ran.</div>',
    );
  const shards = shardNote(r);
  if (shards) out.push(`<div class="band"><strong>Shards.</strong> ${esc(shards)}</div>`);
  return out.join('\n');
}

function targetFor(r: RunResult, metric: string): TargetResult | undefined {
  return r.targets.find((t) => t.metric === metric);
}

interface Tile {
  label: string;
  value: string;
  /** Target verdict, when a target judges this value. */
  verdict?: TargetResult['verdict'];
  detail?: string;
  /** 0..1 for a bar under the value (ratios). */
  fill?: number;
}

function ratioTile(label: string, m: Measured<number>, t: TargetResult | undefined, detail = ''): Tile {
  const target = t ? `target ${t.expression}` : '';
  if (!('value' in m)) return { label, value: 'n/a', verdict: 'n/a', detail: m.na };
  const parts = [target, detail].filter(Boolean).join(' · ');
  return {
    label,
    value: fmtRatio(m.value),
    ...(t ? { verdict: t.verdict } : {}),
    detail: parts,
    fill: m.value,
  };
}

export function tiles(r: RunResult): Tile[] {
  const p = r.probes;
  const total = r.total;
  const depthTarget = targetFor(r, 'ooda.queueDepth');
  const depth: Tile =
    'value' in p.queueDepthMax
      ? {
          label: 'Queue depth max',
          value: fmtCount(p.queueDepthMax.value),
          ...(depthTarget
            ? { verdict: depthTarget.verdict, detail: `target ${depthTarget.expression}` }
            : {}),
        }
      : { label: 'Queue depth max', value: 'n/a', verdict: 'n/a', detail: p.queueDepthMax.na };
  return [
    ratioTile(
      'Spatial index seek ratio',
      p.seekRatio,
      targetFor(r, 'seekRatio'),
      `${fmtCount(p.seekSamples)} sampled plans`,
    ),
    ratioTile('Cache hit ratio', p.cacheHitRatio, targetFor(r, 'cacheHitRatio')),
    depth,
    {
      label: 'Throughput',
      value: `${fmtRate(total.throughputPerSec)} ops/s`,
      detail: `${fmtCount(total.count)} operations, ${fmtCount(errorCount(total))} errors`,
    },
    {
      label: 'Latency p95, all operations',
      value: total.latencyMs.count === 0 ? 'n/a' : `${fmtMs(total.latencyMs.p95)} ms`,
      detail:
        total.latencyMs.count === 0 ? 'no successful operation' : `p99 ${fmtMs(total.latencyMs.p99)} ms`,
    },
  ];
}

function tileHtml(t: Tile): string {
  const cls = t.verdict ? ` ${verdictClass(t.verdict)}` : '';
  const bar =
    t.fill !== undefined
      ? `<div class="bar" aria-hidden="true"><span style="width:${(Math.min(1, Math.max(0, t.fill)) * 100).toFixed(1)}%"></span></div>`
      : '';
  return (
    `<div class="tile${cls}"><div class="tile-label">${esc(t.label)}</div>` +
    `<div class="tile-value">${t.verdict ? `${badge(verdictLabel(t.verdict)).html} ` : ''}${esc(t.value)}</div>${bar}` +
    (t.detail ? `<div class="tile-detail">${esc(t.detail)}</div>` : '') +
    '</div>'
  );
}

export function tilesHtml(r: RunResult): string {
  return `<div class="tiles">\n${tiles(r).map(tileHtml).join('\n')}\n</div>`;
}

/** The target table: the shared row builder's cells, a badge for the verdict, the source in small type. */
export function targetsSection(r: RunResult): string {
  if (r.targets.length === 0) return section('targets', 'Targets', '<p>No targets were set.</p>');
  const rows = targetRows(r).map((row, i): (string | Html)[] => {
    const t = r.targets[i]!;
    const [label, metric, expression, observed, threshold, note] = row as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    return [
      badge(label),
      metric,
      expression,
      observed,
      threshold,
      raw((note ? `<div>${esc(note)}</div>` : '') + `<div class="source">${esc(t.source)}</div>`),
    ];
  });
  const head = [...TARGET_HEADER.slice(0, 5), 'note and runbook source'];
  return section(
    'targets',
    'Targets',
    table(head, rows, {
      numeric: [3, 4],
      className: 'targets',
      rowClass: (i) => verdictClass(r.targets[i]!.verdict),
    }),
  );
}
