import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Command } from 'commander';
import { COMPARE_SCHEMA, type CompareResult } from '../compare/model.ts';
import { COMPARE_REPORTERS } from '../report/compare/reporters.ts';
import { UserError } from '../errors.ts';
import { renderCompareHtml } from '../report/compare/html.ts';
import { renderTuneHtml } from '../report/tune/html.ts';
import { RESULT_SCHEMA, type RunResult } from '../model/result.ts';
import { REPORTERS } from '../report/registry.ts';
import { renderReports } from '../report/write.ts';
import { renderTuneMarkdown } from '../report/tune/markdown.ts';
import { TUNE_SCHEMA, type TuneJson } from '../tune/document.ts';

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new UserError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UserError(`${file}: not JSON (${(e as Error).message})`);
  }
}

function schemaOf(value: unknown): unknown {
  return (value as { schema?: unknown } | null)?.schema;
}

export async function readResult(file: string): Promise<RunResult> {
  const value = await readJson(file);
  const schema = schemaOf(value);
  if (schema !== RESULT_SCHEMA)
    throw new UserError(`${file}: schema is ${JSON.stringify(schema)}, expected "${RESULT_SCHEMA}"`);
  return value as RunResult;
}

/**
 * compare.json and tune.json re-render too (`--format html` makes compare.html / tune.html). Each kind
 * lists the formats it has, by name and file; a run's result.json goes through the reporter registry.
 */
interface DocumentFormat {
  fileName: string;
  render(doc: never): string;
}
const DOCUMENTS: Record<string, { defaults: string; formats: Record<string, DocumentFormat> }> = {
  [COMPARE_SCHEMA]: {
    defaults: 'md,junit,html',
    formats: {
      ...COMPARE_REPORTERS,
      html: { fileName: 'compare.html', render: (r: CompareResult) => renderCompareHtml(r) },
    },
  },
  [TUNE_SCHEMA]: {
    defaults: 'md,html',
    formats: {
      md: { fileName: 'tune.md', render: (t: TuneJson) => renderTuneMarkdown(t) },
      html: { fileName: 'tune.html', render: (t: TuneJson) => renderTuneHtml(t) },
    },
  },
};

const RESULT_DEFAULTS = 'md,junit,csv,html';

function parseFormats(list: string, valid: readonly string[]): string[] {
  const formats = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = formats.filter((f) => !valid.includes(f));
  if (unknown.length)
    throw new UserError(`--format: unknown format(s) ${unknown.join(', ')}; valid: ${valid.join(', ')}`);
  return formats;
}

export function reportCommand(setExit: (code: number) => void): Command {
  return new Command('report')
    .description('re-render reports from a result.json alone (or a compare.json / tune.json)')
    .argument('<result>', 'a result.json written by atombench run, or a compare.json or tune.json')
    .option(
      '--format <list>',
      `formats, comma-separated (${Object.keys(REPORTERS).join(', ')}; default ${RESULT_DEFAULTS}; ` +
        'compare.json: md, junit, json, html; tune.json: md, html)',
    )
    .option('--out <dir>', 'folder to write into (default: beside the input file)')
    .action(async (file: string, flags: { format?: string; out?: string }) => {
      const value = await readJson(file);
      const out = flags.out ?? dirname(file);
      const kind = String(schemaOf(value));
      const doc = Object.hasOwn(DOCUMENTS, kind) ? DOCUMENTS[kind] : undefined;
      if (doc) {
        const formats = parseFormats(flags.format ?? doc.defaults, Object.keys(doc.formats));
        await mkdir(out, { recursive: true });
        for (const f of formats) {
          const fmt = doc.formats[f]!;
          await writeFile(join(out, fmt.fileName), fmt.render(value as never));
          process.stdout.write(`wrote ${join(out, fmt.fileName)}\n`);
        }
        setExit(0);
        return;
      }
      const formats = parseFormats(flags.format ?? RESULT_DEFAULTS, Object.keys(REPORTERS));
      const result = await readResult(file);
      for (const f of formats)
        if (f === 'terminal')
          process.stdout.write(REPORTERS.terminal!.render(result, { color: !!process.stdout.isTTY }));
      const files = await renderReports(
        result,
        out,
        formats.filter((f) => f !== 'terminal'),
      );
      for (const f of files) process.stdout.write(`wrote ${f}\n`);
      setExit(0);
    });
}
