import { Option, type Command } from 'commander';
import { UserError } from '../errors.ts';
import { SAMPLE_EVERY, VERIFY_MODES, type VerifyMode } from '../dataset/fingerprint.ts';
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
  dropForeignRows?: boolean;
  verify?: string;
  /** run only: measured phases (gate.trials). */
  trials?: string;
  /** The graph side's Neo4j (neo4j.url). */
  neo4jUrl?: string;
}

/** The common flags, each once: a command lists (and accepts) only those it honours. */
const COMMON_OPTIONS = {
  engine: () => new Option('--engine <name>', 'engine: sqlite (embedded), postgis, mssql'),
  url: () =>
    new Option('--url <url>', 'connection URL (default: $ATOMBENCH_URL); never printed').env('ATOMBENCH_URL'),
  neo4jUrl: () =>
    new Option(
      '--neo4j-url <url>',
      'Neo4j for the graph side, bolt://user:password@host:7687 (default: $ATOMBENCH_NEO4J_URL); never printed',
    ).env('ATOMBENCH_NEO4J_URL'),
  atoms: () => new Option('--atoms <n>', 'atoms in the dataset (dataset.atoms)'),
  duration: () => new Option('--duration <time>', 'measured duration, e.g. 20s, 2m (durationSec)'),
  warmup: () => new Option('--warmup <time>', 'warm-up before measuring, e.g. 3s (warmupSec)'),
  seed: () => new Option('--seed <n>', 'dataset seed (dataset.seed)'),
  rate: () => new Option('--rate <n>', 'open-loop arrivals per second (load.ratePerSec)'),
  concurrency: () => new Option('--concurrency <n>', 'closed-loop workers (load.concurrency)'),
  out: () => new Option('--out <dir>', 'reports folder (report.out)'),
  format: () => new Option('--format <list>', `report formats, comma-separated: ${REPORT_FORMATS.join(',')}`),
  json: () => new Option('--json', 'machine output on stdout (result JSON); human output goes to stderr'),
  progress: () => new Option('--no-progress', 'no progress bar or live status line'),
  quiet: () => new Option('--quiet', 'print only errors and the final verdict'),
  reseed: () =>
    new Option('--reseed', 'replace a stored dataset that differs from the scenario or was altered'),
  force: () =>
    new Option('--force', 'accept a database whose tables atombench did not create (bench databases only)'),
  verify: () =>
    new Option(
      '--verify <mode>',
      `check the stored rows against the generator before using them: ${VERIFY_MODES.join('|')} (default sample: every row counted, 1 in ${SAMPLE_EVERY} buckets hashed)`,
    ),
  dropForeignRows: () =>
    new Option(
      '--drop-foreign-rows',
      'with --force: delete the rows atombench did not insert (it lists them first) instead of refusing',
    ),
} as const;
export type CommonOption = keyof typeof COMMON_OPTIONS;

/** What `seed` does not do: no load is run and no report is written. */
export const LOAD_AND_REPORT_OPTIONS: readonly CommonOption[] = [
  'neo4jUrl',
  'duration',
  'warmup',
  'rate',
  'concurrency',
  'out',
  'format',
];

/**
 * Add the common flags to a command, except those it does not honour (`except`), or only `only`:
 * a flag a command would ignore is not accepted there (commander: exit 2, "unknown option").
 */
export function addCommonOptions(
  cmd: Command,
  which: { except?: readonly CommonOption[]; only?: readonly CommonOption[] } = {},
): Command {
  for (const [key, make] of Object.entries(COMMON_OPTIONS) as [CommonOption, () => Option][]) {
    if (which.only && !which.only.includes(key)) continue;
    if (which.except?.includes(key)) continue;
    cmd.addOption(make());
  }
  return cmd;
}

/** --verify as a mode (checked by flagOverrides before anything runs). */
export const verifyMode = (f: CommonFlags): VerifyMode => (f.verify as VerifyMode | undefined) ?? 'sample';

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
  if (f.verify !== undefined && !(VERIFY_MODES as readonly string[]).includes(f.verify))
    problems.push({
      path: '--verify',
      message: `expected one of ${VERIFY_MODES.join(', ')}; got "${f.verify}"`,
    });
  if (f.dropForeignRows && !f.force)
    problems.push({ path: '--drop-foreign-rows', message: 'needs --force (bench databases only)' });
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
  /** The Neo4j URL: the graph side runs when it is set. */
  neo4jUrl: string | undefined;
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
  const neo4jUrl = f.neo4jUrl || v.scenario?.neo4j.url || undefined;
  if (v.scenario) {
    const t = resolveTargets(v.scenario.targets, {
      oodaTriggerEverySec: v.scenario.ooda.enabled ? v.scenario.ooda.triggerEverySec : undefined,
      datasetAtoms: v.scenario.dataset.atoms,
      neo4j: neo4jUrl !== undefined,
    });
    problems.push(...t.problems);
    targets = t.specs;
  } else {
    // The scenario has schema problems: its targets are still checked, so every problem shows at once.
    const raw = (merged as { targets?: unknown }).targets;
    const valid =
      raw && typeof raw === 'object' && !Array.isArray(raw)
        ? Object.fromEntries(
            Object.entries(raw).filter(([, x]) => typeof x === 'string' || x === null) as [
              string,
              string | null,
            ][],
          )
        : {};
    problems.push(
      ...resolveTargets(valid, {}).problems.filter((p) => !problems.some((q) => q.path === p.path)),
    );
  }
  v.scenario?.workload.mix.forEach((m, i) => {
    if (m.op === 'graph.provenance' && neo4jUrl === undefined)
      problems.push({
        path: `workload.mix[${i}].op`,
        message: 'graph.provenance reads Neo4j: give --neo4j-url (or ATOMBENCH_NEO4J_URL, neo4j.url)',
      });
  });
  if (problems.length || !v.scenario) throw new ScenarioError(file, problems);
  const url = f.url ?? v.scenario.url;
  return { scenario: v.scenario, targets, url, neo4jUrl };
}
