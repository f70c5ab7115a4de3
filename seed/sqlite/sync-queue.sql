-- The Neo4j sync queue (Hartonomous: Neo4jSyncQueue, one Neo4jSyncRequest per new atom). Ingest inserts
-- a row per new atom in its own transaction; a reader leases up to `batch` rows (claimedUntilMs), merges
-- them into Neo4j, then deletes them; a reader that fails clears its lease, one that dies lets it expire.
CREATE TABLE IF NOT EXISTS {{queue}} (
  id             INTEGER PRIMARY KEY,
  EntityId       INTEGER NOT NULL,
  TenantId       INTEGER NOT NULL,
  SyncType       TEXT NOT NULL,
  enqueuedAtMs   INTEGER NOT NULL,
  claimedUntilMs INTEGER
);
