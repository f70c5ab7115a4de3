import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository's seed/ folder, where every engine's SQL lives. */
export const SEED_DIR = fileURLToPath(new URL('../../seed/', import.meta.url));

/**
 * Read seed/<engine>/<file> and replace each {{key}} with the quoted identifier for that key.
 * Identifiers come from the scenario's name mapping; values never go through here (they are
 * bound parameters), so quoting identifiers is the only escaping needed.
 */
export function renderSqlFile(
  engine: string,
  file: string,
  identifiers: Record<string, string>,
  quote: (ident: string) => string,
): string {
  return renderSql(readSqlFile(engine, file), identifiers, quote);
}

/** seed/<engine>/<file> as written (its {{key}} placeholders not replaced). */
export function readSqlFile(engine: string, file: string): string {
  return readFileSync(`${SEED_DIR}${engine}/${file}`, 'utf8');
}

export function renderSql(
  text: string,
  identifiers: Record<string, string>,
  quote: (ident: string) => string,
): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = identifiers[key];
    if (value === undefined) throw new Error(`SQL template: no identifier for {{${key}}}`);
    return quote(value);
  });
}

/** Standard SQL double-quoted identifier (SQLite, PostgreSQL): embedded quotes doubled. */
export function quoteDouble(ident: string): string {
  return `"${ident.replace(/"/g, '""')}"`;
}

/** Standard SQL string literal (SQLite, PostgreSQL): embedded quotes doubled. */
export function quoteSingle(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
