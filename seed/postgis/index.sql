-- The spatial index: GiST by default (an R-tree over 2D bounding boxes; the default opclass
-- gist_geometry_ops_2d ignores Z, as SQL Server's spatial index does), or SP-GiST (a quad-tree,
-- spgist_geometry_ops_2d) when the scenario's index.postgis.method says so. Built after the load, then the
-- tables are vacuumed and analyzed (engine buildIndex). {{kw:...}} are filled from index.postgis
-- (src/engines/postgis/index-options.ts): the method, the SP-GiST opclass, and WITH (fillfactor = n,
-- buffering = auto|on|off) when given; with none given the statement is `USING gist (geom)`. SQL Server's
-- grid options (BOUNDING_BOX, GRIDS, CELLS_PER_OBJECT, PAD_INDEX) have no counterpart here.
CREATE INDEX {{spatialIndex}} ON {{embeddingsTable}} USING {{kw:method}} ({{geometryColumn}}{{kw:opclass}}){{kw:with}};
