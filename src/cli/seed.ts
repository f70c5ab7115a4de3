import { Command } from 'commander';
import { ensureDataset } from '../run/dataset.ts';
import { connectEngine } from '../run/phases/connect.ts';
import { guard } from '../run/phases/guard.ts';
import { Interrupted, UserError } from '../errors.ts';
import {
  addCommonOptions,
  LOAD_AND_REPORT_OPTIONS,
  DEFAULT_SCENARIO,
  resolveConfig,
  verifyMode,
  type CommonFlags,
} from './options.ts';
import { interruptibleOutput } from './signals.ts';

export function seedCommand(setExit: (code: number) => void): Command {
  const cmd = new Command('seed')
    .description(
      "create the schema and seed the scenario's dataset (resumable: re-run to continue), then build the index",
    )
    .argument('[scenario]', 'scenario YAML file', DEFAULT_SCENARIO)
    .option('--rebuild-index', 'rebuild the spatial index even if the data was already there');
  addCommonOptions(cmd, { except: LOAD_AND_REPORT_OPTIONS }).action(
    async (file: string, flags: CommonFlags & { rebuildIndex?: boolean }) => {
      const cfg = await resolveConfig(file, flags);
      if (cfg.scenario.attach)
        throw new UserError(
          'seed: the scenario attaches to an existing deployment (attach: true); nothing to seed',
        );
      const { human, progress, signal, dispose } = interruptibleOutput(
        flags,
        'interrupted: the committed batches are kept; re-run seed to resume',
      );
      const engine = await connectEngine(cfg.scenario.engine, cfg.scenario, cfg.url, signal);
      try {
        const out = await guard(cfg.url, 'seed', () =>
          ensureDataset(engine, cfg.scenario, {
            reseed: !!flags.reseed,
            force: !!flags.force,
            dropForeignRows: !!flags.dropForeignRows,
            verify: verifyMode(flags),
            progress,
            signal,
            rebuildIndex: flags.rebuildIndex,
          }),
        );
        const summary = {
          engine: cfg.scenario.engine,
          atoms: cfg.scenario.dataset.atoms,
          datasetKey: out.key,
          checksum: out.checksum,
          stored: out.stored,
          rowsInserted: out.rowsInserted,
          resumedFrom: out.resumedFrom,
          seedDurationMs: out.seedDurationMs,
          indexBuildMs: out.indexBuildMs,
          peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
        };
        if (flags.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
        else if (!flags.quiet) {
          const rate = out.seedDurationMs
            ? ` in ${(out.seedDurationMs / 1000).toFixed(1)} s (${Math.round(out.rowsInserted / (out.seedDurationMs / 1000))} rows/s)`
            : '';
          human.write(`seeded ${out.rowsInserted} rows${rate}; ${summary.atoms} atoms stored\n`);
          if (out.indexBuildMs !== undefined)
            human.write(`spatial index built in ${(out.indexBuildMs / 1000).toFixed(2)} s\n`);
          human.write(`dataset ${out.key}\nchecksum ${out.checksum}\n`);
          const st = out.stored;
          human.write(
            st
              ? `stored: ${st.rows} rows, AtomIds ${st.minId}..${st.maxId}${st.indexEntries !== undefined ? `, ${st.indexEntries} index entries` : ''}, verified (${st.verify}, ${st.bucketsChecked} buckets): content ${st.contentHash}\n`
              : 'stored: not verified\n',
          );
          human.write(`peak RSS ${summary.peakRssMB} MB\n`);
        }
        setExit(0);
      } catch (e) {
        if (signal.aborted) throw new Interrupted('the committed batches are kept; re-run seed to resume');
        throw e;
      } finally {
        dispose();
        await engine.close().catch(() => {});
      }
    },
  );
  return cmd;
}
