/**
 * SQL Server's native geometry serialization for a single point, written from [MS-SSCLRT] section 2.1
 * ("Microsoft SQL Server CLR Types Serialization Formats", 2.1.1 GEOGRAPHY and GEOMETRY Structure).
 * tedious cannot send a geometry UDT (tedious src/data-types/udt.ts), so seeding bulk-loads these bytes into
 * the geometry column as varbinary(max) (MS-TDS 2.2.6.1 sends UDTs as binary), and ingest converts them
 * with CONVERT(geometry, varbinary).
 *
 * Layout (all little-endian), in order:
 *   SRID                int32     4 bytes   (0 here: planar, as Hartonomous)
 *   Version             uint8     1 byte    (1: the SQL Server 2008 format; version 2 adds segments
 *                                           and the H flag, needed only for curves / full globe)
 *   SerializationProps  uint8     1 byte    bit flags:
 *       0x01 Z  HasZValues            0x02 M  HasMValues
 *       0x04 V  IsValid               0x08 P  IsSinglePoint
 *       0x10 L  IsSingleLineSegment   0x20 H  IsLargerThanAHemisphere (version 2, geography)
 *   With P set, NumPoints / Figures / Shapes are omitted and exactly one point follows:
 *   Points              2 x float64  16 bytes  x then y
 *   ZValues             float64      8 bytes   only with Z: one Z per point, AFTER all points
 *   MValues             float64      8 bytes   only with M, after the Z values
 * So POINT (x y) is 22 bytes (props 0x0C = V|P) and POINT Z (x y z) is 30 bytes (props 0x0D = V|P|Z).
 *
 * The 2-D layout is the one in MS-SSCLRT 2.1. The Z layout (Z values after the point block, one
 * per point) is MS-SSCLRT 2.1.1; the full spec text was not reachable from this machine, so the bytes are
 * also checked against independently published vectors (NetTopologySuite.IO.SqlServerBytes tests:
 * POINT Z(1 2 3) = 00000000 01 0D 000000000000F03F 0000000000000040 0000000000000840). The
 * integration suite reads seeded rows back with .STX/.STY/.Z to confirm against a real server.
 */

export const SERIALIZATION_VERSION = 1;
export const PROP_HAS_Z = 0x01;
export const PROP_HAS_M = 0x02;
export const PROP_IS_VALID = 0x04;
export const PROP_SINGLE_POINT = 0x08;
export const PROP_SINGLE_LINE_SEGMENT = 0x10;

export const POINT_2D_BYTES = 22;
export const POINT_Z_BYTES = 30;

function checkCoordinate(name: string, v: number): void {
  if (!Number.isFinite(v))
    throw new RangeError(`geometry encoding: ${name} must be a finite number, got ${v}`);
}

function header(buf: Buffer, srid: number, props: number): void {
  if (!Number.isInteger(srid) || srid < -(2 ** 31) || srid >= 2 ** 31)
    throw new RangeError(`geometry encoding: bad SRID ${srid}`);
  buf.writeInt32LE(srid, 0);
  buf.writeUInt8(SERIALIZATION_VERSION, 4);
  buf.writeUInt8(props, 5);
}

/** POINT (x y): 22 bytes. */
export function encodePoint(x: number, y: number, srid = 0): Buffer {
  checkCoordinate('x', x);
  checkCoordinate('y', y);
  const buf = Buffer.allocUnsafe(POINT_2D_BYTES);
  header(buf, srid, PROP_IS_VALID | PROP_SINGLE_POINT);
  buf.writeDoubleLE(x, 6);
  buf.writeDoubleLE(y, 14);
  return buf;
}

/** POINT Z (x y z): 30 bytes; the Z value follows the point. */
export function encodePointZ(x: number, y: number, z: number, srid = 0): Buffer {
  checkCoordinate('x', x);
  checkCoordinate('y', y);
  checkCoordinate('z', z);
  const buf = Buffer.allocUnsafe(POINT_Z_BYTES);
  header(buf, srid, PROP_IS_VALID | PROP_SINGLE_POINT | PROP_HAS_Z);
  buf.writeDoubleLE(x, 6);
  buf.writeDoubleLE(y, 14);
  buf.writeDoubleLE(z, 22);
  return buf;
}

export interface DecodedPoint {
  srid: number;
  x: number;
  y: number;
  z?: number;
  m?: number;
}

/**
 * Read back a single-point serialization (as a geometry column comes back through tedious, as bytes).
 * Anything that is not a single point is rejected: atombench only stores points.
 */
export function decodePoint(buf: Buffer): DecodedPoint {
  if (buf.length < POINT_2D_BYTES)
    throw new RangeError(`geometry decoding: ${buf.length} bytes is too short for a point`);
  const srid = buf.readInt32LE(0);
  const version = buf.readUInt8(4);
  if (version !== 1 && version !== 2)
    throw new RangeError(`geometry decoding: unknown serialization version ${version}`);
  const props = buf.readUInt8(5);
  if (!(props & PROP_SINGLE_POINT))
    throw new RangeError('geometry decoding: not a single point (P flag clear)');
  const hasZ = (props & PROP_HAS_Z) !== 0;
  const hasM = (props & PROP_HAS_M) !== 0;
  const expected = POINT_2D_BYTES + (hasZ ? 8 : 0) + (hasM ? 8 : 0);
  if (buf.length !== expected)
    throw new RangeError(`geometry decoding: expected ${expected} bytes, got ${buf.length}`);
  const out: DecodedPoint = { srid, x: buf.readDoubleLE(6), y: buf.readDoubleLE(14) };
  let offset = 22;
  if (hasZ) {
    out.z = buf.readDoubleLE(offset);
    offset += 8;
  }
  if (hasM) out.m = buf.readDoubleLE(offset);
  return out;
}
