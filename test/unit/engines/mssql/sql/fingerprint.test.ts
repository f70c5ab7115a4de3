import { describe, expect, it } from 'vitest';
import { fingerprintSql } from '../../../../../src/engines/postgis/safety/fingerprint.ts';
import { MssqlEngine } from '../../../../../src/engines/mssql/index.ts';
import {
  fingerprintBucketsQuery,
  fingerprintTotalsQuery,
  rowBytesExpression,
  rowHashesQuery,
} from '../../../../../src/engines/mssql/sql/fingerprint.ts';
import { resolveNames } from '../../../../../src/scenario/names.ts';
import { scenarioSchema } from '../../../../../src/scenario/schema.ts';

const names = resolveNames('runbook', {});

/** The columns a row-bytes expression reads, in order (a.X / x.X, quoted or not; a repeat read once). */
const columnsOf = (expr: string): string[] =>
  [...expr.matchAll(/\b([ax])\.(?:\[([^\]]+)\]|"([^"]+)"|(\w+))/g)]
    .map((m) => `${m[1]}.${m[2] ?? m[3] ?? m[4]}`)
    .filter((c, i, all) => c !== all[i - 1]);

describe('the SQL Server stored-data fingerprint statements', () => {
  it('encode the row in the order PostGIS does (dataset/fingerprint.ts)', () => {
    // PostGIS's row query: `SELECT a."AtomId" AS id, <row hash> AS h FROM ...`.
    const pg = columnsOf(fingerprintSql(names).rows.split(' AS h ')[0]!.split(' AS id, ')[1]!);
    const mssql = columnsOf(rowBytesExpression(names));
    expect(mssql).toHaveLength(19); // 21 parts: x, y and z all read the geometry column
    expect(mssql[0]).toBe('a.AtomId');
    expect(mssql[18]).toBe('x.HilbertValue');
    expect(mssql).toEqual(pg);
  });

  it('turn every string column into UTF-8 bytes after its length, and the coordinates into doubles', () => {
    const e = rowBytesExpression(names);
    // Each of the 8 strings: once for its DATALENGTH, once for its bytes.
    expect(e.match(/COLLATE Latin1_General_100_BIN2_UTF8/g)).toHaveLength(16);
    expect(e.match(/CAST\(CAST\(DATALENGTH\(/g)).toHaveLength(8);
    expect(e).toContain('CAST(x.[SpatialGeometry].STX AS binary(8))');
    expect(e).toContain('CAST(x.[SpatialGeometry].Z AS binary(8))');
    expect(e.startsWith('CAST(a.[AtomId] AS binary(8))')).toBe(true);
  });

  it('hash with MD5, keep 40 bits, and bind the buckets as one JSON parameter', () => {
    const q = fingerprintBucketsQuery(names, { atoms: 5000, buckets: [0, 3] });
    expect(q.text).toContain("CAST(SUBSTRING(HASHBYTES('MD5', COALESCE(");
    expect(q.text).toContain(', 0x00)), 1, 5) AS bigint)');
    expect(q.text).toContain('GROUP BY (a.[AtomId] - 1) / 1024');
    expect(q.params).toEqual([
      { name: 'atoms', type: 'bigint', value: 5000 },
      { name: 'buckets', type: 'nvarcharMax', value: '[0,3]' },
    ]);
    expect(rowHashesQuery(names, { atoms: 1, buckets: [] }).params[1]!.value).toBe('[]');
    expect(fingerprintTotalsQuery(names).params).toEqual([]);
  });

  it('quote mapped names (a ] is doubled)', () => {
    const odd = resolveNames('runbook', { atomsTable: 'At]oms', geometryColumn: 'Geo]m' });
    const q = fingerprintBucketsQuery(odd, { atoms: 1, buckets: [0] }).text;
    expect(q).toContain('[dbo].[At]]oms] AS a');
    expect(q).toContain('x.[Geo]]m].STX');
  });

  it('the engine offers the fingerprint on the native seed path only (staging stores no Z)', () => {
    const scenario = scenarioSchema.parse({ engine: 'mssql', workload: { mix: [{ op: 'spatial.pool' }] } });
    const url = 'mssql://sa:x@127.0.0.1:1/atombench?encrypt=false';
    const native = new MssqlEngine({ url, scenario, runNonce: 't', seedMode: 'native' });
    const staging = new MssqlEngine({ url, scenario, runNonce: 't', seedMode: 'staging' });
    expect(typeof native.storedFingerprint).toBe('function');
    expect(typeof native.storedRowHashes).toBe('function');
    expect(staging.storedFingerprint).toBeUndefined();
    expect(staging.storedRowHashes).toBeUndefined();
  });
});
