import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { UserError } from '../errors.ts';
import { newRunId } from '../report/write.ts';
import { renderTuneMarkdown } from '../tune/render.ts';
import { runTuneModel } from '../tune/model-run.ts';
import { addCommonOptions, DEFAULT_SCENARIO, resolveConfig, type CommonFlags } from './options.ts';

interface TuneFlags extends CommonFlags {
  modelOnly?: boolean;
  top?: string;
  windows?: string;
  whatIfRadius?: string;
  cellsPerObject?: string;
}

function numberList(flag: string, text: string | undefined, integer: boolean): number[] | undefined {
  if (text === undefined) return undefined;
  const xs = text.split(',').map((s) => Number(s.trim()));
  if (!xs.length || xs.some((x) => !Number.isFinite(x) || x <= 0 || (integer && !Number.isInteger(x))))
    throw new UserError(`${flag}: expected comma-separated positive ${integer ? 'integers' : 'numbers'}; got "${text}"`);
  return xs;
}

const NOT_GRID: Record<string, string> = {
  sqlite: "the embedded engine's R*Tree has no grid settings: the GEOMETRY_GRID model below is SQL Server's, shown for planning; there is nothing to sweep on sqlite",
  postgis: "PostGIS's GiST index is not a grid: GRIDS and CELLS_PER_OBJECT do not apply; the GEOMETRY_GRID model below is SQL Server's, shown for planning",
};

export function tuneCommand(setExit: (code: number) => void): Command {
  const cmd = new Command('tune')
    .description('rank spatial index grid settings (GRIDS, CELLS_PER_OBJECT, BOUNDING_BOX) for the scenario\'s data and queries')
    .argument('[scenario]', 'scenario YAML file', DEFAULT_SCENARIO)
    .option('--model-only', 'predict offline with the tessellation model; touch no database')
    .option('--top <k>', 'configurations to show per ranking (and to rebuild and measure on mssql)', '15')
    .option('--windows <n>', 'query windows drawn from the workload', '200')
    .option('--what-if-radius <list>', 'extra query radii to rank for (default: the data\'s scale and a quarter of it)')
    .option('--cells-per-object <list>', 'CELLS_PER_OBJECT values to rank (default 1,8,16,64,1024)');
  addCommonOptions(cmd).action(async (file: string, flags: TuneFlags) => {
    const cfg = await resolveConfig(file, flags);
    const top = numberList('--top', flags.top, true)![0]!;
    const windows = numberList('--windows', flags.windows, true)![0]!;
    const whatIfRadii = numberList('--what-if-radius', flags.whatIfRadius, false);
    const cellsPerObject = numberList('--cells-per-object', flags.cellsPerObject, true);
    const engine = cfg.scenario.engine;
    if (!flags.modelOnly && engine === 'mssql')
      throw new UserError('tune --engine mssql: the measured sweep is not available in this build; use --model-only');
    const human = flags.json ? process.stderr : process.stdout;
    const say = (s: string) => !flags.quiet && human.write(`${s}\n`);
    if (NOT_GRID[engine] && !flags.modelOnly) say(`note: ${NOT_GRID[engine]}`);
    const t0 = performance.now();
    const run = runTuneModel(cfg.scenario, {
      windows,
      whatIfRadii,
      cellsPerObject,
      onProgress: flags.progress === false ? undefined : say,
    });
    const md = renderTuneMarkdown(run.json, { top });
    const dir = join(cfg.scenario.report.out, `${newRunId(new Date(), randomBytes(2).toString('hex'))}-tune`);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'tune.json'), `${JSON.stringify(run.json, null, 2)}\n`);
    await writeFile(join(dir, 'tune.md'), md);
    if (flags.json) process.stdout.write(`${JSON.stringify(run.json, null, 2)}\n`);
    else if (!flags.quiet) human.write(md);
    say(`model ranked in ${((performance.now() - t0) / 1000).toFixed(1)} s; wrote ${join(dir, 'tune.json')} and tune.md`);
    setExit(0);
  });
  return cmd;
}
