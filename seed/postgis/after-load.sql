-- The keys and indexes built over the loaded rows (engine buildIndex, with the spatial index): the seed
-- loads into bare heaps (schema.sql). Each statement is skipped when its object is there already (a
-- database prepared by an earlier version has the keys from the start). The constraints get the names
-- PostgreSQL gives their inline forms (<table>_pkey, <table>_contenthash_key, <table>_<column>_fkey), as
-- the earlier schema.sql declared them.
-- statement: atoms-key
ALTER TABLE {{atomsTable}} ADD PRIMARY KEY ({{atomIdColumn}});
-- The embeddings' key is built as a unique index first (CREATE INDEX takes SHARE: the other indexes of
-- the embeddings are built beside it on the other connection), then made the primary key (a catalog
-- change, ALTER TABLE waits for the builds to end).
-- statement: embeddings-key-index
CREATE UNIQUE INDEX IF NOT EXISTS {{embeddingsKey}} ON {{embeddingsTable}} ({{embeddingIdColumn}});
-- statement: embeddings-key
ALTER TABLE {{embeddingsTable}} ADD CONSTRAINT {{embeddingsKey}} PRIMARY KEY USING INDEX {{embeddingsKey}};
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
