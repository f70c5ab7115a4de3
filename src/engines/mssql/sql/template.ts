/**
 * The seed/mssql/*.sql templates: placeholders for mapped names, and `-- @object <kind> <key>` blocks so
 * prepare() can check each object's existence and ownership before creating (or dropping) it.
 *
 * Placeholders (every one is quoted or checked; an unknown key is an error, never left in the text):
 *   {{id:key}}   QUOTENAME(ids[key])                         e.g. [SpatialGeometry]
 *   {{qn:key}}   QUOTENAME(schema).QUOTENAME(ids[key])       e.g. [dbo].[AtomEmbeddings]
 *   {{str:key}}  N'ids[key]' with ' doubled                   e.g. TO SERVICE N'AnalyzeService'
 *   {{kw:key}}   a keyword from a fixed list                  e.g. VALIDATION = WELL_FORMED_XML
 *   {{num:key}}  a finite number                              e.g. TIMEOUT 5000
 */
import { readFileSync } from 'node:fs';
import { SEED_DIR } from '../../sql-template.ts';
import { qualifiedName, quoteName, sqlNumber, sqlString } from './identifiers.ts';

export interface TemplateVars {
  schema: string;
  /** Raw (unquoted) names by key. */
  ids: Record<string, string>;
  /** Keywords already checked against their allowed list (identifiers.ts sqlKeyword). */
  keywords?: Record<string, string>;
  numbers?: Record<string, number>;
}

export const OBJECT_KINDS = ['table', 'queue', 'service', 'contract', 'messageType', 'procedure'] as const;
export type ObjectKind = (typeof OBJECT_KINDS)[number];

export interface TemplateBlock {
  kind: ObjectKind;
  /** The ids key naming the object. */
  key: string;
  sql: string;
}

const PLACEHOLDER = /\{\{(id|qn|str|kw|num):([A-Za-z0-9_.]+)\}\}/g;

export function renderTemplate(text: string, vars: TemplateVars): string {
  const rendered = text.replace(PLACEHOLDER, (_m, type: string, key: string) => {
    const need = <T>(v: T | undefined): T => {
      if (v === undefined) throw new Error(`mssql template: no value for {{${type}:${key}}}`);
      return v;
    };
    switch (type) {
      case 'id':
        return quoteName(need(vars.ids[key]));
      case 'qn':
        return qualifiedName(vars.schema, need(vars.ids[key]));
      case 'str':
        return sqlString(need(vars.ids[key]));
      case 'kw':
        return need(vars.keywords?.[key]);
      default:
        return sqlNumber(need(vars.numbers?.[key]));
    }
  });
  const leftover = /\{\{[^}]*\}\}/.exec(rendered);
  if (leftover) throw new Error(`mssql template: malformed placeholder ${leftover[0]}`);
  return rendered;
}

/**
 * Split a template into its `-- @object <kind> <key>` blocks (text before the first marker is a
 * header comment and is dropped). Each block is rendered on its own.
 */
export function splitBlocks(text: string): { kind: ObjectKind; key: string; body: string }[] {
  const blocks: { kind: ObjectKind; key: string; body: string }[] = [];
  let current: { kind: ObjectKind; key: string; lines: string[] } | undefined;
  for (const line of text.split(/\r?\n/)) {
    const m = /^--\s*@object\s+(\S+)\s+(\S+)\s*$/.exec(line);
    if (m) {
      const kind = m[1] as ObjectKind;
      if (!OBJECT_KINDS.includes(kind)) throw new Error(`mssql template: unknown object kind "${m[1]}"`);
      if (current)
        blocks.push({ kind: current.kind, key: current.key, body: current.lines.join('\n').trim() });
      current = { kind, key: m[2]!, lines: [] };
    } else if (current) current.lines.push(line);
  }
  if (current) blocks.push({ kind: current.kind, key: current.key, body: current.lines.join('\n').trim() });
  return blocks;
}

export function readTemplate(file: string): string {
  return readFileSync(`${SEED_DIR}mssql/${file}`, 'utf8');
}

/** Read seed/mssql/<file>, split into object blocks and render each. */
export function templateBlocks(file: string, vars: TemplateVars): TemplateBlock[] {
  return splitBlocks(readTemplate(file)).map((b) => ({
    kind: b.kind,
    key: b.key,
    sql: renderTemplate(b.body, vars),
  }));
}
