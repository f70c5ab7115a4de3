import { z } from 'zod';

/** The field types the scenario's sections share: units in the names, upper bounds against typos. */

export const positive = z.number().positive();
export const nonNegative = z.number().nonnegative();

/**
 * Upper bounds, so a typo cannot ask for 1e308 seconds (the load's schedule is built up front):
 * durations up to 7 days, rates up to 1,000,000 arrivals per second.
 */
export const MAX_DURATION_SEC = 7 * 24 * 3600;
export const MAX_RATE_PER_SEC = 1_000_000;
export const durationSec = positive.max(MAX_DURATION_SEC, `at most ${MAX_DURATION_SEC} s (7 days)`);
export const warmup = nonNegative.max(MAX_DURATION_SEC, `at most ${MAX_DURATION_SEC} s (7 days)`);
export const ratePerSec = positive.max(MAX_RATE_PER_SEC, `at most ${MAX_RATE_PER_SEC} per second`);

/** Text that ends up in paths, file names and terminals: no NUL or other control characters. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
export const plainText = z
  .string()
  .refine((s) => !CONTROL.test(s), { message: 'must not contain NUL or other control characters' });
export const ratio = z.number().min(0).max(1);
