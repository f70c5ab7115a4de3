import { RuntimeFailure, UserError } from '../../errors.ts';
import type { MssqlTarget } from './connection-url.ts';

/** Run setup work, turning server errors into RuntimeFailures (exit 3) with a redacted message. */
export async function setupStep<T>(target: MssqlTarget, what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof UserError || e instanceof RuntimeFailure) throw e;
    throw new RuntimeFailure(`${what} on ${target.display}: ${target.redactor.message(e)}`);
  }
}
