import { describe, expect, it } from 'vitest';
import { shardStatements } from '../../../../src/engines/mssql/coordination.ts';

/** The T-SQL of shard coordination (SQL Server cannot run here: the text and parameters are checked). */
describe('mssql shard coordination statements', () => {
  const q = shardStatements('bench]x');

  it('creates the table once, in the mapping schema, quoted (OBJECT_ID with the quoted two-part name)', () => {
    expect(q.create.text).toContain("IF OBJECT_ID(N'[bench]]x].[AtombenchShards]', N'U') IS NULL");
    expect(q.create.text).toContain('CREATE TABLE [bench]]x].[AtombenchShards] (');
    expect(q.create.text).toContain('AtUtc datetime2(3) NOT NULL DEFAULT SYSUTCDATETIME()');
    expect(q.create.text).toContain('PRIMARY KEY (RunId, [Key], Shard)');
    expect(q.create.params).toEqual([]);
  });

  it('reads the server clock as epoch milliseconds (DATEDIFF_BIG, bigint)', () => {
    expect(q.now.text).toBe("SELECT DATEDIFF_BIG(MILLISECOND, '19700101', SYSUTCDATETIME()) AS ms;");
  });

  it('upserts one shard row with bound values only', () => {
    const s = q.announce('run-1', 'start', 3, 'ready');
    expect(s.text).toMatch(
      /^UPDATE \[bench\]\]x\]\.\[AtombenchShards\] SET \[Value\] = @value, AtUtc = SYSUTCDATETIME\(\)/,
    );
    expect(s.text).toContain(
      'IF @@ROWCOUNT = 0 INSERT INTO [bench]]x].[AtombenchShards] (RunId, [Key], Shard, [Value]) VALUES (@runId, @key, @shard, @value);',
    );
    expect(s.params).toEqual([
      { name: 'runId', type: 'nvarchar', value: 'run-1' },
      { name: 'key', type: 'nvarchar', value: 'start' },
      { name: 'shard', type: 'int', value: 3 },
      { name: 'value', type: 'nvarchar', value: 'ready' },
    ]);
  });

  it('lists a key’s rows with their server time', () => {
    const s = q.announced('run-1', 'dataset');
    expect(s.text).toContain("DATEDIFF_BIG(MILLISECOND, '19700101', AtUtc) AS atMs");
    expect(s.text).toContain('WHERE RunId = @runId AND [Key] = @key ORDER BY Shard;');
    expect(s.params.map((p) => p.value)).toEqual(['run-1', 'dataset']);
  });
});
