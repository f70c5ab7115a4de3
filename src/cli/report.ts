import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Command } from 'commander';
import { UserError } from '../errors.ts';
import { RESULT_SCHEMA, type RunResult } from '../report/model.ts';
import { REPORTERS } from '../report/registry.ts';
import { renderReports } from '../report/write.ts';

export async function readResult(file: string): Promise<RunResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new UserError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${file}: not JSON (${(e as Error).message})`);
  }
  const schema = (value as { schema?: unknown })?.schema;
  if (schema !== RESULT_SCHEMA) throw new UserError(`${file}: schema is ${JSON.stringify(schema)}, expected "${RESULT_SCHEMA}"`);
  return value as RunResult;
}

export function reportCommand(setExit: (code: number) => void): Command {
  return new Command('report')
    .description('re-render reports from a result.json alone')
    .argument('<result>', 'a result.json written by atombench run')
    .option('--format <list>', `formats, comma-separated (${Object.keys(REPORTERS).join(', ')})`, 'md,junit,csv')
    .option('--out <dir>', 'folder to write into (default: beside the result.json)')
    .action(async (file: string, flags: { format: string; out?: string }) => {
      const formats = flags.format.split(',').map((s) => s.trim()).filter(Boolean);
      const unknown = formats.filter((f) => !(f in REPORTERS));
      if (unknown.length) throw new UserError(`--format: unknown format(s) ${unknown.join(', ')}; valid: ${Object.keys(REPORTERS).join(', ')}`);
      const result = await readResult(file);
      const terminal = formats.filter((f) => f === 'terminal');
      for (const _ of terminal) process.stdout.write(REPORTERS.terminal!.render(result, { color: !!process.stdout.isTTY }));
      const files = await renderReports(result, flags.out ?? dirname(file), formats.filter((f) => f !== 'terminal'));
      for (const f of files) process.stdout.write(`wrote ${f}\n`);
      setExit(0);
    });
}
