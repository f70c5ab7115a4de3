-- The Hartonomous tables atombench mirrors (AHartTN/Hartonomous-Sandbox; runbook-era names, commit 0ad3c9c,
-- by default, every name mappable). Rendered by src/engines/mssql/template.ts; each
-- `-- @object table <key>` block runs only when the table is missing, in one transaction with the
-- row that records atombench's ownership of it.
-- Spatial indexes are NOT here: they are built after the load (src/engines/mssql/index-ddl.ts).

-- @object table atomsTable
CREATE TABLE {{qn:atomsTable}} (
    {{id:atomIdColumn}} bigint IDENTITY(1, 1) NOT NULL CONSTRAINT {{id:pkAtoms}} PRIMARY KEY CLUSTERED,
    TenantId int NOT NULL DEFAULT (0),
    Modality varchar(50) NOT NULL,
    Subtype varchar(50) NULL,
    ContentHash binary(32) NOT NULL CONSTRAINT {{id:uqAtomsHash}} UNIQUE,
    ContentType nvarchar(100) NULL,
    SourceType nvarchar(100) NULL,
    SourceUri nvarchar(2048) NULL,
    CanonicalText nvarchar(max) NULL,
    Metadata nvarchar(max) NULL,
    AtomicValue varbinary(64) NULL,
    ReferenceCount bigint NOT NULL DEFAULT (1),
    -- The runbook's worker check reads CreatedAt against GETUTCDATE(): stored in UTC.
    CreatedAt datetime2(7) NOT NULL DEFAULT (SYSUTCDATETIME())
);

-- @object table embeddingsTable
-- A spatial index requires a clustered primary key (SD:docs/t-sql/statements/create-spatial-index-transact-sql.md).
-- The geometry column holds POINT Z, SRID 0; the coarse column a 2-D point rounded to 1e-3 that the
-- secondary spatial indexes use. EmbeddingVector is varbinary(max): VECTOR(1998) exists only on 2025.
CREATE TABLE {{qn:embeddingsTable}} (
    {{id:embeddingIdColumn}} bigint IDENTITY(1, 1) NOT NULL CONSTRAINT {{id:pkEmbeddings}} PRIMARY KEY CLUSTERED,
    {{id:atomIdColumn}} bigint NOT NULL
        CONSTRAINT {{id:fkEmbeddingsAtoms}} FOREIGN KEY REFERENCES {{qn:atomsTable}} ({{id:atomIdColumn}}) ON DELETE CASCADE,
    TenantId int NOT NULL DEFAULT (0),
    ModelId int NULL,
    EmbeddingType nvarchar(50) NOT NULL DEFAULT (N'semantic'),
    Dimension int NULL,
    {{id:geometryColumn}} geometry NULL,
    {{id:coarseColumn}} geometry NULL,
    EmbeddingVector varbinary(max) NULL,
    SpatialBucketX int NULL,
    SpatialBucketY int NULL,
    SpatialBucketZ int NULL,
    HilbertValue bigint NULL,
    CreatedAt datetime2(7) NOT NULL DEFAULT (SYSUTCDATETIME())
);
CREATE NONCLUSTERED INDEX {{id:ixEmbAtom}} ON {{qn:embeddingsTable}} ({{id:atomIdColumn}})
    INCLUDE (ModelId, EmbeddingType, Dimension);
CREATE NONCLUSTERED INDEX {{id:ixEmbTenant}} ON {{qn:embeddingsTable}} (TenantId, ModelId, EmbeddingType)
    INCLUDE ({{id:atomIdColumn}}, Dimension);

-- @object table metricsTable
-- Never created by Hartonomous itself; the runbook reads it (DDL from its design notes).
CREATE TABLE {{qn:metricsTable}} (
    MetricId bigint IDENTITY(1, 1) NOT NULL CONSTRAINT {{id:pkMetrics}} PRIMARY KEY CLUSTERED,
    Phase nvarchar(50) NOT NULL,
    ExecutedAt datetime2(7) NOT NULL DEFAULT (SYSUTCDATETIME()),
    DurationMs int NOT NULL,
    Success bit NOT NULL,
    ErrorMessage nvarchar(max) NULL
);
CREATE NONCLUSTERED INDEX {{id:ixMetricsExecutedAt}} ON {{qn:metricsTable}} (ExecutedAt)
    INCLUDE (Phase, DurationMs, Success);

-- @object table reasoningChainsTable
-- The runbook reads CoherenceScore, which the real schema lacks: mirrored as a computed column over
-- the JSON in CoherenceMetrics. ISJSON guards JSON_VALUE, which raises an error on text that is not
-- JSON (SD:docs/t-sql/functions/json-value-transact-sql.md); TRY_CAST turns a non-number into NULL.
CREATE TABLE {{qn:reasoningChainsTable}} (
    Id int IDENTITY(1, 1) NOT NULL CONSTRAINT {{id:pkReasoning}} PRIMARY KEY CLUSTERED,
    ProblemId uniqueidentifier NOT NULL,
    ReasoningType nvarchar(50) NOT NULL,
    ChainData nvarchar(max) NULL,
    CoherenceMetrics nvarchar(max) NULL,
    CoherenceScore AS (CASE WHEN ISJSON(CoherenceMetrics) = 1
                            THEN TRY_CAST(JSON_VALUE(CoherenceMetrics, '$.avg_coherence') AS float) END),
    TotalSteps int NULL,
    DurationMs int NULL,
    CreatedAt datetime2(7) NOT NULL DEFAULT (SYSUTCDATETIME())
);

-- @object table multiPathTable
CREATE TABLE {{qn:multiPathTable}} (
    Id int IDENTITY(1, 1) NOT NULL CONSTRAINT {{id:pkMultiPath}} PRIMARY KEY CLUSTERED,
    ProblemId uniqueidentifier NOT NULL,
    BasePrompt nvarchar(max) NULL,
    NumPaths int NOT NULL,
    MaxDepth int NULL,
    BestPathId int NULL,
    ReasoningTree nvarchar(max) NULL,
    DurationMs int NULL,
    CreatedAt datetime2(7) NOT NULL DEFAULT (SYSUTCDATETIME())
);

-- @object table selfConsistencyTable
CREATE TABLE {{qn:selfConsistencyTable}} (
    Id int IDENTITY(1, 1) NOT NULL CONSTRAINT {{id:pkSelfConsistency}} PRIMARY KEY CLUSTERED,
    ProblemId uniqueidentifier NOT NULL,
    Prompt nvarchar(max) NULL,
    NumSamples int NULL,
    ConsensusAnswer nvarchar(max) NULL,
    AgreementRatio float NOT NULL,
    ConsensusMetrics nvarchar(max) NULL,
    SampleData nvarchar(max) NULL,
    DurationMs int NULL,
    CreatedAt datetime2(7) NOT NULL DEFAULT (SYSUTCDATETIME())
);
