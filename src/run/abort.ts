/**
 * `work`, or an AbortError as soon as `signal` aborts: a step that cannot be cancelled where it runs
 * (a connect attempt, a SQLite index build on its worker) still ends the command at Ctrl-C; the work
 * itself is left to finish or to die with the process.
 */
export function untilAborted<T>(
  signal: AbortSignal | undefined,
  work: Promise<T>,
  during: string,
): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () =>
      reject(Object.assign(new DOMException(`interrupted ${during}`, 'AbortError'), { during }));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The step an AbortError of untilAborted interrupted (its `during`), or undefined for any other error. */
export function interruptedStep(e: unknown): string | undefined {
  const during = (e as { during?: unknown } | null)?.during;
  return typeof during === 'string' ? during : undefined;
}
