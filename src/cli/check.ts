import { Command } from 'commander';
import { renderHealthReport, runHealthCheck } from '../engines/mssql/check/healthcheck.ts';
import { UserError } from '../errors.ts';
import { resolveNames } from '../scenario/names.ts';
import { addCommonOptions, DEFAULT_SCENARIO, resolveConfig, type CommonFlags } from './options.ts';

/**
 * The runbook's Quick Health Check and Monitoring Metrics, read-only, against a SQL Server deployment.
 * The scenario only supplies the name mapping (runbook era or HEAD) and the URL.
 */
export function checkCommand(setExit: (code: number) => void): Command {
  const cmd = new Command('check')
    .description(
      "run the runbook's Quick Health Check and Monitoring Metrics queries (read-only, SQL Server)",
    )
    .argument('[scenario]', 'scenario YAML file (for the name mapping)', DEFAULT_SCENARIO);
  addCommonOptions(cmd).action(async (file: string, flags: CommonFlags) => {
    const cfg = await resolveConfig(file, { ...flags, engine: flags.engine ?? 'mssql' });
    if (cfg.scenario.engine !== 'mssql')
      throw new UserError(
        `--engine: check runs the runbook's SQL Server health check (Service Broker, sys.indexes, dm_exec_query_stats); engine ${cfg.scenario.engine} has none of them — use --engine mssql`,
      );
    const names = resolveNames(cfg.scenario.names.preset, cfg.scenario.names.overrides);
    const report = await runHealthCheck(cfg.url, names);
    if (flags.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else process.stdout.write(renderHealthReport(report));
    setExit(report.failed ? 1 : 0);
  });
  return cmd;
}
