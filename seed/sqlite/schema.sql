-- atombench embedded schema (SQLite). Mirrors dbo.Atoms / dbo.AtomEmbeddings of the runbook era
-- (AHartTN/Hartonomous-Sandbox at 0ad3c9c). Double-brace placeholders are quoted identifiers.
-- The geometry is kept as X, Y, Z columns; the spatial index is an R*Tree over (X, Y), built after
-- the load (index.sql), because SQL Server's and PostGIS's spatial indexes ignore Z as well.

CREATE TABLE IF NOT EXISTS atombench_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS {{atomsTable}} (
  {{atomIdColumn}} INTEGER PRIMARY KEY,
  TenantId       INTEGER NOT NULL DEFAULT 0,
  Modality       TEXT NOT NULL,
  Subtype        TEXT,
  ContentHash    BLOB NOT NULL UNIQUE,
  ContentType    TEXT,
  SourceType     TEXT,
  SourceUri      TEXT,
  CanonicalText  TEXT,
  Metadata       TEXT,
  AtomicValue    BLOB,
  ReferenceCount INTEGER NOT NULL DEFAULT 1,
  CreatedAt      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE IF NOT EXISTS {{embeddingsTable}} (
  {{embeddingIdColumn}} INTEGER PRIMARY KEY,
  {{atomIdColumn}} INTEGER NOT NULL REFERENCES {{atomsTable}} ({{atomIdColumn}}) ON DELETE CASCADE,
  TenantId       INTEGER NOT NULL DEFAULT 0,
  ModelId        INTEGER,
  EmbeddingType  TEXT NOT NULL DEFAULT 'semantic',
  Dimension      INTEGER,
  X              REAL NOT NULL,
  Y              REAL NOT NULL,
  Z              REAL NOT NULL,
  SpatialBucketX INTEGER,
  SpatialBucketY INTEGER,
  SpatialBucketZ INTEGER,
  HilbertValue   INTEGER,
  CreatedAt      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE INDEX IF NOT EXISTS {{ix_embeddings_atom}} ON {{embeddingsTable}} ({{atomIdColumn}}, ModelId, EmbeddingType, Dimension);
CREATE INDEX IF NOT EXISTS {{ix_embeddings_tenant}} ON {{embeddingsTable}} (TenantId, ModelId, EmbeddingType, {{atomIdColumn}}, Dimension);

CREATE TABLE IF NOT EXISTS {{metricsTable}} (
  MetricId     INTEGER PRIMARY KEY,
  Phase        TEXT NOT NULL,
  ExecutedAt   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  DurationMs   INTEGER NOT NULL,
  Success      INTEGER NOT NULL,
  ErrorMessage TEXT
);
