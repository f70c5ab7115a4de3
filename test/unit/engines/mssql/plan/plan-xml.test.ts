import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  parseShowplan,
  planSummary,
  showplansFrom,
  SHOWPLAN_COLUMN,
  spatialCandidateRows,
  usesSpatialIndex,
} from '../../../../../src/engines/mssql/plan/plan-xml.ts';

const fixture = (f: string) =>
  readFileSync(new URL(`../../../../fixtures/mssql/${f}`, import.meta.url), 'utf8');

describe('showplan parsing (hand-written fixtures)', () => {
  it('the pool plan reads the spatial index: //Object[@IndexKind="Spatial"]', () => {
    const p = parseShowplan(fixture('plan-pool-spatial.xml'));
    expect(usesSpatialIndex(p)).toBe(true);
    expect(usesSpatialIndex(p, 'IX_AtomEmbeddings_SpatialGeometry')).toBe(true);
    const spatial = p.objects.filter((o) => o.indexKind === 'Spatial');
    expect(spatial).toEqual([
      {
        database: '[atombench]',
        schema: '[sys]',
        table: '[extended_index_1077578877_384000]',
        index: '[IX_AtomEmbeddings_SpatialGeometry]',
        indexKind: 'Spatial',
      },
    ]);
    expect(p.statements[0]).toMatch(/^SELECT TOP \(@pool\)[\s\S]*\r\nFROM \[dbo\]\.\[AtomEmbeddings\]/);
    expect(p.warnings).toEqual(['SpatialGuess']);
    expect(spatialCandidateRows(p)).toBe(440);
  });

  it('operators in document order with actual rows', () => {
    const p = parseShowplan(fixture('plan-pool-spatial.xml'));
    expect(p.operators.map((o) => o.physicalOp)).toEqual([
      'Top',
      'Sort',
      'Compute Scalar',
      'Filter',
      'Nested Loops',
      'Sort',
      'Nested Loops',
      'Table-valued function',
      'Clustered Index Seek',
      'Clustered Index Seek',
    ]);
    expect(p.operators[0]!.actualRows).toBe(412);
    expect(p.operators[2]!.actualRows).toBeUndefined();
    expect(p.operators[9]!.objects[0]!.index).toBe('[PK_AtomEmbeddings]');
  });

  it('the kNN scan plan did not use it', () => {
    const p = parseShowplan(fixture('plan-knn-scan.xml'));
    expect(usesSpatialIndex(p, 'IX_AtomEmbeddings_SpatialGeometry')).toBe(false);
    expect(planSummary([p])).toBe(
      'Top rows=10 > Sort rows=10 > Filter rows=1000000 > Clustered Index Scan [dbo].[AtomEmbeddings] [PK_AtomEmbeddings] rows=1000000',
    );
  });

  it('a DECLARE document has no operators', () => {
    const p = parseShowplan(fixture('plan-declare.xml'));
    expect(p.operators).toEqual([]);
    expect(p.statements).toEqual(['DECLARE @q geometry = geometry::Point(@x, @y, 0)']);
    expect(usesSpatialIndex(p)).toBe(false);
  });

  it('the index name test matches case-insensitively and by the quoted name', () => {
    const xml =
      '<ShowPlanXML xmlns="http://schemas.microsoft.com/sqlserver/2004/07/showplan"><RelOp PhysicalOp="Clustered Index Seek" LogicalOp="Clustered Index Seek"><IndexScan><Object Table="[t]" Index="[ix_a]]b]"/></IndexScan></RelOp></ShowPlanXML>';
    expect(usesSpatialIndex(parseShowplan(xml), 'IX_A]B')).toBe(true);
    expect(usesSpatialIndex(parseShowplan(xml), 'IX_A')).toBe(false);
  });

  it('ignores Object tags inside comments and CDATA, and prefixed element names still count', () => {
    const xml =
      '<p:ShowPlanXML xmlns:p="x"><!-- <Object IndexKind="Spatial"/> --><p:RelOp PhysicalOp="Index Seek" LogicalOp="Index Seek"><p:Object Index="[i]" IndexKind="NonClustered"/></p:RelOp></p:ShowPlanXML>';
    const p = parseShowplan(xml);
    expect(usesSpatialIndex(p)).toBe(false);
    expect(p.objects).toHaveLength(1);
  });

  it('summaries are shortened', () => {
    const s = planSummary([parseShowplan(fixture('plan-pool-spatial.xml'))], 60);
    expect(s.length).toBe(60);
    expect(s.endsWith('...')).toBe(true);
    expect(planSummary([])).toBe('no operators in the plan');
  });

  it("finds the showplan result sets among a request's recordsets", () => {
    const rows = Object.assign([{ AtomEmbeddingId: 1 }], { columns: { AtomEmbeddingId: {} } });
    const plan = Object.assign([{ [SHOWPLAN_COLUMN]: '<ShowPlanXML/>' }], {
      columns: { [SHOWPLAN_COLUMN]: {} },
    });
    expect(showplansFrom([plan, rows, plan])).toEqual(['<ShowPlanXML/>', '<ShowPlanXML/>']);
  });
});
