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
-- The steps around them (buildIndex). Each keeps its connection's order: VACUUM (ANALYZE) over the bare
-- heaps first (planner statistics, hint bits and the visibility map set before the builds read the
-- pages); the spatial index is dropped before its rebuild, while nothing else holds the embeddings.
-- statement: vacuum-atoms
VACUUM (ANALYZE) {{atomsTable}};
-- statement: vacuum-embeddings
VACUUM (ANALYZE) {{embeddingsTable}};
-- statement: drop-spatial-index
DROP INDEX IF EXISTS {{spatialIndex}};
-- A foreign key from the embeddings to the atoms left NOT VALID (by hand: atombench adds it validated) is
-- validated in place: adding one more beside it would leave it unvalidated. $1, $2: the embeddings' and
-- the atoms' quoted names, as text.
-- statement: unvalidated-foreign-key
SELECT conname FROM pg_constraint WHERE conrelid = to_regclass($1) AND confrelid = to_regclass($2)
  AND contype = 'f' AND NOT convalidated ORDER BY conname LIMIT 1;
-- statement: validate-foreign-key
ALTER TABLE {{embeddingsTable}} VALIDATE CONSTRAINT {{constraint}};
-- COPY wrote the ids explicitly: the identity sequences move past them (MAX is a key lookup now), so
-- ingested atoms get ids above the dataset's. $1, $3: the tables' quoted names; $2, $4: their id columns.
-- statement: sequences
SELECT setval(pg_get_serial_sequence($1, $2), GREATEST((SELECT MAX({{atomIdColumn}}) FROM {{atomsTable}}), 1)),
  setval(pg_get_serial_sequence($3, $4), GREATEST((SELECT MAX({{embeddingIdColumn}}) FROM {{embeddingsTable}}), 1));
-- Which of the parts above the catalog has, in the order of AFTER_LOAD_PARTS (after-load.ts): the keys,
-- UNIQUE ContentHash, the foreign key (from the embeddings to the atoms, validated: one left NOT VALID
-- counts as missing), the two secondary indexes. $1, $2: the atoms' and the embeddings' quoted names;
-- $3, $4: the secondary indexes' quoted names, as text.
-- statement: present
SELECT ARRAY[
  EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass($1) AND contype = 'p'),
  EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass($2) AND contype = 'p'),
  EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass($1) AND contype = 'u'),
  EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass($2) AND contype = 'f' AND convalidated
    AND confrelid = to_regclass($1)),
  to_regclass($3) IS NOT NULL AND to_regclass($4) IS NOT NULL] AS have;
