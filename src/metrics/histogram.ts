import {
  build,
  decodeFromCompressedBase64,
  encodeIntoCompressedBase64,
  type Histogram,
} from 'hdr-histogram-js';
import type { LatencySummary } from '../model/result.ts';

/**
 * Every use of hdr-histogram-js lives in this file, so the rest of atombench depends on five functions,
 * not on the library's API (which throws on out-of-range values and differs between its JS and WASM
 * builds).
 *
 * Latency is recorded in integer microseconds from 1 µs to 1 hour with 3 significant digits: every
 * recorded value is kept within 0.1 % of itself, which is far below the noise of a database round trip.
 * Counts are 64-bit float buckets (exact up to 2^53 samples) in the plain JS build: WebAssembly would
 * need an async init and cannot be merged with JS histograms.
 */

export type HdrHistogram = Histogram;

export const LATENCY_MIN_US = 1;
/** One hour: a query slower than that has long since timed out; longer values are clamped here. */
export const LATENCY_MAX_US = 3_600_000_000;
export const SIGNIFICANT_DIGITS = 3;
/** Bucket size used for every histogram we build and decode, so merges take the fast, exact path. */
const BUCKET_SIZE = 64;

const US_PER_MS = 1000;

export function createLatencyHistogram(): HdrHistogram {
  return build({
    bitBucketSize: BUCKET_SIZE,
    useWebAssembly: false,
    // A fixed range: autoResize would let one absurd value reallocate the counts array mid-run.
    autoResize: false,
    lowestDiscernibleValue: LATENCY_MIN_US,
    highestTrackableValue: LATENCY_MAX_US,
    numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
  });
}

/**
 * Record one latency. The hot path never throws: NaN is ignored (it means a broken clock, not a latency),
 * fractions are rounded, and values are clamped into 1 µs .. 1 h so a sub-microsecond cache hit still
 * counts as a sample and a stalled request still shows as the worst one.
 */
export function recordMicros(h: HdrHistogram, us: number): void {
  if (Number.isNaN(us)) return;
  let v = Math.round(us);
  if (!(v >= LATENCY_MIN_US)) v = LATENCY_MIN_US;
  else if (v > LATENCY_MAX_US) v = LATENCY_MAX_US;
  h.recordValue(v);
}

/** Convenience for callers holding a `process.hrtime.bigint()` difference. */
export function recordNanos(h: HdrHistogram, ns: bigint): void {
  recordMicros(h, Number(ns) / 1000);
}

/**
 * Add every count of `source` into `target`. Lossless when both come from this module (same bucket layout):
 * the library then adds the count arrays index by index.
 */
export function mergeInto(target: HdrHistogram, source: HdrHistogram): void {
  if (source.totalCount === 0) return;
  target.add(source);
}

/** A new histogram holding all of the given ones (none of them is modified). */
export function mergeAll(sources: Iterable<HdrHistogram>): HdrHistogram {
  const out = createLatencyHistogram();
  for (const s of sources) mergeInto(out, s);
  return out;
}

/**
 * Percentiles in milliseconds. An empty histogram gives count 0 and zeros; the caller must treat count 0
 * as "not measured", never as a fast result.
 *
 * min and max are HDR's lowest/highest equivalent values (like the percentiles), not the raw extremes,
 * so a summary computed from a live histogram equals one computed after an encode/decode round trip.
 */
export function summarize(h: HdrHistogram): LatencySummary {
  const count = h.totalCount;
  if (count === 0) return { count: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0, mean: 0, min: 0 };
  const ms = (p: number): number => h.getValueAtPercentile(p) / US_PER_MS;
  return {
    count,
    p50: ms(50),
    p90: ms(90),
    p95: ms(95),
    p99: ms(99),
    p999: ms(99.9),
    max: ms(100),
    mean: h.mean / US_PER_MS,
    min: ms(0),
  };
}

/** Samples recorded. */
export function countOf(h: HdrHistogram): number {
  return h.totalCount;
}

/** One percentile (0..100) in milliseconds; 0 for an empty histogram (check countOf first). */
export function percentileMs(h: HdrHistogram, percentile: number): number {
  return h.totalCount === 0 ? 0 : h.getValueAtPercentile(percentile) / US_PER_MS;
}

/** Clear all counts, keeping the allocation (interval histograms are reused at every tick). */
export function resetHistogram(h: HdrHistogram): void {
  h.reset();
}

/** Compressed base64 (HdrHistogram V2 format), readable by the Java/Go/Rust HdrHistogram tools too. */
export function encodeHistogram(h: HdrHistogram): string {
  return encodeIntoCompressedBase64(h);
}

/**
 * Decode a histogram written by encodeHistogram. Throws an Error (with the cause) on a corrupt string:
 * this runs on input files, not in the hot path, and the caller decides whether that is n/a or fatal.
 */
export function decodeHistogram(encoded: string): HdrHistogram {
  try {
    // The minimum highest-trackable value keeps the decoded layout equal to a fresh one, so merges stay exact.
    const h = decodeFromCompressedBase64(encoded, BUCKET_SIZE, false, LATENCY_MAX_US);
    h.autoResize = false;
    return h;
  } catch (err) {
    throw new Error(`cannot decode histogram: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** An encoded empty histogram, for operations that never ran. */
export function emptyEncodedHistogram(): string {
  return encodeHistogram(createLatencyHistogram());
}

// ---------------------------------------------------------------------------------------------------------
// Integer gauges (queue depth samples, in-flight counts): same library, a range that includes 0.

/** Gauges above ten million are clamped; no queue atombench watches gets near that. */
export const GAUGE_MAX = 10_000_000;

export interface GaugeSummary {
  count: number;
  min: number;
  max: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
}

export function createGaugeHistogram(): HdrHistogram {
  return build({
    bitBucketSize: BUCKET_SIZE,
    useWebAssembly: false,
    autoResize: false,
    lowestDiscernibleValue: 1,
    highestTrackableValue: GAUGE_MAX,
    numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
  });
}

/** Record one gauge sample; like recordMicros it never throws (NaN ignored, clamped to 0..GAUGE_MAX). */
export function recordGauge(h: HdrHistogram, value: number): void {
  if (Number.isNaN(value)) return;
  let v = Math.round(value);
  if (!(v >= 0)) v = 0;
  else if (v > GAUGE_MAX) v = GAUGE_MAX;
  h.recordValue(v);
}

/** Gauge values are exact below 2048 (3 significant digits), which covers every queue depth of interest. */
export function summarizeGauge(h: HdrHistogram): GaugeSummary {
  const count = h.totalCount;
  if (count === 0) return { count: 0, min: 0, max: 0, mean: 0, p50: 0, p95: 0, p99: 0 };
  return {
    count,
    min: h.getValueAtPercentile(0),
    max: h.getValueAtPercentile(100),
    mean: h.mean,
    p50: h.getValueAtPercentile(50),
    p95: h.getValueAtPercentile(95),
    p99: h.getValueAtPercentile(99),
  };
}
