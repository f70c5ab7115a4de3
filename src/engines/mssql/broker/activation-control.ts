/**
 * The run-time side of server activation (statements in activation.ts): switch the activated queues on
 * or off, and read the rows the procedures wrote. Used by the queue driver on its own pool.
 */
import type sql from 'mssql';
import { UserError } from '../../../errors.ts';
import type { ObjectNames, Phase } from '../../../scenario/names.ts';
import type { ServerPhaseRow } from '../../types.ts';
import { ownedObjectsQuery } from '../sql/catalog.ts';
import { ACTIVATED_PHASES, activationProcedureName } from '../sql/object-names.ts';
import { batch, exec, rows } from '../sql/statement.ts';
import {
  activationOffSql,
  activationOnSql,
  metricWatermarkQuery,
  serverPhaseRowsQuery,
} from './activation.ts';

/** A queue is pointed only at a procedure atombench created (--force may have kept a foreign one). */
async function checkOwnedProcedures(pool: sql.ConnectionPool, names: ObjectNames): Promise<void> {
  const owned = rows<{ Kind: string; Name: string }>(
    await exec(pool, ownedObjectsQuery(names.schema)),
  ).filter((r) => r.Kind === 'procedure');
  const missing = ACTIVATED_PHASES.map(activationProcedureName).filter(
    (n) => !owned.some((r) => r.Name === n),
  );
  if (missing.length > 0)
    throw new UserError(
      `ooda.activation: server: ${missing.join(', ')} in schema ${names.schema} not created by atombench; refusing to activate them`,
    );
}

/**
 * server: after checking the procedures are atombench's, note the highest metric row id (the watermark,
 * returned: rows above it are the run's), then ACTIVATION on for Hypothesize/Act/Learn. client: ACTIVATION
 * off where an earlier run left it on (returns undefined).
 */
export async function switchActivation(
  pool: sql.ConnectionPool,
  names: ObjectNames,
  mode: 'client' | 'server',
): Promise<number | undefined> {
  let watermark: number | undefined;
  if (mode === 'server') {
    await checkOwnedProcedures(pool, names);
    const r = rows<{ MaxId: number | string }>(await exec(pool, metricWatermarkQuery(names)));
    watermark = Number(r[0]?.MaxId ?? 0);
  }
  for (const p of ACTIVATED_PHASES)
    await batch(pool, mode === 'server' ? activationOnSql(names, p) : activationOffSql(names, p));
  return watermark;
}

export async function readServerPhaseRows(
  pool: sql.ConnectionPool,
  names: ObjectNames,
  watermark: number,
): Promise<ServerPhaseRow[]> {
  type Row = { Phase: string; DurationMs: number; Success: boolean; ExecutedAtMs: number | string };
  const r = rows<Row>(await exec(pool, serverPhaseRowsQuery(names, watermark)));
  return r.map((x) => ({
    phase: x.Phase as Phase,
    durationMs: Number(x.DurationMs),
    success: x.Success === true,
    executedAtMs: Number(x.ExecutedAtMs),
  }));
}
