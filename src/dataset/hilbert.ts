/**
 * 3-D Hilbert curve index (John Skilling, "Programming the Hilbert curve", AIP Conf. Proc. 707, 2004):
 * axes -> "transpose" form by Gray-code rotations, then the bits are interleaved (x first) into one
 * integer. Hartonomous stores such an index in HilbertValue for cache locality.
 *
 * Hartonomous uses 21 bits per axis (63 bits); AtomRecord.hilbertValue is a JS number, so the largest
 * exact order here is 17 bits per axis (51 bits < 2^53). The interleave uses multiplication rather
 * than shifts because the result exceeds 32 bits.
 */

/** Bits per axis used for the HilbertValue column (51-bit index, exact in a double). */
export const HILBERT_BITS = 17;

const MAX_BITS = 17;

function checkBits(bits: number): void {
  if (!Number.isInteger(bits) || bits < 1 || bits > MAX_BITS) {
    throw new RangeError(`bits must be an integer in 1..${MAX_BITS}, got ${bits}`);
  }
}

/** Hilbert index of the cell (x, y, z), each an integer in [0, 2^bits). */
export function hilbertEncode3(x: number, y: number, z: number, bits: number = HILBERT_BITS): number {
  checkBits(bits);
  const m = 1 << (bits - 1);
  // Inverse undo of the excess work (Skilling's AxesToTranspose).
  for (let q = m; q > 1; q >>>= 1) {
    const p = q - 1;
    if (x & q) x ^= p; // axis 0 against itself: invert low bits
    if (y & q) x ^= p;
    else {
      const t = (x ^ y) & p;
      x ^= t;
      y ^= t;
    }
    if (z & q) x ^= p;
    else {
      const t = (x ^ z) & p;
      x ^= t;
      z ^= t;
    }
  }
  // Gray encode.
  y ^= x;
  z ^= y;
  let t = 0;
  for (let q = m; q > 1; q >>>= 1) if (z & q) t ^= q - 1;
  x ^= t;
  y ^= t;
  z ^= t;
  // Interleave the transpose: bit b of x, y, z in that order, most significant first.
  let h = 0;
  for (let b = bits - 1; b >= 0; b--) {
    h = h * 8 + (((x >>> b) & 1) << 2) + (((y >>> b) & 1) << 1) + ((z >>> b) & 1);
  }
  return h;
}

/** Inverse of hilbertEncode3: the cell [x, y, z] of Hilbert index `h`. */
export function hilbertDecode3(h: number, bits: number = HILBERT_BITS): [number, number, number] {
  checkBits(bits);
  if (!Number.isSafeInteger(h) || h < 0 || h >= 2 ** (3 * bits)) {
    throw new RangeError(`index ${h} is outside the ${bits}-bit curve`);
  }
  // De-interleave into transpose form, least significant triple first.
  let x = 0;
  let y = 0;
  let z = 0;
  for (let b = 0; b < bits; b++) {
    const triple = h % 8;
    h = (h - triple) / 8;
    x |= ((triple >>> 2) & 1) << b;
    y |= ((triple >>> 1) & 1) << b;
    z |= (triple & 1) << b;
  }
  // Gray decode (Skilling's TransposeToAxes).
  const n = 2 << (bits - 1);
  let t = z >>> 1;
  z ^= y;
  y ^= x;
  x ^= t;
  // Undo the excess work.
  for (let q = 2; q !== n; q <<= 1) {
    const p = q - 1;
    if (z & q) x ^= p;
    else {
      t = (x ^ z) & p;
      x ^= t;
      z ^= t;
    }
    if (y & q) x ^= p;
    else {
      t = (x ^ y) & p;
      x ^= t;
      y ^= t;
    }
    if (x & q) x ^= p;
  }
  return [x, y, z];
}
