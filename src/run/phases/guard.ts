import { Interrupted, RuntimeFailure, UserError } from '../../errors.ts';
import { scrubSecrets } from '../../redact.ts';
import { interruptedStep } from '../abort.ts';

/** Server errors during a run become RuntimeFailure (exit 3) with secrets scrubbed. */
export async function guard<T>(url: string | undefined, what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof UserError || e instanceof RuntimeFailure) throw e;
    if ((e as Error).name === 'AbortError') throw e;
    throw new RuntimeFailure(`${what}: ${scrubSecrets((e as Error).message ?? String(e), url)}`);
  }
}

/** Whatever fails once the signal is aborted is the interrupt (an aborted step), said as such. */
export async function interruptible<T>(
  signal: AbortSignal,
  during: string | ((inner: string | undefined) => string),
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (!signal.aborted) throw e;
    // The step that was interrupted says where it was (run/abort.ts).
    throw new Interrupted(typeof during === 'string' ? during : during(interruptedStep(e)));
  }
}
