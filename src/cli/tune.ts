import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Command } from 'commander';
import { RuntimeFailure, UserError } from '../errors.ts';
import { newRunId, writeDocument } from '../report/write.ts';
import { formatNames, reporterFor } from '../report/registry.ts';
import { type TuneJson } from '../tune/document.ts';
import type { IndexTuning } from '../engines/types.ts';
import { newEngine, openWithDataset } from '../run/phases/connect.ts';
import { guard } from '../run/phases/guard.ts';
import { checkMeasurable, measureIndex } from '../tune/sweep/measure.ts';
import { runTuneModel } from '../tune/model/model-run.ts';
import {
  addCommonOptions,
  DEFAULT_SCENARIO,
  resolveConfig,
  verifyMode,
  type CommonFlags,
} from './options.ts';
import { interruptibleOutput } from './signals.ts';

interface TuneFlags extends CommonFlags {
  modelOnly?: boolean;
  top?: string;
  windows?: string;
  whatIfRadius?: string;
  cellsPerObject?: string;
  postgisOptions?: string;
}

function numberList(flag: string, text: string | undefined, integer: boolean): number[] | undefined {
  if (text === undefined) return undefined;
  const xs = text.split(',').map((s) => Number(s.trim()));
  if (!xs.length || xs.some((x) => !Number.isFinite(x) || x <= 0 || (integer && !Number.isInteger(x))))
    throw new UserError(
      `${flag}: expected comma-separated positive ${integer ? 'integers' : 'numbers'}; got "${text}"`,
    );
  return xs;
}

/** Grid configurations rebuilt when --top is not given: every rebuild locks the table for its whole build. */
const SWEEP_TOP = 3;

const INDEX_OPTIONS_FLAG = '--postgis-options';

/** --postgis-options: only where the engine has index options to choose, and only when measuring. */
function indexOptionsFlag(
  flags: TuneFlags,
  engine: string,
  tuning: IndexTuning | undefined,
): unknown[] | undefined {
  const text = flags.postgisOptions;
  if (text === undefined) return undefined;
  if (flags.modelOnly)
    throw new UserError(`${INDEX_OPTIONS_FLAG}: --model-only measures nothing; drop one of the two`);
  if (tuning?.kind !== 'options' || tuning.flag !== INDEX_OPTIONS_FLAG)
    throw new UserError(`${INDEX_OPTIONS_FLAG}: applies to --engine postgis only (engine: ${engine})`);
  return tuning.parseConfigs(text);
}

export function tuneCommand(setExit: (code: number) => void): Command {
  const cmd = new Command('tune')
    .description(
      "rank spatial index grid settings (GRIDS, CELLS_PER_OBJECT, BOUNDING_BOX) for the scenario's data and queries; on mssql and postgis, also build and measure index configurations on the server",
    )
    .argument('[scenario]', 'scenario YAML file', DEFAULT_SCENARIO)
    .option('--model-only', 'predict offline with the tessellation model; touch no database')
    .option(
      '--top <k>',
      `configurations to show per ranking (default 15), and to rebuild and measure on mssql (default ${SWEEP_TOP}; plus the current one)`,
    )
    .option('--windows <n>', 'query windows drawn from the workload', '200')
    .option(
      '--what-if-radius <list>',
      "extra query radii to rank for (default: the data's scale and a quarter of it)",
    )
    .option('--cells-per-object <list>', 'CELLS_PER_OBJECT values to rank (default 1,8,16,64,1024)')
    .option(
      `${INDEX_OPTIONS_FLAG} <list>`,
      'postgis: index configurations to build and measure, method[:key=value...] with fillfactor (ff) 10..100 and buffering auto|on|off (GiST only), e.g. gist,gist:buffering=on:ff=100,spgist (default: gist, gist:buffering=on, gist:buffering=on:ff=100, gist:buffering=on:ff=70, spgist; plus the current one)',
    );
  addCommonOptions(cmd, {
    except: ['neo4jUrl', 'duration', 'warmup', 'rate', 'concurrency', 'format'],
  }).action(async (file: string, flags: TuneFlags) => {
    const cfg = await resolveConfig(file, flags);
    const sc = cfg.scenario;
    const top = numberList('--top', flags.top ?? '15', true)![0]!;
    const windows = numberList('--windows', flags.windows, true)![0]!;
    const whatIfRadii = numberList('--what-if-radius', flags.whatIfRadius, false);
    const cellsPerObject = numberList('--cells-per-object', flags.cellsPerObject, true);
    const human = flags.json ? process.stderr : process.stdout;
    const say = (s: string) => !flags.quiet && human.write(`${s}\n`);
    // The engine, not connected: what it can rebuild decides what is measured (and a bad URL fails here).
    const engine = flags.modelOnly ? undefined : await newEngine(sc.engine, sc, cfg.url);
    const tuning = engine?.tuning;
    const configs = indexOptionsFlag(flags, sc.engine, tuning);
    const measure = tuning !== undefined && tuning.kind !== 'none';
    if (measure) checkMeasurable(tuning, sc, windows);
    const note = tuning && tuning.kind !== 'grid' ? tuning.note : undefined;
    if (note) say(`note: ${note}`);
    // Ctrl-C: seeding keeps its committed batches; a sweep finishes its step and restores the index.
    const out = measure
      ? interruptibleOutput(
          flags,
          'interrupted: finishing the current step (a sweep then restores the original index; Ctrl-C again to exit at once)',
        )
      : undefined;
    const json: TuneJson = await (async () => {
      // The dataset first: a missing --reseed or a bad server costs seconds, not the model's time.
      if (engine && out)
        await openWithDataset(engine, sc, cfg.url, {
          reseed: !!flags.reseed,
          force: !!flags.force,
          dropForeignRows: !!flags.dropForeignRows,
          verify: verifyMode(flags),
          progress: out.progress,
          signal: out.signal,
        });
      try {
        const t0 = performance.now();
        const run = runTuneModel(sc, {
          windows,
          whatIfRadii,
          cellsPerObject,
          onProgress: flags.progress === false ? undefined : say,
        });
        say(`model ranked in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
        const json: TuneJson = { ...run.json };
        if (note && engine) json.engine = { name: engine.name, gridModelApplies: false, note };
        if (!engine || !out) return json;
        const measured = await guard(cfg.url, 'tune sweep', () =>
          measureIndex({
            scenario: sc,
            engine,
            force: !!flags.force,
            top: flags.top === undefined ? SWEEP_TOP : top,
            section: run.json.sections[0]!,
            windows,
            configs,
            signal: out.signal,
            say,
          }),
        );
        return { ...json, ...measured };
      } finally {
        await engine?.close().catch(() => undefined);
      }
    })().finally(() => out?.dispose());
    const md = reporterFor('tune', 'md').render(json, { top });
    const dir = join(cfg.scenario.report.out, `${newRunId(new Date(), randomBytes(2).toString('hex'))}-tune`);
    await writeDocument('tune', json, dir, formatNames('tune'), { top });
    if (flags.json) process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    else if (!flags.quiet) human.write(md);
    say(`wrote ${join(dir, 'tune.json')} tune.md and tune.html`);
    const m = json.measured ?? json.measuredOptions;
    if (m?.restore.error)
      throw new RuntimeFailure(
        `tune: the original spatial index could not be restored (${m.restore.error}); rebuild it with the statement in ${join(dir, 'tune.md')}`,
      );
    const failed = json.measured
      ? json.measured.configs.filter(
          (c) => c.buildMs === undefined || (c.queries > 0 && c.errors === c.queries),
        )
      : json.measuredOptions?.configs.filter(
          (c) => c.buildMs === undefined || c.ops.some((o) => o.queries > 0 && o.errors === o.queries),
        );
    if (failed?.length) {
      say(`${failed.length} configuration(s) could not be measured; see ${join(dir, 'tune.md')}`);
      setExit(3);
    } else setExit(0);
  });
  return cmd;
}
