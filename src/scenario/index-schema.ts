import { z } from 'zod';
import { GRID_DENSITIES, SPATIAL_INDEX_SCHEMES } from '../model/index-config.ts';

/** The scenario's index section: SQL Server's spatial index grid, and PostGIS's own options. */

const GRID = z.enum(GRID_DENSITIES);

/**
 * PostGIS's own index options (index.postgis; SQL Server's grid fields above do not apply there).
 * Absent, the index is `USING gist (geom)` with the server's defaults, as it always was.
 * - method: gist (R-tree; default) or spgist (a quad-tree: PostGIS's spgist_geometry_ops_2d, the default
 *   SP-GiST opclass for geometry; it has no `<->` ordering operator, so kNN scans cannot use it).
 * - fillfactor: percent of each index page filled at build (10..100); absent = the server's default
 *   (90 for GiST, 80 for SP-GiST). Free space helps later inserts, and costs size. PostgreSQL's sorted
 *   GiST build ignores it (it applies to the buffered build and to SP-GiST).
 * - buffering: GiST build method: auto (default: sorted build when the opclass can sort, as PostGIS
 *   3.3's 2D opclass can on PostgreSQL 15), on (buffered build), off (sorted, else one insert at a
 *   time). GiST only.
 */
export const postgisIndexSchema = z
  .object({
    method: z.enum(['gist', 'spgist']).default('gist'),
    fillfactor: z.number().int().min(10).max(100).optional(),
    buffering: z.enum(['auto', 'on', 'off']).optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.buffering !== undefined && v.method !== 'gist')
      ctx.addIssue({
        code: 'custom',
        path: ['buffering'],
        message: `applies to GiST only (method: gist); ${v.method} has no buffering option`,
      });
  });
export type PostgisIndexOptions = z.infer<typeof postgisIndexSchema>;

export const indexSchema = z
  .object({
    scheme: z.enum(SPATIAL_INDEX_SCHEMES).default('GEOMETRY_GRID'),
    boundingBox: z
      .tuple([z.number(), z.number(), z.number(), z.number()])
      .default([-1000, -1000, 1000, 1000])
      .superRefine((b, ctx) => {
        if (!(b[2] > b[0]))
          ctx.addIssue({ code: 'custom', path: [2], message: 'xmax must be greater than xmin' });
        if (!(b[3] > b[1]))
          ctx.addIssue({ code: 'custom', path: [3], message: 'ymax must be greater than ymin' });
      }),
    grids: z.tuple([GRID, GRID, GRID, GRID]).default(['MEDIUM', 'MEDIUM', 'MEDIUM', 'MEDIUM']),
    cellsPerObject: z.number().int().min(1).max(8192).default(16),
    padIndex: z.boolean().default(true),
    /** Force the index with WITH (INDEX(...)) as the real code does (SQL Server only). */
    hint: z.boolean().default(true),
    /** Extra spatial indexes on SpatialCoarse so the runbook's ">= 10 spatial indexes" check can pass (SQL Server). */
    secondaryIndexes: z.number().int().min(0).max(64).default(0),
    /** PostGIS only: access method and storage options of the spatial index (see postgisIndexSchema). */
    postgis: postgisIndexSchema.optional(),
  })
  .strict();
