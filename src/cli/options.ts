import { Option, type Command } from 'commander';
import { UserError } from '../errors.ts';
import {
  applyOverrides,
  readScenarioFile,
  validateScenario,
  ScenarioError,
  type ScenarioProblem,
} from '../scenario/load.ts';
import { REPORT_FORMATS, type Scenario } from '../scenario/schema.ts';
import { resolveTargets, type TargetSpec } from '../targets/runbook.ts';

export const DEFAULT_SCENARIO = 'scenarios/smoke.yaml';

/** Flags every scenario-driven command takes; each maps to one scenario field (CLI overrides the file). */
export interface CommonFlags {
  engine?: string;
  url?: string;
  atoms?: string;
  duration?: string;
  warmup?: string;
  seed?: string;
  rate?: string;
  concurrency?: string;
  out?: string;
  format?: string;
  json?: boolean;
  progress?: boolean;
  quiet?: boolean;
  reseed?: boolean;
  force?: boolean;
  /** run only: measured phases (gate.trials). */
  trials?: string;
}

export function addCommonOptions(cmd: Command): Command {
  return cmd
    .option('--engine <name>', 'engine: sqlite (embedded), postgis, mssql')
    .addOption(
      new Option('--url <url>', 'connection URL (default: $ATOMBENCH_URL); never printed').env(
        'ATOMBENCH_URL',
      ),
    )
    .option('--atoms <n>', 'atoms in the dataset (dataset.atoms)')
    .option('--duration <time>', 'measured duration, e.g. 20s, 2m (durationSec)')
    .option('--warmup <time>', 'warm-up before measuring, e.g. 3s (warmupSec)')
    .option('--seed <n>', 'dataset seed (dataset.seed)')
    .option('--rate <n>', 'open-loop arrivals per second (load.ratePerSec)')
    .option('--concurrency <n>', 'closed-loop workers (load.concurrency)')
    .option('--out <dir>', 'reports folder (report.out)')
    .option('--format <list>', `report formats, comma-separated: ${REPORT_FORMATS.join(',')}`)
    .option('--json', 'machine output on stdout (result JSON); human output goes to stderr')
    .option('--no-progress', 'no progress bar or live status line')
    .option('--quiet', 'print only errors and the final verdict')
    .option('--reseed', 'replace a stored dataset that differs from the scenario')
    .option('--force', 'accept a database whose tables atombench did not create (bench databases only)');
}

/** Parse "20s", "1500ms", "2m", "1h" or a bare number of seconds into seconds. */
export function parseDurationSec(flag: string, text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!m) throw new UserError(`${flag}: expected a duration like 20s, 1500ms, 2m; got "${text}"`);
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  const sec = unit === 'ms' ? n / 1000 : unit === 'm' ? n * 60 : unit === 'h' ? n * 3600 : n;
  return sec;
}

function parseIntFlag(flag: string, text: string, min: number): number {
  if (!/^\s*\d+\s*$/.test(text) || Number(text) < min)
    throw new UserError(`${flag}: expected an integer >= ${min}; got "${text}"`);
  return Number(text);
}

function parseNumberFlag(flag: string, text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new UserError(`${flag}: expected a positive number; got "${text}"`);
  return n;
}

/** Flag -> (scenario path, value). Every bad flag is collected, then reported at once. */
export function flagOverrides(f: CommonFlags): {
  overrides: Record<string, unknown>;
  flagOf: Record<string, string>;
  problems: ScenarioProblem[];
} {
  const overrides: Record<string, unknown> = {};
  const flagOf: Record<string, string> = {};
  const problems: ScenarioProblem[] = [];
  const set = (flag: string, path: string, parse: () => unknown): void => {
    try {
      overrides[path] = parse();
      flagOf[path] = flag;
    } catch (e) {
      problems.push({ path: flag, message: (e as Error).message.replace(`${flag}: `, '') });
    }
  };
  if (f.engine !== undefined) set('--engine', 'engine', () => f.engine);
  if (f.atoms !== undefined) set('--atoms', 'dataset.atoms', () => parseIntFlag('--atoms', f.atoms!, 1));
  if (f.seed !== undefined) set('--seed', 'dataset.seed', () => parseIntFlag('--seed', f.seed!, 0));
  if (f.duration !== undefined)
    set('--duration', 'durationSec', () => parseDurationSec('--duration', f.duration!));
  if (f.warmup !== undefined) set('--warmup', 'warmupSec', () => parseDurationSec('--warmup', f.warmup!));
  if (f.rate !== undefined) set('--rate', 'load.ratePerSec', () => parseNumberFlag('--rate', f.rate!));
  if (f.concurrency !== undefined)
    set('--concurrency', 'load.concurrency', () => parseIntFlag('--concurrency', f.concurrency!, 1));
  if (f.out !== undefined) set('--out', 'report.out', () => f.out);
  if (f.trials !== undefined) set('--trials', 'gate.trials', () => parseIntFlag('--trials', f.trials!, 1));
  if (f.format !== undefined)
    set('--format', 'report.formats', () =>
      f
        .format!.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );
  return { overrides, flagOf, problems };
}

export interface ResolvedConfig {
  scenario: Scenario;
  targets: TargetSpec[];
  url: string | undefined;
}

/**
 * Everything is parsed and validated before anything runs: scenario file, flags and targets; every
 * problem is reported at once (exit 2), each named by its flag or its field path.
 */
export async function resolveConfig(
  file: string,
  f: CommonFlags,
  extra?: ReturnType<typeof flagOverrides>,
): Promise<ResolvedConfig> {
  const raw = await readScenarioFile(file);
  const common = flagOverrides(f);
  // A command's own flags (e.g. capacity's --max-steps), collected the same way.
  const overrides = { ...common.overrides, ...extra?.overrides };
  const flagOf = { ...common.flagOf, ...extra?.flagOf };
  const problems = [...common.problems, ...(extra?.problems ?? [])];
  const rawObj = raw as { load?: { model?: string } };
  // --rate / --concurrency only make sense for their load model: say so rather than ignore them.
  const model = rawObj?.load?.model ?? 'closed';
  if (overrides['load.ratePerSec'] !== undefined && model !== 'open')
    problems.push({
      path: '--rate',
      message: `the scenario's load model is ${model}; --rate applies to open loops`,
    });
  if (overrides['load.concurrency'] !== undefined && model !== 'closed')
    problems.push({
      path: '--concurrency',
      message: `the scenario's load model is ${model}; --concurrency applies to closed loops`,
    });
  const merged = applyOverrides(
    raw,
    problems.length
      ? Object.fromEntries(
          Object.entries(overrides).filter(([p]) => !problems.some((x) => x.path === flagOf[p])),
        )
      : overrides,
  );
  const v = validateScenario(merged);
  for (const p of v.problems) {
    const flag = Object.entries(flagOf).find(
      ([path]) => p.path === path || p.path.startsWith(`${path}.`) || p.path.startsWith(`${path}[`),
    )?.[1];
    problems.push(flag ? { path: `${flag} (${p.path})`, message: p.message } : p);
  }
  let targets: TargetSpec[] = [];
  if (v.scenario) {
    const t = resolveTargets(v.scenario.targets, {
      oodaTriggerEverySec: v.scenario.ooda.enabled ? v.scenario.ooda.triggerEverySec : undefined,
      datasetAtoms: v.scenario.dataset.atoms,
    });
    problems.push(...t.problems);
    targets = t.specs;
  }
  if (problems.length || !v.scenario) throw new ScenarioError(file, problems);
  const url = f.url ?? v.scenario.url;
  return { scenario: v.scenario, targets, url };
}
