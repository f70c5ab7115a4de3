-- The spatial index: an R*Tree over (X, Y), filled after the load. Points are degenerate boxes.
CREATE VIRTUAL TABLE IF NOT EXISTS {{rtree}} USING rtree(id, minX, maxX, minY, maxY);
INSERT INTO {{rtree}} (id, minX, maxX, minY, maxY)
  SELECT {{embeddingIdColumn}}, X, X, Y, Y FROM {{embeddingsTable}};
