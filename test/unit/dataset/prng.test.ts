import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mean, sampleCorrelation, sampleStandardDeviation } from 'simple-statistics';
import {
  createRandom,
  drawNormal,
  drawNormalPair,
  drawU32,
  drawUniform,
  drawUniform53,
  mix32,
  rowState,
  seedFromString,
  streamKey,
  STREAMS,
} from '../../../src/dataset/prng.ts';
import { CHI2_CRITICAL_001, chiSquareUniform } from './stats.ts';

const KEY = streamKey(42, STREAMS.points);
const N = 100_000;

describe('prng: known answers (integer math, identical on every platform)', () => {
  it('pins keys, row states and draws', () => {
    expect(KEY).toBe(3873734535);
    expect(streamKey(0, 1)).toBe(2566147652);
    expect(streamKey(2 ** 40 + 3, 9)).toBe(2201642485);
    expect(rowState(KEY, 0)).toBe(3399504620);
    expect(rowState(KEY, 123456)).toBe(1619799524);
    expect(rowState(KEY, 2 ** 33 + 1)).toBe(1517723637);
    const s = rowState(KEY, 7);
    expect([drawU32(s, 0), drawU32(s, 1), drawU32(s, 2)]).toEqual([2953731592, 692935061, 3632845946]);
    expect(drawUniform(s, 0)).toBe(0.6877192278625444);
    expect(drawUniform53(s, 3)).toBe(0.932836274532595);
    expect(drawNormal(s, 5)).toBeCloseTo(0.8231235786544502, 14);
    expect([mix32(1), mix32(0xffffffff), seedFromString('run-1')]).toEqual([
      2261973619, 2578835075, 632616599,
    ]);
  });
});

describe('prng: structure', () => {
  it('gives every row of a key a distinct state (mix32 is a bijection)', () => {
    const seen = new Set<number>();
    for (let i = 0; i < N; i++) seen.add(rowState(KEY, i));
    expect(seen.size).toBe(N);
  });

  it('property: distinct rows never share a state or a slot value', () => {
    fc.assert(
      fc.property(
        fc.nat(),
        fc.nat(),
        fc.nat({ max: 2 ** 32 - 1 }),
        fc.nat({ max: 64 }),
        (a, b, key, slot) => {
          fc.pre(a !== b);
          const sa = rowState(key, a);
          const sb = rowState(key, b);
          return sa !== sb && drawU32(sa, slot) !== drawU32(sb, slot);
        },
      ),
    );
  });

  it('property: uniforms stay in range for any key, row and slot', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 2 ** 32 - 1 }),
        fc.maxSafeNat(),
        fc.nat({ max: 1000 }),
        (key, index, slot) => {
          const s = rowState(key, index);
          const u = drawUniform(s, slot);
          const v = drawUniform53(s, slot);
          return u > 0 && u < 1 && v >= 0 && v < 1 && Number.isFinite(drawNormal(s, slot));
        },
      ),
    );
  });

  it('separates seeds and streams', () => {
    const keys = new Set<number>();
    for (let seed = 0; seed < 100; seed++)
      for (const stream of Object.values(STREAMS)) keys.add(streamKey(seed, stream));
    expect(keys.size).toBe(100 * Object.keys(STREAMS).length);
  });

  it('rejects seeds and indexes that are not non-negative safe integers', () => {
    expect(() => streamKey(-1, 1)).toThrow(RangeError);
    expect(() => streamKey(1.5, 1)).toThrow(RangeError);
    expect(() => rowState(KEY, -3)).toThrow(RangeError);
    expect(() => rowState(KEY, 0.5)).toThrow(RangeError);
  });

  it('createRandom can start anywhere in its sequence', () => {
    const full = createRandom(7);
    const draws = Array.from({ length: 10 }, () => full());
    const resumed = createRandom(7, STREAMS.params, 6);
    expect(resumed()).toBe(draws[6]);
    expect(createRandom(8)()).not.toBe(draws[0]);
  });
});

describe('prng: statistics', () => {
  const uniforms = Array.from({ length: N }, (_, i) => drawUniform(rowState(KEY, i), 0));

  it('uniform: mean 1/2, flat histogram', () => {
    expect(mean(uniforms)).toBeCloseTo(0.5, 2);
    expect(chiSquareUniform(uniforms, 0, 1, 64)).toBeLessThan(CHI2_CRITICAL_001[63]!);
    const wide = Array.from({ length: N }, (_, i) => drawUniform53(rowState(KEY, i), 3));
    expect(chiSquareUniform(wide, 0, 1, 64)).toBeLessThan(CHI2_CRITICAL_001[63]!);
  });

  it('no correlation between neighbouring rows or between slots of a row', () => {
    const nextRow = uniforms.slice(1);
    expect(Math.abs(sampleCorrelation(uniforms.slice(0, -1), nextRow))).toBeLessThan(0.015);
    const slot1 = Array.from({ length: N }, (_, i) => drawUniform(rowState(KEY, i), 1));
    expect(Math.abs(sampleCorrelation(uniforms, slot1))).toBeLessThan(0.015);
    const otherKey = Array.from({ length: N }, (_, i) =>
      drawUniform(rowState(streamKey(43, STREAMS.points), i), 0),
    );
    expect(Math.abs(sampleCorrelation(uniforms, otherKey))).toBeLessThan(0.015);
  });

  it('normals: mean 0, sd 1, 95 % within 1.96, the two Box-Muller branches uncorrelated', () => {
    const pair = new Float64Array(2);
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < N; i++) {
      drawNormalPair(rowState(KEY, i), 0, pair, 0);
      a.push(pair[0]!);
      b.push(pair[1]!);
    }
    for (const z of [a, b]) {
      expect(mean(z)).toBeCloseTo(0, 1.5);
      expect(sampleStandardDeviation(z)).toBeCloseTo(1, 1.5);
      const inside = z.filter((v) => Math.abs(v) < 1.959964).length / z.length;
      expect(inside).toBeGreaterThan(0.945);
      expect(inside).toBeLessThan(0.955);
    }
    expect(Math.abs(sampleCorrelation(a, b))).toBeLessThan(0.015);
    expect(a[123]).toBe(drawNormal(rowState(KEY, 123), 0));
  });
});
