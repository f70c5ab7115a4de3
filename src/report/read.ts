import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { COMPARE_SCHEMA, type CompareResult } from '../compare/model.ts';
import { CAPACITY_SCHEMA, type CapacityDocument } from '../model/capacity.ts';
import { UserError } from '../errors.ts';
import { RESULT_SCHEMA, type RunResult } from '../model/result.ts';
import { zodProblems } from '../scenario/load.ts';
import { TUNE_SCHEMA, type TuneJson } from '../tune/document.ts';
import { capacitySchema } from './capacity-schema.ts';
import { compareSchema, tuneSchema } from './document-schemas.ts';
import { resultSchema } from './result-schema.ts';

/**
 * The one reader of atombench's documents (result.json, compare.json, tune.json, capacity.json): `report`, `compare`
 * and `run --baseline` read through it. It validates what it reads, so an edited or truncated file is a
 * UserError (exit 2) naming the file and the fields, never a failure inside a renderer.
 */

export type AnyDocument =
  | { kind: 'run'; doc: RunResult }
  | { kind: 'compare'; doc: CompareResult }
  | { kind: 'tune'; doc: TuneJson }
  | { kind: 'capacity'; doc: CapacityDocument };

const SCHEMAS = {
  [RESULT_SCHEMA]: { kind: 'run', zod: resultSchema },
  [COMPARE_SCHEMA]: { kind: 'compare', zod: compareSchema },
  [TUNE_SCHEMA]: { kind: 'tune', zod: tuneSchema },
  [CAPACITY_SCHEMA]: { kind: 'capacity', zod: capacitySchema },
} as const satisfies Record<string, { kind: AnyDocument['kind']; zod: z.ZodType }>;

/** How many field problems one message lists before it says how many more there are. */
const MAX_LISTED = 5;

export async function readJsonFile(what: string, file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new UserError(`${what}${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${what}${file}: not JSON (${(e as Error).message})`);
  }
  return escapeControls(value);
}

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Every string of an edited document with its control characters (ESC, CR, BEL, NUL...; not tab or
 * newline) written as \uXXXX, so no renderer (terminal, Markdown, HTML) puts them on a screen raw.
 */
export function escapeControls(value: unknown): unknown {
  if (typeof value === 'string')
    return value.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (Array.isArray(value)) return value.map(escapeControls);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [escapeControls(k) as string, escapeControls(v)]),
    );
  return value;
}

function check<T>(what: string, file: string, zod: z.ZodType, value: unknown): T {
  const parsed = zod.safeParse(value);
  if (parsed.success) return value as T;
  const problems = zodProblems(parsed.error).map((p) => `${p.path || '(root)'}: ${p.message}`);
  const more = problems.length > MAX_LISTED ? `; and ${problems.length - MAX_LISTED} more` : '';
  throw new UserError(
    `${what}${file}: not a valid ${fileKind(value)}: ${problems.slice(0, MAX_LISTED).join('; ')}${more}`,
  );
}

function schemaOf(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? (value as { schema?: unknown }).schema : undefined;
}

function fileKind(value: unknown): string {
  const s = schemaOf(value);
  const kind =
    typeof s === 'string' && Object.hasOwn(SCHEMAS, s) ? SCHEMAS[s as keyof typeof SCHEMAS].kind : 'run';
  return kind === 'run' ? 'result.json' : `${kind}.json`;
}

/** Any of the four documents, by its schema id. `what` prefixes messages (e.g. `<baseline>: `). */
export async function readDocument(file: string, what = ''): Promise<AnyDocument> {
  const value = await readJsonFile(what, file);
  const schema = schemaOf(value);
  const entry =
    typeof schema === 'string' && Object.hasOwn(SCHEMAS, schema)
      ? SCHEMAS[schema as keyof typeof SCHEMAS]
      : undefined;
  if (!entry)
    throw new UserError(
      `${what}${file}: schema is ${JSON.stringify(schema)}, expected one of ${Object.keys(SCHEMAS)
        .map((s) => `"${s}"`)
        .join(', ')}`,
    );
  return { kind: entry.kind, doc: check(what, file, entry.zod, value) } as AnyDocument;
}

/** A result.json (atombench/result@1), validated. */
export async function readResult(file: string, what = ''): Promise<RunResult> {
  const value = await readJsonFile(what, file);
  const schema = schemaOf(value);
  if (schema !== RESULT_SCHEMA)
    throw new UserError(`${what}${file}: schema is ${JSON.stringify(schema)}, expected "${RESULT_SCHEMA}"`);
  return check<RunResult>(what, file, resultSchema, value);
}
