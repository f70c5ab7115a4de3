-- The spatial index: GiST (an R-tree over 2D bounding boxes; the default opclass ignores Z, as SQL
-- Server's spatial index does). Built after the load, then the tables are vacuumed and analyzed
-- (engine buildIndex). SQL Server's grid options (BOUNDING_BOX, GRIDS, CELLS_PER_OBJECT, PAD_INDEX)
-- have no GiST counterpart and are reported as not applicable.
CREATE INDEX {{spatialIndex}} ON {{embeddingsTable}} USING gist ({{geometryColumn}});
