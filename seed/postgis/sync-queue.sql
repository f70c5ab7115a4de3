-- The Neo4j sync queue (Hartonomous: Neo4jSyncQueue, one Neo4jSyncRequest per new atom), as a table.
-- Ingest inserts a row per new atom in its own statement; a reader takes up to `batch` rows with
-- SELECT ... FOR UPDATE SKIP LOCKED and keeps the transaction open while it merges them into Neo4j,
-- then deletes them and commits. A reader that fails rolls back: the requests are received again.
-- enqueuedAtMs is the client's clock (the sync lag is measured against it).
CREATE TABLE IF NOT EXISTS {{queue}} (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  EntityId     bigint NOT NULL,
  TenantId     int NOT NULL,
  SyncType     varchar(50) NOT NULL,
  enqueuedAtMs bigint NOT NULL,
  enqueuedAt   timestamptz NOT NULL DEFAULT clock_timestamp()
);
