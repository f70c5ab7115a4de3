import { describe, expect, it } from 'vitest';
import {
  decodePoint,
  encodePoint,
  encodePointZ,
  POINT_2D_BYTES,
  POINT_Z_BYTES,
} from '../../../../../src/engines/mssql/seed/geometry-encoding.ts';

/** Little-endian IEEE 754 double as hex, independent of the encoder. */
function f64(v: number): string {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(v);
  return b.toString('hex');
}

describe('MS-SSCLRT point serialization', () => {
  it('POINT (1 2), SRID 0: the 22-byte layout of the facts file', () => {
    const hex = encodePoint(1, 2).toString('hex').toUpperCase();
    // Published vector (NetTopologySuite.IO.SqlServerBytes tests): POINT (1 2).
    expect(hex).toBe('00000000010C000000000000F03F0000000000000040');
    expect(hex.length / 2).toBe(POINT_2D_BYTES);
  });

  it('POINT Z (1 2 3): props 0x0D and the Z value after the point (30 bytes)', () => {
    const b = encodePointZ(1, 2, 3);
    expect(b.toString('hex').toUpperCase()).toBe(
      '00000000010D000000000000F03F00000000000000400000000000000840',
    );
    expect(b.length).toBe(POINT_Z_BYTES);
  });

  it('byte by byte: SRID int32 LE, version, props, x, y, z', () => {
    const b = encodePointZ(-0.0123, 0.0456, 7.5, 4326);
    expect(b.readInt32LE(0)).toBe(4326);
    expect([...b.subarray(0, 4)]).toEqual([0xe6, 0x10, 0x00, 0x00]);
    expect(b[4]).toBe(0x01); // version 1
    expect(b[5]).toBe(0x04 | 0x08 | 0x01); // IsValid | IsSinglePoint | HasZValues
    expect(b.subarray(6, 14).toString('hex')).toBe(f64(-0.0123));
    expect(b.subarray(14, 22).toString('hex')).toBe(f64(0.0456));
    expect(b.subarray(22, 30).toString('hex')).toBe(f64(7.5));
  });

  it('2-D point has no Z flag and stops after y', () => {
    const b = encodePoint(0.5, -0.25);
    expect(b[5]).toBe(0x0c);
    expect(b.subarray(6, 14).toString('hex')).toBe(f64(0.5));
    expect(b.subarray(14, 22).toString('hex')).toBe(f64(-0.25));
  });

  it('negative zero, tiny and large coordinates keep their exact bits', () => {
    for (const v of [-0, 1e-300, 5e-324, 1e300, -123456789.12345679, 0.1 + 0.2]) {
      const d = decodePoint(encodePointZ(v, -v, v / 3));
      expect(Object.is(d.x, v)).toBe(true);
      expect(Object.is(d.y, -v)).toBe(true);
      expect(d.z).toBe(v / 3);
    }
  });

  it('round-trips through the decoder', () => {
    expect(decodePoint(encodePoint(3, 4, 0))).toEqual({ srid: 0, x: 3, y: 4 });
    expect(decodePoint(encodePointZ(3, 4, 5, 0))).toEqual({ srid: 0, x: 3, y: 4, z: 5 });
  });

  it('decodes a POINT ZM vector (Z then M after the point)', () => {
    const hex = '00000000010F000000000000F03F000000000000004000000000000008400000000000001040';
    expect(decodePoint(Buffer.from(hex, 'hex'))).toEqual({ srid: 0, x: 1, y: 2, z: 3, m: 4 });
  });

  it('rejects what it cannot represent', () => {
    expect(() => encodePoint(Number.NaN, 0)).toThrow(/finite/);
    expect(() => encodePointZ(0, 0, Number.POSITIVE_INFINITY)).toThrow(/finite/);
    expect(() => encodePoint(0, 0, 2 ** 31)).toThrow(/SRID/);
    expect(() => decodePoint(Buffer.alloc(10))).toThrow(/too short/);
    const line = Buffer.from(
      '000000000114000000000000000000000000000000000000000000000000000000000000F03F',
      'hex',
    );
    expect(() => decodePoint(line)).toThrow(/not a single point/);
    const bad = encodePoint(1, 2);
    bad[4] = 3;
    expect(() => decodePoint(bad)).toThrow(/version/);
  });
});
