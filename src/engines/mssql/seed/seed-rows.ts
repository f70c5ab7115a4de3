/**
 * The row shapes of a seed batch: the #staging table every batch goes through, and (native mode) the
 * embeddings table bulk-loaded directly with native geometry bytes. Pure: unit-tested without a server.
 *
 * Why everything passes a staging table for the atoms: AtomId is an IDENTITY column and a resumable
 * seed needs AtomId = row index + 1 exactly. tedious 19's bulk load has no KEEP_IDENTITY option (its
 * getOptionsSql emits only CHECK_CONSTRAINTS, FIRE_TRIGGERS, KEEP_NULLS, TABLOCK, ORDER), and a bulk
 * load without it ignores the identity values it is given. So atoms are bulk-loaded into #staging and
 * copied with SET IDENTITY_INSERT ON (SD:docs/t-sql/statements/set-identity-insert-transact-sql.md).
 */
import sql from 'mssql';
import type { AtomRecord } from '../../../dataset/types.ts';
import type { ObjectNames } from '../../../scenario/names.ts';
import { encodePoint, encodePointZ } from './geometry-encoding.ts';
import { qualifiedName, quoteName } from '../sql/identifiers.ts';

/**
 * native (default): the embeddings go straight from the client into the final table in one bulk load,
 * SpatialGeometry as varbinary(max) holding SQL Server's own serialization (POINT Z, geometry-encoding.ts)
 * — no second copy through tempdb and no per-row CLR constructor call, and Z is kept.
 * staging (fallback): x, y, z go to #staging as floats and INSERT ... SELECT builds geometry::Point(x, y, 0)
 * on the server: no dependency on the byte format, at the price of a second pass and of Z (geometry::Point
 * is 2-D; the index, STIntersects and STDistance ignore Z anyway).
 */
export type SeedMode = 'native' | 'staging';
export const SEED_MODES: readonly SeedMode[] = ['native', 'staging'];

export const STAGE_TABLE = '#atombench_seed';

interface Col {
  name: string;
  ddl: string;
  type: () => sql.ISqlType;
  value: (r: AtomRecord) => unknown;
}

const round3 = (v: number): number => Math.round(v * 1000) / 1000;

const ATOM_COLS: Col[] = [
  { name: 'AtomId', ddl: 'bigint NOT NULL PRIMARY KEY', type: () => sql.BigInt(), value: (r) => r.atomId },
  { name: 'TenantId', ddl: 'int NOT NULL', type: () => sql.Int(), value: (r) => r.tenantId },
  { name: 'Modality', ddl: 'varchar(50) NOT NULL', type: () => sql.VarChar(50), value: (r) => r.modality },
  { name: 'Subtype', ddl: 'varchar(50) NULL', type: () => sql.VarChar(50), value: (r) => r.subtype },
  {
    name: 'ContentHash',
    ddl: 'binary(32) NOT NULL', // @types/mssql omits the length argument mssql's Binary(length) takes (lib/datatypes.js).
    type: () => (sql.Binary as unknown as (length: number) => sql.ISqlType)(32),
    value: (r) => r.contentHash,
  },
  {
    name: 'ContentType',
    ddl: 'nvarchar(100) NULL',
    type: () => sql.NVarChar(100),
    value: (r) => r.contentType,
  },
  {
    name: 'SourceType',
    ddl: 'nvarchar(100) NULL',
    type: () => sql.NVarChar(100),
    value: (r) => r.sourceType,
  },
  {
    name: 'SourceUri',
    ddl: 'nvarchar(2048) NULL',
    type: () => sql.NVarChar(2048),
    value: (r) => r.sourceUri,
  },
  {
    name: 'CanonicalText',
    ddl: 'nvarchar(max) NULL',
    type: () => sql.NVarChar(sql.MAX),
    value: (r) => r.canonicalText,
  },
  {
    name: 'Metadata',
    ddl: 'nvarchar(max) NULL',
    type: () => sql.NVarChar(sql.MAX),
    value: (r) => r.metadata,
  },
  {
    name: 'ReferenceCount',
    ddl: 'bigint NOT NULL',
    type: () => sql.BigInt(),
    value: (r) => r.referenceCount,
  },
];

const EMBEDDING_STAGE_COLS: Col[] = [
  { name: 'ModelId', ddl: 'int NULL', type: () => sql.Int(), value: (r) => r.modelId },
  {
    name: 'EmbeddingType',
    ddl: 'nvarchar(50) NOT NULL',
    type: () => sql.NVarChar(50),
    value: (r) => r.embeddingType,
  },
  { name: 'Dimension', ddl: 'int NULL', type: () => sql.Int(), value: (r) => r.dimension },
  { name: 'X', ddl: 'float NOT NULL', type: () => sql.Float(), value: (r) => r.point.x },
  { name: 'Y', ddl: 'float NOT NULL', type: () => sql.Float(), value: (r) => r.point.y },
  { name: 'Z', ddl: 'float NOT NULL', type: () => sql.Float(), value: (r) => r.point.z },
  { name: 'BucketX', ddl: 'int NULL', type: () => sql.Int(), value: (r) => r.bucketX },
  { name: 'BucketY', ddl: 'int NULL', type: () => sql.Int(), value: (r) => r.bucketY },
  { name: 'BucketZ', ddl: 'int NULL', type: () => sql.Int(), value: (r) => r.bucketZ },
  { name: 'HilbertValue', ddl: 'bigint NULL', type: () => sql.BigInt(), value: (r) => r.hilbertValue },
];

function stageCols(mode: SeedMode): Col[] {
  return mode === 'native' ? ATOM_COLS : [...ATOM_COLS, ...EMBEDDING_STAGE_COLS];
}

/** Run as a plain batch on the transaction's connection (a #table made inside sp_executesql would vanish). */
export function stageTableDdl(mode: SeedMode): string {
  const cols = stageCols(mode).map((c) => `    ${c.name} ${c.ddl}`);
  return `IF OBJECT_ID(N'tempdb..${STAGE_TABLE}') IS NOT NULL DROP TABLE ${STAGE_TABLE};\nCREATE TABLE ${STAGE_TABLE} (\n${cols.join(',\n')}\n);`;
}

export function stageTable(records: AtomRecord[], mode: SeedMode): sql.Table {
  const t = new sql.Table(STAGE_TABLE);
  t.create = false;
  const cols = stageCols(mode);
  for (const c of cols) t.columns.add(c.name, c.type(), { nullable: true });
  for (const r of records) t.rows.add(...(cols.map((c) => c.value(r)) as (string | number | Buffer)[]));
  return t;
}

/** mssql passes bulk column names to tedious, which wraps them in [ ] without escaping: double ] here. */
const bulkColumn = (name: string): string => name.replace(/]/g, ']]');

/** native mode: the embeddings rows, geometry columns as native serialization in varbinary(max). */
export function embeddingBulkTable(names: ObjectNames, records: AtomRecord[]): sql.Table {
  const t = new sql.Table();
  t.schema = names.schema;
  t.name = names.embeddingsTable;
  t.path = qualifiedName(names.schema, names.embeddingsTable);
  t.temporary = false;
  t.create = false;
  const cols: [string, sql.ISqlType][] = [
    [names.atomIdColumn, sql.BigInt()],
    ['TenantId', sql.Int()],
    ['ModelId', sql.Int()],
    ['EmbeddingType', sql.NVarChar(50)],
    ['Dimension', sql.Int()],
    // Declared varbinary(max) explicitly: the server converts the bytes to the geometry UDT
    // (MS-TDS 2.2.6.1; node-mssql's own Table._makeBulk does the same for Geometry columns).
    [names.geometryColumn, sql.VarBinary(sql.MAX)],
    [names.coarseColumn, sql.VarBinary(sql.MAX)],
    ['SpatialBucketX', sql.Int()],
    ['SpatialBucketY', sql.Int()],
    ['SpatialBucketZ', sql.Int()],
    ['HilbertValue', sql.BigInt()],
  ];
  for (const [name, type] of cols) t.columns.add(bulkColumn(name), type, { nullable: true });
  for (const r of records) {
    const p = r.point;
    t.rows.add(
      r.atomId,
      r.tenantId,
      r.modelId,
      r.embeddingType,
      r.dimension,
      encodePointZ(p.x, p.y, p.z),
      encodePoint(round3(p.x), round3(p.y)),
      r.bucketX,
      r.bucketY,
      r.bucketZ,
      r.hilbertValue,
    );
  }
  return t;
}

/** Copy the staged atoms with their AtomIds (identity insert), in key order. */
export function insertAtomsFromStageSql(names: ObjectNames): string {
  const atoms = qualifiedName(names.schema, names.atomsTable);
  const cols = ATOM_COLS.map((c) => c.name).filter((n) => n !== 'AtomId');
  return [
    `SET IDENTITY_INSERT ${atoms} ON;`,
    `INSERT INTO ${atoms} (${quoteName(names.atomIdColumn)}, ${cols.join(', ')})`,
    `SELECT AtomId, ${cols.join(', ')} FROM ${STAGE_TABLE} ORDER BY AtomId;`,
    `SET IDENTITY_INSERT ${atoms} OFF;`,
  ].join('\n');
}

/** staging mode: build the geometry on the server from the staged floats. */
export function insertEmbeddingsFromStageSql(names: ObjectNames): string {
  const emb = qualifiedName(names.schema, names.embeddingsTable);
  return [
    `INSERT INTO ${emb} (${quoteName(names.atomIdColumn)}, TenantId, ModelId, EmbeddingType, Dimension,`,
    `    ${quoteName(names.geometryColumn)}, ${quoteName(names.coarseColumn)}, SpatialBucketX, SpatialBucketY, SpatialBucketZ, HilbertValue)`,
    'SELECT AtomId, TenantId, ModelId, EmbeddingType, Dimension,',
    '    geometry::Point(X, Y, 0), geometry::Point(ROUND(X, 3), ROUND(Y, 3), 0), BucketX, BucketY, BucketZ, HilbertValue',
    `FROM ${STAGE_TABLE} ORDER BY AtomId;`,
  ].join('\n');
}
