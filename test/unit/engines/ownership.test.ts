import { describe, expect, it } from 'vitest';
import { checkForeignRows, declaredShapes, missingColumns } from '../../../src/engines/ownership.ts';
import { postgisTemplateNames } from '../../../src/engines/postgis/dialect.ts';
import { quoteDouble, renderSqlFile } from '../../../src/engines/sql-template.ts';
import { applockQuery, holderMessage, lockResource } from '../../../src/engines/mssql/seed/lock.ts';
import { dropForeignRowsQuery, foreignRowsQuery } from '../../../src/engines/mssql/seed/ownership.ts';
import { resetIngestedQuery } from '../../../src/engines/mssql/sql/dialect-ingest.ts';
import { resolveNames } from '../../../src/scenario/names.ts';
import { UserError } from '../../../src/errors.ts';

const names = resolveNames('hartonomous', {});

describe('ownership helpers', () => {
  it('reads the declared columns of each table from a schema script', () => {
    const shapes = declaredShapes(
      renderSqlFile('postgis', 'schema.sql', postgisTemplateNames(names), quoteDouble),
    );
    expect([...shapes.keys()]).toEqual(['atombench_meta', 'Atoms', 'AtomEmbeddings', 'OODALoopMetrics']);
    expect(shapes.get('atombench_meta')).toEqual(['scope', 'key', 'value']);
    expect(shapes.get('Atoms')?.slice(0, 4)).toEqual(['atomid', 'tenantid', 'modality', 'subtype']);
    expect(shapes.get('AtomEmbeddings')).toContain('spatialgeometry');
  });

  it('missing columns: case-insensitive, extra columns allowed', () => {
    expect(missingColumns(['a', 'b'], ['A', 'B', 'extra'])).toBeUndefined();
    expect(missingColumns(['a', 'b', 'c'], ['b'])).toEqual(['a', 'c']);
  });

  it('foreign rows: refused without --force --drop-foreign-rows, named with their count; announced before a drop', () => {
    const rows = [
      { table: 'Atoms', rows: 5 },
      { table: 'AtomEmbeddings', rows: 0 },
    ];
    expect(checkForeignRows('db', [{ table: 'Atoms', rows: 0 }], { force: false })).toBe('none');
    expect(() => checkForeignRows('db', rows, { force: true })).toThrow(UserError);
    expect(() => checkForeignRows('db', rows, { force: false, dropForeignRows: true })).toThrow(
      'db: Atoms holds 5 row(s) that atombench did not insert; refusing to touch them (nothing was changed)',
    );
    const said: string[] = [];
    expect(
      checkForeignRows('db', rows, { force: true, dropForeignRows: true, notify: (m) => said.push(m) }),
    ).toBe('drop');
    expect(said).toEqual([
      '--drop-foreign-rows: deleting rows atombench did not insert: Atoms holds 5 row(s)',
    ]);
  });
});

describe('mssql dataset lock and ownership statements', () => {
  it('takes an exclusive transaction-owned application lock without waiting, resource under 32 characters', () => {
    const q = applockQuery(names);
    expect(q.text).toContain(
      "EXEC @r = sys.sp_getapplock @Resource = @resource, @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = 0;",
    );
    expect(q.params).toEqual([{ name: 'resource', type: 'nvarchar', value: 'atombench:dbo.Atoms' }]);
    expect(lockResource({ ...names, atomsTable: 'x'.repeat(60) })).toHaveLength(32);
    expect(
      holderMessage(names, {
        Result: -1,
        SessionId: 57,
        HostName: 'ci-host',
        HostPid: 4242,
        ProgramName: 'Tedious',
        LoginTime: '2026-12-02T14:00:00.000',
      }),
    ).toBe(
      'the dataset dbo.Atoms is in use by atombench pid 4242 on ci-host (session 57, Tedious, since 2026-12-02T14:00:00.000); one seed or run at a time per dataset: wait for it to finish, or stop it',
    );
  });

  it('counts and deletes only rows without atombench marker; reset deletes only ingested rows', () => {
    expect(foreignRowsQuery(names).text).toContain(
      "FROM [dbo].[Atoms] AS a WHERE (a.SourceType IS NULL OR NOT a.SourceType IN (N'atombench', N'atombench-ingest'))",
    );
    expect(dropForeignRowsQuery(names).text).toMatch(
      /DELETE e FROM \[dbo\]\.\[AtomEmbeddings\] AS e WHERE NOT EXISTS/,
    );
    expect(resetIngestedQuery(names, 100).text).toContain(
      "DELETE FROM [dbo].[Atoms] WHERE [AtomId] > @n AND SourceType = N'atombench-ingest';",
    );
  });
});
