-- The keys and indexes built over the loaded rows (engine buildIndex, before the spatial index): the
-- seed loads into tables with primary keys only (schema.sql). Each statement is skipped when its object
-- is there already (a database prepared by an earlier version has them from the start). The UNIQUE
-- constraint and the foreign key get the names PostgreSQL gives their inline forms
-- (<table>_contenthash_key, <table>_<column>_fkey), as the earlier schema.sql declared them.
-- statement: unique
ALTER TABLE {{atomsTable}} ADD UNIQUE (ContentHash);
-- statement: foreign-key
ALTER TABLE {{embeddingsTable}} ADD FOREIGN KEY ({{atomIdColumn}}) REFERENCES {{atomsTable}} ({{atomIdColumn}})
  ON DELETE CASCADE;
-- statement: indexes
CREATE INDEX IF NOT EXISTS {{ix_embeddings_atom}} ON {{embeddingsTable}} ({{atomIdColumn}})
  INCLUDE (ModelId, EmbeddingType, Dimension);
CREATE INDEX IF NOT EXISTS {{ix_embeddings_tenant}} ON {{embeddingsTable}} (TenantId, ModelId, EmbeddingType)
  INCLUDE ({{atomIdColumn}}, Dimension);
