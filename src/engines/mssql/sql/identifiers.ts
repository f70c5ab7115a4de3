/**
 * T-SQL quoting for names that come from the scenario's name mapping. Values never go through here:
 * they are bound parameters. Names (tables, columns, indexes, queues, services, message types) cannot
 * be parameters in DDL or in FROM / SEND / BEGIN DIALOG, so they are quoted with QUOTENAME's rules.
 *
 * QUOTENAME (SD:docs/t-sql/functions/quotename-transact-sql.md): wraps in [ ], doubles every ], and
 * returns NULL for input longer than 128 characters (sysname). A delimited identifier may contain any
 * character, so doubling ] is the only escaping needed (SD:docs/relational-databases/databases/database-identifiers.md).
 */
import { UserError } from '../../../errors.ts';

/** sysname is nvarchar(128); QUOTENAME returns NULL beyond that, so we refuse instead. */
export const MAX_IDENTIFIER_LENGTH = 128;

export function quoteName(name: string): string {
  if (name.length === 0) throw new UserError('names: an empty SQL Server identifier is not allowed');
  if (name.length > MAX_IDENTIFIER_LENGTH)
    throw new UserError(
      `names: "${name.slice(0, 40)}..." is longer than ${MAX_IDENTIFIER_LENGTH} characters (sysname)`,
    );
  if (name.includes('\u0000')) throw new UserError('names: a NUL character is not allowed in an identifier');
  return `[${name.replace(/]/g, ']]')}]`;
}

/** schema.object, each part quoted: [dbo].[Atoms]. */
export function qualifiedName(schema: string, name: string): string {
  return `${quoteName(schema)}.${quoteName(name)}`;
}

/**
 * A Unicode string literal, N'...' with ' doubled. Used only where T-SQL takes a literal and no
 * variable is documented (BEGIN DIALOG ... TO SERVICE 'name', DBCC CHECKIDENT ('table')), always with a
 * name from the mapping, never with a measured value.
 */
export function sqlString(value: string): string {
  if (value.includes('\u0000'))
    throw new UserError('names: a NUL character is not allowed in a string literal');
  return `N'${value.replace(/'/g, "''")}'`;
}

/** Escape LIKE wildcards so a mapped name matches literally inside '%' + @p + '%' (ESCAPE '\'). */
export function likeLiteral(value: string): string {
  return value.replace(/[\\%_[]/g, (c) => `\\${c}`);
}

/**
 * A numeric literal for places T-SQL does not take a variable (BOUNDING_BOX, CELLS_PER_OBJECT,
 * TIMEOUT, TOP in DDL-like positions). Only finite numbers; integers without exponent when exact.
 */
export function sqlNumber(value: number): string {
  if (!Number.isFinite(value))
    throw new UserError(`a non-finite number (${value}) cannot be written into T-SQL`);
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return value.toFixed(0);
  // 17 significant digits round-trip a float64; T-SQL float literals accept the E notation.
  return value.toPrecision(17).replace('e', 'E');
}

/** A non-negative integer literal (TIMEOUT ms, loop limits). */
export function sqlInt(value: number): string {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new UserError(`expected a non-negative integer, got ${value}`);
  return String(value);
}

/** Only bare upper-case keywords from a fixed list may be spliced (VALIDATION = NONE | WELL_FORMED_XML...). */
export function sqlKeyword(value: string, allowed: readonly string[]): string {
  if (!allowed.includes(value)) throw new UserError(`"${value}" is not one of ${allowed.join(', ')}`);
  if (!/^[A-Z][A-Z0-9_]*$/.test(value)) throw new UserError(`"${value}" is not a T-SQL keyword`);
  return value;
}
