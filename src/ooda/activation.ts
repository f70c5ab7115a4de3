import { UserError } from '../errors.ts';
import type { Scenario } from '../scenario/schema.ts';

/**
 * Engines with server-side activation (`ooda.activation: server`): SQL Server's Service Broker starts a
 * stored procedure per queue (ALTER QUEUE ... WITH ACTIVATION). SQLite has no server process and
 * PostgreSQL no queue activation: their phase queues are tables, consumed by atombench's own readers.
 */
export const SERVER_ACTIVATION_ENGINES: readonly string[] = ['mssql'];

/** Why the scenario's ooda.activation cannot run on this engine (one line), or undefined when it can. */
export function activationProblem(engine: string, sc: Pick<Scenario, 'ooda' | 'attach'>): string | undefined {
  if (!sc.ooda.enabled || sc.ooda.activation !== 'server') return undefined;
  if (!SERVER_ACTIVATION_ENGINES.includes(engine))
    return `ooda.activation: server needs SQL Server's queue activation; the ${engine} engine has none (its phase queues are tables read by atombench's consumers): use ooda.activation: client`;
  if (sc.attach)
    return "ooda.activation: server installs atombench's activation procedures: not in attach mode (a deployment's own procedures consume; ooda.sendInAttachMode sends the triggers to them)";
  return undefined;
}

/** Refuse (UserError, exit 2) before anything connects or writes. */
export function checkActivation(engine: string, sc: Pick<Scenario, 'ooda' | 'attach'>): void {
  const problem = activationProblem(engine, sc);
  if (problem) throw new UserError(problem);
}
