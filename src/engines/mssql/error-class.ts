/**
 * Classes for SQL Server errors, so the load counts "broker-validation" or "deadlock" instead of one
 * opaque EREQUEST. Numbers are SQL Server message ids (sys.messages); codes are node-mssql's.
 */
import { OperationError, RuntimeFailure } from '../../errors.ts';
import type { Redactor } from './redact.ts';

const BY_NUMBER: Record<number, string> = {
  1205: 'deadlock',
  1222: 'lock-timeout',
  8645: 'memory-grant-timeout',
  // "The query processor could not produce a query plan for a query with a spatial index hint".
  8635: 'spatial-hint-unusable',
  // Message failed XML validation on the target service / was received and failed validation.
  9615: 'broker-validation',
  9616: 'broker-validation',
  // "This message could not be delivered because it failed XML validation ... while the message was
  // being delivered to the target service" (database-engine-events-and-errors-9000-9999.md).
  9704: 'broker-validation',
  // RECEIVE on a queue that is disabled (poison-message handling turned it off).
  9617: 'broker-queue-disabled',
  // Permission denied (object / VIEW SERVER STATE / SHOWPLAN / server state).
  229: 'permission',
  262: 'permission',
  297: 'permission',
  300: 'permission',
  208: 'missing-object',
  207: 'missing-column',
  2601: 'duplicate-key',
  2627: 'duplicate-key',
  547: 'constraint',
};

const BY_CODE: Record<string, string> = {
  ETIMEOUT: 'timeout',
  ESOCKET: 'connection',
  ECONNCLOSED: 'connection',
  ENOCONN: 'connection',
  ELOGIN: 'login',
  ECANCEL: 'cancelled',
  EABORT: 'aborted',
};

interface MssqlLike {
  number?: unknown;
  code?: unknown;
  originalError?: { info?: { number?: unknown } };
}

/** The SQL Server error number of an mssql error (RequestError.number or its original info). */
export function sqlErrorNumber(e: unknown): number | undefined {
  const err = e as MssqlLike | undefined;
  const n = err?.number ?? err?.originalError?.info?.number;
  return typeof n === 'number' ? n : undefined;
}

export function mssqlErrorClass(e: unknown): string {
  if (e instanceof OperationError) return e.errorClass;
  const n = sqlErrorNumber(e);
  if (n !== undefined) return BY_NUMBER[n] ?? `mssql-${n}`;
  const code = (e as MssqlLike | undefined)?.code;
  if (typeof code === 'string') return BY_CODE[code] ?? code;
  return e instanceof Error ? e.name : 'Error';
}

/** Wrap any error of an operation as an OperationError with its class and a redacted message. */
export function operationError(e: unknown, redactor: Redactor, context?: string): OperationError {
  if (e instanceof OperationError) return e;
  const msg = redactor.message(e);
  return new OperationError(mssqlErrorClass(e), context ? `${context}: ${msg}` : msg);
}

/** Wrap an error of setup (connect, prepare, seed) as a RuntimeFailure (exit 3), redacted. */
export function runtimeFailure(e: unknown, redactor: Redactor, context: string): RuntimeFailure {
  return new RuntimeFailure(`${context}: ${redactor.message(e)}`);
}

export function isPermissionError(e: unknown): boolean {
  return mssqlErrorClass(e) === 'permission';
}

/**
 * A server-state permission error: 297 ("The user does not have permission to perform this action")
 * and 300 ("VIEW SERVER STATE permission was denied on object 'server'"), which the DMVs raise without
 * VIEW SERVER STATE (2022: VIEW SERVER PERFORMANCE STATE). 229 (object permission) and 262 (SHOWPLAN)
 * are other permissions, reported with their own message.
 */
export function isServerStatePermissionError(e: unknown): boolean {
  const n = sqlErrorNumber(e);
  return n === 297 || n === 300;
}
