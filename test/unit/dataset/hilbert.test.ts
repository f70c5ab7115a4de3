import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HILBERT_BITS, hilbertDecode3, hilbertEncode3 } from '../../../src/dataset/hilbert.ts';

const manhattan = (a: readonly number[], b: readonly number[]): number =>
  Math.abs(a[0]! - b[0]!) + Math.abs(a[1]! - b[1]!) + Math.abs(a[2]! - b[2]!);

describe('3-D Hilbert curve', () => {
  for (const bits of [1, 2, 3, 4]) {
    it(`is a bijection of the ${2 ** bits}^3 grid whose consecutive indices are adjacent cells`, () => {
      const side = 2 ** bits;
      const seen = new Set<number>();
      for (let x = 0; x < side; x++)
        for (let y = 0; y < side; y++)
          for (let z = 0; z < side; z++) {
            const h = hilbertEncode3(x, y, z, bits);
            expect(h).toBeGreaterThanOrEqual(0);
            expect(h).toBeLessThan(side ** 3);
            expect(hilbertDecode3(h, bits)).toEqual([x, y, z]);
            seen.add(h);
          }
      expect(seen.size).toBe(side ** 3);
      for (let h = 0; h + 1 < side ** 3; h++) {
        expect(manhattan(hilbertDecode3(h, bits), hilbertDecode3(h + 1, bits))).toBe(1);
      }
      expect(hilbertDecode3(0, bits)).toEqual([0, 0, 0]);
    });
  }

  it(`round-trips and stays adjacent at the full ${HILBERT_BITS}-bit order (51-bit indices, exact doubles)`, () => {
    const coord = fc.nat({ max: 2 ** HILBERT_BITS - 1 });
    fc.assert(
      fc.property(coord, coord, coord, (x, y, z) => {
        const h = hilbertEncode3(x, y, z);
        return (
          Number.isSafeInteger(h) &&
          h < 2 ** (3 * HILBERT_BITS) &&
          manhattan(hilbertDecode3(h), [x, y, z]) === 0
        );
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** (3 * HILBERT_BITS) - 2 }), (h) => {
        return manhattan(hilbertDecode3(h), hilbertDecode3(h + 1)) === 1;
      }),
    );
  });

  it('keeps nearby cells close on the curve more often than not (locality)', () => {
    // Along a straight line of cells, the index jumps are mostly small compared with the curve length.
    const jumps: number[] = [];
    for (let x = 1000; x < 1100; x++)
      jumps.push(Math.abs(hilbertEncode3(x + 1, 5000, 7000) - hilbertEncode3(x, 5000, 7000)));
    jumps.sort((a, b) => a - b);
    expect(jumps[50]!).toBeLessThan(2 ** 12);
  });

  it('rejects bad orders and indexes', () => {
    expect(() => hilbertEncode3(0, 0, 0, 0)).toThrow(RangeError);
    expect(() => hilbertEncode3(0, 0, 0, 18)).toThrow(RangeError);
    expect(() => hilbertDecode3(512, 3)).toThrow(RangeError);
    expect(() => hilbertDecode3(-1, 3)).toThrow(RangeError);
  });
});
