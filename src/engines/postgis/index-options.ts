/**
 * The PostGIS spatial index's own options (scenario `index.postgis`): access method, fillfactor, GiST
 * buffering. Pure: DDL text from seed/postgis/index.sql, labels, equality by effective value, the
 * `--postgis-options` list grammar, and the configuration read back from the catalog.
 *
 * Defaults (PostgreSQL 15: GIST_DEFAULT_FILLFACTOR 90, SPGIST_DEFAULT_FILLFACTOR 80; GiST buffering
 * auto) are what an option left out means; two configurations with the same effective values build the
 * same index, so the sweep measures them once.
 */
import { readFileSync } from 'node:fs';
import { UserError } from '../../errors.ts';
import { formatPath } from '../../scenario/load.ts';
import type { ObjectNames } from '../../scenario/names.ts';
import { postgisIndexSchema, type PostgisIndexOptions } from '../../scenario/index-schema.ts';
import { quoteDouble, renderSql, SEED_DIR } from '../sql-template.ts';
import { postgisTemplateNames } from './dialect.ts';

export type PostgisIndexConfig = PostgisIndexOptions;
export type IndexMethod = PostgisIndexConfig['method'];

/** What the scenario's index is when `index.postgis` is absent: `USING gist (geom)`, server defaults. */
export const DEFAULT_INDEX_CONFIG: PostgisIndexConfig = { method: 'gist' };

/**
 * What `tune --engine postgis` measures when --postgis-options is not given (plus the scenario's own):
 * GiST as built by default, GiST with the buffered build, packed full and with room for inserts, and
 * SP-GiST with its defaults. The fillfactor variants use the buffered build because PostgreSQL's sorted
 * GiST build (buffering auto or off, whenever the opclass can sort: PostgreSQL 14+ with PostGIS 3.1+)
 * fills every page whatever the fillfactor (gistbuild.c: `sizeNeeded = ...; fillfactor ignored`).
 */
export const SWEEP_CONFIGS: readonly PostgisIndexConfig[] = [
  { method: 'gist' },
  { method: 'gist', buffering: 'on' },
  { method: 'gist', buffering: 'on', fillfactor: 100 },
  { method: 'gist', buffering: 'on', fillfactor: 70 },
  { method: 'spgist' },
];

export const DEFAULT_FILLFACTOR: Record<IndexMethod, number> = { gist: 90, spgist: 80 };

/**
 * The operator class each method is built with: PostGIS's 2D classes (Z ignored, as SQL Server's spatial
 * index does). Both are the defaults for geometry (postgis--3.3.2.sql: `DEFAULT FOR TYPE geometry`); the
 * SP-GiST one is named in the DDL so the statement says which tree it builds.
 */
export const OPCLASS: Record<IndexMethod, string> = {
  gist: 'gist_geometry_ops_2d',
  spgist: 'spgist_geometry_ops_2d',
};

export function effective(c: PostgisIndexConfig): Required<Omit<PostgisIndexConfig, 'buffering'>> & {
  buffering?: 'auto' | 'on' | 'off';
} {
  return {
    method: c.method,
    fillfactor: c.fillfactor ?? DEFAULT_FILLFACTOR[c.method],
    ...(c.method === 'gist' ? { buffering: c.buffering ?? 'auto' } : {}),
  };
}

export function sameIndexConfig(a: PostgisIndexConfig, b: PostgisIndexConfig): boolean {
  const x = effective(a);
  const y = effective(b);
  return x.method === y.method && x.fillfactor === y.fillfactor && x.buffering === y.buffering;
}

/** `gist fillfactor=90 buffering=auto`, every effective value shown. */
export function configLabel(c: PostgisIndexConfig): string {
  const e = effective(c);
  return `${e.method} fillfactor=${e.fillfactor}${e.buffering ? ` buffering=${e.buffering}` : ''}`;
}

/** The WITH (...) storage parameters given explicitly (none: the server's defaults). */
export function withClause(c: PostgisIndexConfig): string {
  const opts: string[] = [];
  if (c.fillfactor !== undefined) opts.push(`fillfactor = ${c.fillfactor}`);
  if (c.buffering !== undefined) opts.push(`buffering = ${c.buffering}`);
  return opts.length ? ` WITH (${opts.join(', ')})` : '';
}

/** Fill seed/postgis/index.sql: identifiers quoted, then the method, opclass and WITH clause. */
export function renderIndexDdl(template: string, names: ObjectNames, c: PostgisIndexConfig): string {
  const cfg = postgisIndexSchema.parse(c); // a config that reached here unchecked fails loudly, not as SQL
  const keywords: Record<string, string> = {
    method: cfg.method,
    opclass: cfg.method === 'gist' ? '' : ` ${OPCLASS[cfg.method]}`,
    with: withClause(cfg),
  };
  const text = template.replace(/\{\{kw:(\w+)\}\}/g, (_, k: string) => {
    const v = keywords[k];
    if (v === undefined) throw new Error(`postgis index template: no value for {{kw:${k}}}`);
    return v;
  });
  const sql = renderSql(text, postgisTemplateNames(names), quoteDouble);
  return sql.split('\n').find((l) => l.startsWith('CREATE')) ?? sql;
}

let template: string | undefined;
/** The CREATE INDEX statement of a configuration (what buildIndex and the tune sweep run). */
export function indexDdlFor(names: ObjectNames, c: PostgisIndexConfig = DEFAULT_INDEX_CONFIG): string {
  template ??= readFileSync(`${SEED_DIR}postgis/index.sql`, 'utf8');
  return renderIndexDdl(template, names, c);
}

/**
 * `--postgis-options` grammar: configurations separated by commas, each `method[:key=value...]`, keys
 * `fillfactor` (or `ff`) and `buffering`; e.g. `gist,gist:ff=100,gist:buffering=on,spgist:ff=90`.
 * Every configuration is checked by the scenario's own schema, so the flag and `index.postgis` accept
 * exactly the same values. Throws UserError naming the flag.
 */
export function parseOptionList(flag: string, text: string): PostgisIndexConfig[] {
  const items = text.split(',').map((s) => s.trim());
  if (items.some((s) => s === ''))
    throw new UserError(`${flag}: empty configuration in "${text}" (e.g. gist,gist:ff=100,spgist)`);
  return items.map((item) => {
    const [method, ...pairs] = item.split(':').map((s) => s.trim());
    const raw: Record<string, unknown> = { method };
    for (const p of pairs) {
      const m = /^(\w+)=(\w+)$/.exec(p);
      if (!m) throw new UserError(`${flag}: "${item}": expected key=value, got "${p}"`);
      const key = m[1] === 'ff' ? 'fillfactor' : m[1]!;
      if (key !== 'fillfactor' && key !== 'buffering')
        throw new UserError(
          `${flag}: "${item}": unknown option "${m[1]}" (valid: fillfactor or ff, buffering)`,
        );
      if (key in raw) throw new UserError(`${flag}: "${item}": ${key} given twice`);
      raw[key] = key === 'fillfactor' && /^\d+$/.test(m[2]!) ? Number(m[2]) : m[2];
    }
    const r = postgisIndexSchema.safeParse(raw);
    if (!r.success) {
      const why = r.error.issues
        .map((i) => `${formatPath(i.path) || 'configuration'}: ${i.message}`)
        .join('; ');
      throw new UserError(`${flag}: "${item}": ${why}`);
    }
    return r.data;
  });
}

/** The spatial index as the catalog describes it (tune-sql.ts snapshotQuery). */
export interface IndexCatalogRow {
  indexdef: string;
  method: string;
  /** pg_class.reloptions, e.g. ['fillfactor=90', 'buffering=on']; null when none. */
  reloptions: string[] | null;
  opclasses: string[];
  columns: string[];
  /** No predicate, no expression. */
  plain: boolean;
}

/**
 * The configuration that rebuilds this index exactly, or undefined when it is something else (another
 * opclass, a partial or multi-column index, options the sweep does not set).
 */
export function configFromCatalog(
  row: IndexCatalogRow,
  geometryColumn: string,
): PostgisIndexConfig | undefined {
  if (row.method !== 'gist' && row.method !== 'spgist') return undefined;
  const method: IndexMethod = row.method;
  if (!row.plain || row.columns.length !== 1 || row.columns[0] !== geometryColumn) return undefined;
  if (row.opclasses.length !== 1 || row.opclasses[0] !== OPCLASS[method]) return undefined;
  const raw: Record<string, unknown> = { method };
  for (const o of row.reloptions ?? []) {
    const i = o.indexOf('=');
    const [k, v] = [o.slice(0, i), o.slice(i + 1)];
    if (k === 'fillfactor') raw.fillfactor = Number(v);
    else if (k === 'buffering') raw.buffering = v;
    else return undefined;
  }
  const r = postgisIndexSchema.safeParse(raw);
  return r.success ? r.data : undefined;
}
