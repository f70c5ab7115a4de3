import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { UserError } from '../errors.ts';
import { NAME_KEYS } from './names.ts';
import { scenarioSchema, type Scenario } from './schema.ts';

/** One problem in a scenario, with the dotted path of the field (`workload.mix[1].radius.max`). */
export interface ScenarioProblem {
  path: string;
  message: string;
}

/** Thrown with every problem at once; the CLI prints one line each and exits 2. */
export class ScenarioError extends UserError {
  constructor(
    readonly source: string,
    readonly problems: ScenarioProblem[],
  ) {
    super(`${source}: ${problems.map((p) => `${p.path || '(root)'}: ${p.message}`).join('; ')}`);
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys')
    return `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  if (issue.code === 'invalid_union' && 'note' in issue && issue.note === 'No matching discriminator') {
    return issue.message;
  }
  return issue.message;
}

/** Every problem of a failed zod parse, with its path (a union's best-matching branch, once each). */
export function zodProblems(error: z.ZodError): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];
  for (const issue of error.issues) {
    // A union that failed in every branch: report the branch errors that match the input's shape.
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const best = issue.errors.reduce((a, b) => (b.length < a.length ? b : a));
      for (const sub of best)
        problems.push({ path: formatPath([...issue.path, ...sub.path]), message: issueMessage(sub) });
      continue;
    }
    problems.push({ path: formatPath(issue.path), message: issueMessage(issue) });
  }
  return dedupe(problems);
}

/** Validate a plain object; returns the scenario or every problem found. */
export function validateScenario(raw: unknown): { scenario?: Scenario; problems: ScenarioProblem[] } {
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) return { problems: zodProblems(parsed.error) };
  const problems: ScenarioProblem[] = [];
  for (const key of Object.keys(parsed.data.names.overrides)) {
    if (!NAME_KEYS.includes(key as (typeof NAME_KEYS)[number]))
      problems.push({
        path: `names.overrides.${key}`,
        message: `unknown name; valid: ${NAME_KEYS.join(', ')}`,
      });
  }
  if (parsed.data.attach)
    parsed.data.workload.mix.forEach((m, i) => {
      if (m.op === 'ingest')
        problems.push({
          path: `workload.mix[${i}].op`,
          message: 'ingest writes atoms: not allowed in attach mode (attach: true is read-only)',
        });
    });
  const load = parsed.data.load;
  load.stages.forEach((s, i) => {
    if (load.model === 'open' && s.ratePerSec === undefined)
      problems.push({ path: `load.stages[${i}].ratePerSec`, message: 'required for an open-loop stage' });
    if (load.model === 'closed' && s.concurrency === undefined)
      problems.push({ path: `load.stages[${i}].concurrency`, message: 'required for a closed-loop stage' });
  });
  return problems.length ? { problems } : { scenario: parsed.data, problems };
}

function dedupe(problems: ScenarioProblem[]): ScenarioProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.path}\u0000${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Parse YAML text into a plain object; YAML syntax errors are scenario problems too. */
export function parseScenarioText(text: string, source: string): unknown {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length) {
    throw new ScenarioError(
      source,
      doc.errors.map((e) => ({
        path: `line ${e.linePos?.[0]?.line ?? '?'}`,
        message: e.message.split('\n')[0] ?? 'YAML error',
      })),
    );
  }
  let value: unknown;
  try {
    // maxAliasCount bounds what aliases may expand to (a "billion laughs" document is refused).
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new ScenarioError(source, [
      { path: '(document)', message: `${(e as Error).message.split('\n')[0]} (YAML aliases are limited)` },
    ]);
  }
  return value ?? {};
}

export async function readScenarioFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`scenario ${file}: cannot read (${code ?? String(e)})`);
  }
  return parseScenarioText(text, file);
}

/** Apply dotted-path overrides (from CLI flags) to the raw object before validation. */
export function applyOverrides(raw: unknown, overrides: Record<string, unknown>): Record<string, unknown> {
  const root: Record<string, unknown> =
    raw && typeof raw === 'object' ? (structuredClone(raw as object) as Record<string, unknown>) : {};
  for (const [path, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    const parts = path.split('.');
    let node = root;
    for (const part of parts.slice(0, -1)) {
      const next = node[part];
      if (!next || typeof next !== 'object') node[part] = {};
      node = node[part] as Record<string, unknown>;
    }
    node[parts[parts.length - 1] as string] = value;
  }
  return root;
}

/** Read, override, validate. Throws ScenarioError listing every problem. */
export async function loadScenario(file: string, overrides: Record<string, unknown> = {}): Promise<Scenario> {
  const raw = await readScenarioFile(file);
  const { scenario, problems } = validateScenario(applyOverrides(raw, overrides));
  if (!scenario) throw new ScenarioError(file, problems);
  return scenario;
}
