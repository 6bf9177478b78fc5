/**
 * `promise`, or a rejection "<what> did not answer within <ms> ms" once `ms`
 * have passed, whichever comes first. The timer is cleared either way, and a
 * failure of `promise` after the deadline (nobody waits for it any more) is
 * not an unhandled rejection.
 */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  promise.catch(() => undefined);
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
