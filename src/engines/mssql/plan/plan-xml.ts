/**
 * Read showplan XML (namespace http://schemas.microsoft.com/sqlserver/2004/07/showplan) without a DOM:
 * which operators ran, on which objects, and whether the spatial index was one of them.
 *
 * The seek-ratio test is the XPath `//Object[@IndexKind="Spatial"]` (the showplan schema, below): a
 * spatial index is an internal table (sys.extended_index_<objid>_<indexid>) and
 * its access is an IndexScan whose Object carries IndexKind="Spatial" — a value of the showplan schema's
 * IndexKindType enumeration (Heap, Clustered, NonClustered, ..., Spatial). As a second, name-based test
 * the Object's Index attribute is compared with the mapped index name ([IX_...]). The PhysicalOp label
 * of that access is not relied on (UNCONFIRMED; SSMS shows "Clustered Index Seek (Spatial)").
 * SpatialGuess warnings appear on most spatial plans and are not a signal.
 */
import { quoteName } from '../sql/identifiers.ts';
import { startTags } from './xml-text.ts';

/** The one column of each result set SET STATISTICS XML ON adds (SD:docs/t-sql/statements/set-statistics-xml-transact-sql.md). */
export const SHOWPLAN_COLUMN = 'Microsoft SQL Server 2005 XML Showplan';

export interface PlanObject {
  database?: string;
  schema?: string;
  table?: string;
  index?: string;
  indexKind?: string;
}

export interface PlanOperator {
  nodeId?: number;
  physicalOp: string;
  logicalOp: string;
  estimateRows?: number;
  /** Sum of RunTimeCountersPerThread/@ActualRows (actual plans only). */
  actualRows?: number;
  objects: PlanObject[];
}

export interface ParsedPlan {
  statements: string[];
  operators: PlanOperator[];
  objects: PlanObject[];
  warnings: string[];
}

const num = (v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
};

export function parseShowplan(xml: string): ParsedPlan {
  const tags = startTags(xml, [
    'StmtSimple',
    'RelOp',
    'Object',
    'RunTimeCountersPerThread',
    'Warnings',
    'PlanAffectingConvert',
    'SpillToTempDb',
    'MemoryGrantWarning',
  ]);
  const plan: ParsedPlan = { statements: [], operators: [], objects: [], warnings: [] };
  let current: PlanOperator | undefined;
  for (const t of tags) {
    switch (t.name) {
      case 'StmtSimple':
        if (t.attrs.StatementText) plan.statements.push(t.attrs.StatementText.trim());
        break;
      case 'RelOp':
        current = {
          nodeId: num(t.attrs.NodeId),
          physicalOp: t.attrs.PhysicalOp ?? '?',
          logicalOp: t.attrs.LogicalOp ?? '?',
          estimateRows: num(t.attrs.EstimateRows),
          objects: [],
        };
        plan.operators.push(current);
        break;
      case 'RunTimeCountersPerThread': {
        const rows = num(t.attrs.ActualRows);
        if (current && rows !== undefined) current.actualRows = (current.actualRows ?? 0) + rows;
        break;
      }
      case 'Object': {
        const o: PlanObject = {
          database: t.attrs.Database,
          schema: t.attrs.Schema,
          table: t.attrs.Table,
          index: t.attrs.Index,
          indexKind: t.attrs.IndexKind,
        };
        plan.objects.push(o);
        current?.objects.push(o);
        break;
      }
      case 'Warnings':
        // Boolean attributes: SpatialGuess, NoJoinPredicate, UnmatchedIndexes, ...
        for (const [k, v] of Object.entries(t.attrs)) if (v === 'true' || v === '1') plan.warnings.push(k);
        break;
      default:
        plan.warnings.push(t.name);
    }
  }
  return plan;
}

/** Did the plan read the spatial index? `//Object[@IndexKind="Spatial"]`, or the mapped index by name. */
export function usesSpatialIndex(plan: ParsedPlan, indexName?: string): boolean {
  const quoted = indexName ? quoteName(indexName).toLowerCase() : undefined;
  return plan.objects.some(
    (o) =>
      o.indexKind === 'Spatial' ||
      (quoted !== undefined && o.index !== undefined && o.index.toLowerCase() === quoted),
  );
}

/** The showplan documents among a request's result sets (one per statement with STATISTICS XML ON). */
export function showplansFrom(recordsets: readonly unknown[]): string[] {
  const out: string[] = [];
  for (const rs of recordsets) {
    const set = rs as { columns?: Record<string, unknown> } & Record<string, unknown>[];
    const cols = Object.keys(set.columns ?? {});
    if (cols.length !== 1 || !cols[0]!.includes('XML Showplan')) continue;
    for (const row of set) {
      const v = row[cols[0]!];
      if (typeof v === 'string') out.push(v);
    }
  }
  return out;
}

function describeOperator(op: PlanOperator): string {
  const o = op.objects[0];
  const on = o
    ? ` ${[o.schema, o.table].filter(Boolean).join('.')}${o.index ? ` ${o.index}` : ''}${o.indexKind === 'Spatial' ? ' (Spatial)' : ''}`
    : '';
  const rows =
    op.actualRows !== undefined
      ? ` rows=${op.actualRows}`
      : op.estimateRows !== undefined
        ? ` est=${op.estimateRows}`
        : '';
  return `${op.physicalOp}${on}${rows}`;
}

/** A short one-line summary for the report: the operators of the plans, in document order. */
export function planSummary(plans: readonly ParsedPlan[], maxLength = 400): string {
  const ops = plans.flatMap((p) => p.operators).map(describeOperator);
  const text = ops.length ? ops.join(' > ') : 'no operators in the plan';
  return text.length > maxLength ? `${text.slice(0, maxLength - 3)}...` : text;
}

/** Rows the spatial index returned (the primary filter's candidates), when the plan is an actual plan. */
export function spatialCandidateRows(plan: ParsedPlan): number | undefined {
  const op = plan.operators.find((o) => o.objects.some((x) => x.indexKind === 'Spatial'));
  return op?.actualRows;
}
