import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NAME_PRESETS } from '../../../../../src/scenario/names.ts';
import {
  parseIndexProperties,
  primaryFilterQuery,
  primaryFilterStats,
} from '../../../../../src/engines/mssql/plan/primary-filter.ts';

const fixture = readFileSync(
  new URL('../../../../fixtures/mssql/spatial-index-properties.xml', import.meta.url),
  'utf8',
);

describe('sp_help_spatial_geometry_index_xml', () => {
  it('builds the sample in T-SQL and passes the names as parameters', () => {
    const s = primaryFilterQuery(NAME_PRESETS.runbook!, 0.01, 0.02, 10);
    expect(s.text).toContain('DECLARE @qs geometry = geometry::Point(@x, @y, 0).STBuffer(@radius);');
    expect(s.text).toContain(
      'EXEC sys.sp_help_spatial_geometry_index_xml @tabname = @tab, @indexname = @ix, @verboseoutput = 1,',
    );
    expect(s.text).toContain('@query_sample = @qs, @xml_output = @out OUTPUT;');
    expect(Object.fromEntries(s.params.map((p) => [p.name, p.value]))).toEqual({
      x: 0.01,
      y: 0.02,
      radius: 10,
      tab: '[dbo].[AtomEmbeddings]',
      ix: 'IX_AtomEmbeddings_SpatialGeometry',
    });
    expect(
      primaryFilterQuery(NAME_PRESETS.runbook!, 0, 0, 0).params.find((p) => p.name === 'radius')!.value,
    ).toBeGreaterThan(0);
  });

  it('reads the documented element-per-property fragment', () => {
    const props = parseIndexProperties(fixture);
    expect(props.Base_Table_Rows).toBe(1000000);
    expect(props.Primary_Filter_Efficiency).toBe(100);
    expect(primaryFilterStats(props)).toEqual({
      candidates: 1000000,
      output: 1000000,
      efficiencyPercent: 100,
      indexRowsPerBaseRow: 1,
      sampleInLevel0: 0,
      baseTableRows: 1000000,
    });
  });

  it('index rows per base row is a float from the two row counts, not the bigint average', () => {
    // 1.8 index rows per base row: the procedure's bigint Average_Number_Of_Index_Rows_Per_Base_Row says 1.
    const props = {
      Number_Of_Rows_Selected_By_Primary_Filter: 40,
      Number_Of_Rows_Output: 30,
      Base_Table_Rows: 1000,
      Total_Primary_Index_Rows: 1800,
      Average_Number_Of_Index_Rows_Per_Base_Row: 1,
    };
    expect(primaryFilterStats(props)?.indexRowsPerBaseRow).toBe(1.8);
    // Absent counts (a core-only reply) leave it unknown rather than taking the bigint.
    const { Base_Table_Rows: _b, ...noBase } = props;
    expect(primaryFilterStats(noBase)?.indexRowsPerBaseRow).toBeUndefined();
    expect(primaryFilterStats({ ...props, Base_Table_Rows: 0 })?.indexRowsPerBaseRow).toBeUndefined();
  });

  it('accepts name/value attribute pairs and a wrapping element (defensive)', () => {
    const xml =
      '<Properties><Property Name="Number_Of_Rows_Selected_By_Primary_Filter" Value="50"/><Property name="Number_Of_Rows_Output" value="20"/></Properties>';
    expect(primaryFilterStats(parseIndexProperties(xml))).toMatchObject({ candidates: 50, output: 20 });
  });

  it('missing or non-numeric properties are unknown, not zero', () => {
    expect(parseIndexProperties(null)).toEqual({});
    expect(parseIndexProperties('<A>x</A><B></B><C>3</C>')).toEqual({ C: 3 });
    expect(primaryFilterStats({ Number_Of_Rows_Output: 3 })).toBeUndefined();
  });
});
