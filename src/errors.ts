/** A user error (bad scenario, flag, URL, or a refused action): exit 2, one line, no stack trace. */
export class UserError extends Error {
  override name = 'UserError';
}

/** A runtime failure (cannot connect, server error): exit 3. */
export class RuntimeFailure extends Error {
  override name = 'RuntimeFailure';
}

/**
 * The user stopped the command (SIGINT / SIGTERM) before there was anything to report: exit 130 / 143
 * with this one line, never "unexpected failure".
 */
export class Interrupted extends Error {
  override name = 'Interrupted';
}

/** An operation the server refused or failed (counted by class in the results, not a crash). */
export class OperationError extends Error {
  override name = 'OperationError';
  constructor(
    readonly errorClass: string,
    message: string,
  ) {
    super(message);
  }
}

/** The class an operation error is counted under: a driver code, a server error number, or the name. */
export function errorClassOf(e: unknown): string {
  if (e instanceof OperationError) return e.errorClass;
  const err = e as { code?: unknown; number?: unknown; name?: unknown };
  // mssql errors all carry code EREQUEST; the server's error number is what tells them apart.
  if (typeof err?.number === 'number') return `mssql-${err.number}`;
  if (typeof err?.code === 'string' && err.code) return err.code;
  if (typeof err?.name === 'string' && err.name) return err.name;
  return 'Error';
}
