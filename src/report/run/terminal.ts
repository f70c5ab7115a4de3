import { fmtCount, verdictLabel } from '../format.ts';
import type { RunResult } from '../../model/result.ts';
import { shardNote } from './shards.ts';
import {
  clientWarning,
  errorLines,
  faultLines,
  loadLines,
  measuredText,
  OPERATION_HEADER,
  OPERATION_NUMERIC,
  operationRows,
  targetRows,
  verdictCounts,
  wallTimeText,
} from './rows.ts';
import { GRAPH_HEADER, graphRows } from './graph-rows.ts';

/**
 * The compact end-of-run table for a terminal: targets with PASS/FAIL/N/A, then per-operation latency.
 * ANSI colour only when asked (the CLI decides from isTTY / NO_COLOR), so piped output stays plain.
 */

export interface TerminalOptions {
  color: boolean;
}

const ANSI = {
  red: '\u001b[31m',
  green: '\u001b[32m',
  yellow: '\u001b[33m',
  bold: '\u001b[1m',
  dim: '\u001b[2m',
  reset: '\u001b[0m',
};
type Style = Exclude<keyof typeof ANSI, 'reset'>;

function painter(color: boolean): (s: string, style: Style) => string {
  return color ? (s, style) => `${ANSI[style]}${s}${ANSI.reset}` : (s) => s;
}

function verdictStyle(label: string): Style {
  return label === 'PASS' ? 'green' : label === 'FAIL' ? 'red' : 'yellow';
}

/**
 * Fixed-width columns. Widths come from the plain text, and styling is applied after padding, so escape
 * codes never shift a column. `right` lists right-aligned (numeric) columns.
 */
function columns(
  rows: string[][],
  right: number[],
  style: (cell: string, col: number, row: number) => string,
): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r, ri) =>
    r
      .map((c, i) => {
        const last = i === r.length - 1;
        const padded = right.includes(i) ? c.padStart(widths[i]!) : last ? c : c.padEnd(widths[i]!);
        // Empty cells stay unstyled so trimEnd can drop them (an escape code is not whitespace).
        return padded.trim() === '' ? padded : style(padded, i, ri);
      })
      .join('  ')
      .trimEnd(),
  );
}

export function renderTerminal(result: RunResult, options: TerminalOptions = { color: false }): string {
  const paint = painter(options.color);
  const verdict = verdictLabel(result.verdict);
  const name = typeof result.scenario.name === 'string' ? result.scenario.name : result.runId;
  const out: string[] = [
    `${paint(`atombench ${name}`, 'bold')}  ${result.engine.engine}, ${fmtCount(result.dataset.atoms)} atoms, ` +
      `${measuredText(result)}  ${paint(verdict, verdictStyle(verdict))} (${verdictCounts(result)})`,
  ];
  const warning = clientWarning(result);
  if (warning) out.push(paint(`WARNING: ${warning}`, 'yellow'));
  if (result.interrupted) out.push(paint('INTERRUPTED: the numbers cover only what ran.', 'yellow'));
  for (const f of faultLines(result)) out.push(paint(`SERVER FAULT: ${f}`, 'yellow'));
  const shards = shardNote(result);
  if (shards) out.push(shards);

  if (result.targets.length > 0) {
    // Threshold is already in the expression; the terminal keeps the table narrow.
    const rows = [
      ['RESULT', 'TARGET', 'EXPRESSION', 'OBSERVED', 'NOTE'],
      ...targetRows(result).map((r) => [r[0]!, r[1]!, r[2]!, r[3]!, r[5]!]),
    ];
    out.push(
      '',
      ...columns(rows, [3], (c, col, row) => {
        if (row === 0) return paint(c, 'bold');
        if (col === 0) return paint(c, verdictStyle(c.trim()));
        return col === 4 ? paint(c, 'dim') : c;
      }),
    );
  }

  const opRows = [OPERATION_HEADER.map((h) => h.toUpperCase()), ...operationRows(result)];
  out.push(
    '',
    ...columns(opRows, OPERATION_NUMERIC, (c, _col, row) =>
      row === 0 || row === opRows.length - 1 ? paint(c, 'bold') : c,
    ),
    paint('latency in ms, successful operations only', 'dim'),
  );
  const errs = errorLines(result);
  if (errs.length > 0) out.push(`errors: ${errs.join('; ')}`);
  const load = loadLines(result);
  if (load.length > 0) out.push(`load: ${load.join('; ')}`);
  out.push(`wall time ${wallTimeText(result)}`);
  const graph = graphRows(result);
  if (graph)
    out.push(
      '',
      ...columns([GRAPH_HEADER.map((h) => h.toUpperCase()), ...graph], [], (c, _col, row) =>
        row === 0 ? paint(c, 'bold') : c,
      ),
    );
  return out.join('\n') + '\n';
}
