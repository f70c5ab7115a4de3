/**
 * Primary filter efficiency from sp_help_spatial_geometry_index_xml for a sample query window
 * (SD:docs/relational-databases/system-stored-procedures/sp-help-spatial-geometry-index-xml-transact-sql.md,
 * properties in spatial-index-stored-procedures-arguments-and-properties.md):
 *   @tabname nvarchar(776) (a qualified name is fine), @indexname sysname, @verboseoutput tinyint
 *   (0 = core properties, > 0 = all), @query_sample geometry, @xml_output xml OUTPUT.
 * @verboseoutput = 1: Base_Table_Rows and Total_Primary_Index_Rows are not core properties (the
 * properties page marks only some "This is a core property"), so at 0 they may be absent. The index rows
 * per base row is computed here as a float from those two counts: the procedure's own
 * Average_Number_Of_Index_Rows_Per_Base_Row is documented as bigint, so 1.8 would read as 1.
 * The sample is built in T-SQL (tedious cannot send geometry). The procedure evaluates the sample against
 * the whole index, so the engine rate-limits it.
 *
 * The XML shape is UNCONFIRMED: the doc's example reads `(/Primary_Filter_Efficiency/text())[1]`, i.e. one
 * element per property; properties that are NULL are left out. The parser accepts that shape and, in
 * case, name/value attribute pairs, and treats anything missing as unknown.
 */
import type { ObjectNames } from '../../../scenario/names.ts';
import { qualifiedName } from '../sql/identifiers.ts';
import { exec, param, rows, type RequestSource, type SqlStatement } from '../sql/statement.ts';
import { leafElements, startTags } from './xml-text.ts';
import { operationError } from '../error-class.ts';
import type { Redactor } from '../redact.ts';

export function primaryFilterQuery(names: ObjectNames, x: number, y: number, radius: number): SqlStatement {
  return {
    text: `SET NOCOUNT ON;
DECLARE @qs geometry = geometry::Point(@x, @y, 0).STBuffer(@radius);
DECLARE @out xml;
EXEC sys.sp_help_spatial_geometry_index_xml @tabname = @tab, @indexname = @ix, @verboseoutput = 1,
     @query_sample = @qs, @xml_output = @out OUTPUT;
SELECT CAST(@out AS nvarchar(max)) AS PropertiesXml;`,
    params: [
      param('x', 'float', x),
      param('y', 'float', y),
      // STBuffer(0) of a point is empty; a tiny positive radius keeps the sample a region.
      param('radius', 'float', radius > 0 ? radius : 1e-9),
      param('tab', 'nvarchar', qualifiedName(names.schema, names.embeddingsTable)),
      param('ix', 'sysname', names.spatialIndex),
    ],
  };
}

/** Property name -> number, from the XML fragment; non-numeric values are dropped. */
export function parseIndexProperties(xml: string | null | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (!xml) return out;
  const put = (k: string | undefined, v: string | undefined) => {
    if (!k || v === undefined || v.trim() === '') return;
    const n = Number(v);
    if (Number.isFinite(n) && !(k in out)) out[k] = n;
  };
  for (const [k, v] of Object.entries(leafElements(xml))) put(k, v);
  for (const t of startTags(xml)) {
    const a = t.attrs;
    put(a.Name ?? a.name ?? a.PropName ?? a.propname, a.Value ?? a.value ?? a.PropValue ?? a.propvalue);
  }
  return out;
}

export interface PrimaryFilterStats {
  /** Rows the primary filter (index lookup) selected: P. */
  candidates: number;
  /** Rows output by the whole query: O. */
  output: number;
  /** O / P in percent, as the procedure reports it (when present). */
  efficiencyPercent?: number;
  /** Total_Primary_Index_Rows / Base_Table_Rows as a float (never the procedure's bigint average). */
  indexRowsPerBaseRow?: number;
  /** 1 when the sample lies outside the bounding box (the index does not fit the query). */
  sampleInLevel0?: number;
  baseTableRows?: number;
}

export function primaryFilterStats(props: Record<string, number>): PrimaryFilterStats | undefined {
  const candidates = props.Number_Of_Rows_Selected_By_Primary_Filter;
  const output = props.Number_Of_Rows_Output;
  if (candidates === undefined || output === undefined) return undefined;
  const indexRows = props.Total_Primary_Index_Rows;
  const baseRows = props.Base_Table_Rows;
  return {
    candidates,
    output,
    efficiencyPercent: props.Primary_Filter_Efficiency,
    indexRowsPerBaseRow:
      indexRows !== undefined && baseRows !== undefined && baseRows > 0 ? indexRows / baseRows : undefined,
    sampleInLevel0: props.Total_Number_Of_ObjectCells_In_Level0_For_QuerySample,
    baseTableRows: props.Base_Table_Rows,
  };
}

/** Run the procedure for one query window and return P and O (undefined when it reports neither). */
export async function samplePrimaryFilter(
  pool: RequestSource,
  names: ObjectNames,
  window: { q: { x: number; y: number }; radius: number },
): Promise<PrimaryFilterStats | undefined> {
  const r = rows<{ PropertiesXml: string | null }>(
    await exec(pool, primaryFilterQuery(names, window.q.x, window.q.y, window.radius)),
  );
  return primaryFilterStats(parseIndexProperties(r[0]?.PropertiesXml));
}

/**
 * The rate-limited sampler the engine asks for P and O (the procedure reads the whole index: at most one
 * call per `everyMs`), keeping the last sample for the probes' gauges. A permission or missing-object
 * error turns the capability off with the reason.
 */
export class PrimaryFilterSampler {
  private lastAtMs = -Infinity;
  last: PrimaryFilterStats | undefined;

  constructor(
    private readonly everyMs: number,
    private readonly redactor: Redactor,
    private readonly disable: (reason: string) => void,
  ) {}

  async sample(
    pool: RequestSource,
    names: ObjectNames,
    window: { q: { x: number; y: number }; radius: number },
  ): Promise<{ candidates: number; output: number } | undefined> {
    const now = Date.now();
    if (now - this.lastAtMs < this.everyMs) return undefined;
    this.lastAtMs = now;
    try {
      const stats = await samplePrimaryFilter(pool, names, window);
      this.last = stats ?? this.last;
      return stats && { candidates: stats.candidates, output: stats.output };
    } catch (e) {
      const err = operationError(e, this.redactor, 'sp_help_spatial_geometry_index_xml');
      if (err.errorClass === 'permission' || err.errorClass === 'missing-object') this.disable(err.message);
      throw err;
    }
  }
}
