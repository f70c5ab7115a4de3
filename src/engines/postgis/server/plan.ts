/**
 * Reading PostgreSQL's EXPLAIN (FORMAT JSON) output: pure functions, tested on recorded plans.
 *
 * - Seek: the plan reads the spatial index when a node of type Index Scan, Index Only Scan or Bitmap
 *   Index Scan names it (`Index Name`): that is what the PostGIS seek ratio counts.
 * - Primary filter (EXPLAIN ANALYZE of the window count): the scan of the embeddings table outputs the
 *   rows passing the exact test (`Actual Rows`); its candidates are those plus the rows it removed
 *   (`Rows Removed by Filter`: the bounding box matched, the distance test did not; `Rows Removed by
 *   Index Recheck`: a lossy bitmap page). PostgreSQL reports rows and removals per loop: times loops.
 */
export interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  'Index Cond'?: string;
  'Order By'?: string;
  Filter?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

/** The root of EXPLAIN (FORMAT JSON)'s single result: `[{ "Plan": {...} }]`. */
export function planRoot(explainJson: unknown): PlanNode {
  const doc = typeof explainJson === 'string' ? (JSON.parse(explainJson) as unknown) : explainJson;
  const root = (Array.isArray(doc) ? doc[0] : doc) as { Plan?: PlanNode } | undefined;
  if (!root?.Plan) throw new Error('EXPLAIN (FORMAT JSON): no Plan in the output');
  return root.Plan;
}

export function* walkPlan(node: PlanNode): Generator<PlanNode> {
  yield node;
  for (const child of node.Plans ?? []) yield* walkPlan(child);
}

const INDEX_NODES = new Set(['Index Scan', 'Index Only Scan', 'Bitmap Index Scan']);

/** Did the plan read `indexName` (unquoted, as PostgreSQL names it)? */
export function usesIndex(root: PlanNode, indexName: string): boolean {
  for (const n of walkPlan(root))
    if (INDEX_NODES.has(n['Node Type']) && n['Index Name'] === indexName) return true;
  return false;
}

/** A one-line plan for the report: `Limit > Index Scan using IX on AtomEmbeddings (order by <->)`. */
export function planSummary(root: PlanNode): string {
  const parts: string[] = [];
  for (const n of walkPlan(root)) {
    let s = n['Node Type'];
    if (n['Index Name']) s += ` using ${n['Index Name']}`;
    if (n['Relation Name']) s += ` on ${n['Relation Name']}`;
    if (n['Order By']) s += ' (order by <->)';
    parts.push(s);
  }
  return parts.join(' > ');
}

const SCANS = new Set(['Index Scan', 'Index Only Scan', 'Bitmap Heap Scan', 'Seq Scan', 'Parallel Seq Scan']);

/** Candidates and rows output of the scan of `relation` in an EXPLAIN ANALYZE plan, or undefined. */
export function filterCounts(
  root: PlanNode,
  relation: string,
): { candidates: number; output: number } | undefined {
  for (const n of walkPlan(root)) {
    if (!SCANS.has(n['Node Type']) || n['Relation Name'] !== relation) continue;
    const loops = n['Actual Loops'] ?? 1;
    const output = Math.round((n['Actual Rows'] ?? 0) * loops);
    const removed = Math.round(
      ((n['Rows Removed by Filter'] ?? 0) + (n['Rows Removed by Index Recheck'] ?? 0)) * loops,
    );
    return { candidates: output + removed, output };
  }
  return undefined;
}
