import { Command } from 'commander';
import { UserError } from '../errors.ts';
import { renderHealthReport } from '../report/check/terminal.ts';
import { newEngine } from '../run/phases/connect.ts';
import { addCommonOptions, DEFAULT_SCENARIO, resolveConfig, type CommonFlags } from './options.ts';

/**
 * The runbook's Quick Health Check and Monitoring Metrics, read-only, on an engine that has them.
 * The scenario only supplies the name mapping (runbook era or HEAD) and the URL.
 */
export function checkCommand(setExit: (code: number) => void): Command {
  const cmd = new Command('check')
    .description(
      "run the runbook's Quick Health Check and Monitoring Metrics queries (read-only; default engine mssql)",
    )
    .argument('[scenario]', 'scenario YAML file (for the name mapping)', DEFAULT_SCENARIO);
  addCommonOptions(cmd, { only: ['engine', 'url', 'json'] }).action(
    async (file: string, flags: CommonFlags) => {
      const cfg = await resolveConfig(file, { ...flags, engine: flags.engine ?? 'mssql' });
      const engine = await newEngine(cfg.scenario.engine, cfg.scenario, cfg.url);
      if (!engine.healthCheck)
        throw new UserError(
          `--engine: check runs the runbook's health check, which engine ${engine.name} does not have (it needs Service Broker, sys.indexes, dm_exec_query_stats) — use --engine mssql`,
        );
      const report = await engine.healthCheck();
      if (flags.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else process.stdout.write(renderHealthReport(report));
      setExit(report.failed ? 1 : 0);
    },
  );
  return cmd;
}
