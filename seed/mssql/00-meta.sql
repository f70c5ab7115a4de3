-- atombench bookkeeping for SQL Server: which objects atombench created (it never drops or alters
-- anything else) and which dataset the tables hold. Rendered by src/engines/mssql/template.ts:
-- {{qn:key}} / {{id:key}} are QUOTENAME-quoted mapped names; values are never spliced in.
-- Each `-- @object <kind> <key>` block is created only when missing, and recorded in AtombenchObjects.

-- @object table metaTable
-- One row (MetaId = 1). OwnsDatabase = 1 when atombench found the database empty: only then may it
-- SET SINGLE_USER WITH ROLLBACK IMMEDIATE (which rolls back other sessions), SET ENABLE_BROKER, SET MULTI_USER.
-- SeededRows is updated in the same transaction as each seed batch, so a resumed seed starts right.
CREATE TABLE {{qn:metaTable}} (
    MetaId tinyint NOT NULL CONSTRAINT {{id:pkMeta}} PRIMARY KEY CLUSTERED
        CONSTRAINT {{id:ckMeta}} CHECK (MetaId = 1),
    SchemaVersion int NOT NULL,
    OwnsDatabase bit NOT NULL,
    DatasetKey nvarchar(200) NULL,
    PendingDatasetKey nvarchar(200) NULL,
    SeededRows bigint NOT NULL DEFAULT (0),
    IndexBuilt bit NOT NULL DEFAULT (0),
    CreatedAt datetime2(3) NOT NULL DEFAULT (SYSUTCDATETIME()),
    UpdatedAt datetime2(3) NOT NULL DEFAULT (SYSUTCDATETIME())
);

-- @object table objectsTable
-- Kind is one of table | queue | service | contract | messageType | procedure; Name is the raw (unquoted) name.
CREATE TABLE {{qn:objectsTable}} (
    Kind varchar(20) NOT NULL,
    Name nvarchar(256) NOT NULL,
    CreatedAt datetime2(3) NOT NULL DEFAULT (SYSUTCDATETIME()),
    CONSTRAINT {{id:pkObjects}} PRIMARY KEY CLUSTERED (Kind, Name)
);
