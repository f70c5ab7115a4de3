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
    const onAbort = () => reject(new DOMException(`interrupted ${during}`, 'AbortError'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
