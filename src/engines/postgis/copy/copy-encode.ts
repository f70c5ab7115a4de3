import type { AtomRecord, RowBatch } from '../../../dataset/types.ts';
import { encodeAtomsBinary, encodeEmbeddingsBinary, encodeRowBatchBinary } from './copy-binary.ts';

/**
 * Rows of a seed batch in COPY's text format (tab-separated, `\N` for NULL, backslash escapes), for
 * the columns of seedSql().copyAtoms / copyEmbeddings in that order. The engine seeds in COPY's binary
 * format (copy-binary.ts, cheaper on both ends); these text encodings stay selectable for comparison.
 *
 * `text-ewkb` sends the geometry as hex EWKB (`geometry_in` accepts it): 58 hex characters per point,
 * exact (the float64 bits, no decimal round trip). `text-ewkt` sends `SRID=0;POINT Z (x y z)`: a
 * number-to-string per coordinate here and a WKT parse on the server.
 */
export type TextGeometry = 'ewkb' | 'ewkt';

/** Little-endian EWKB header of a POINT Z without SRID (SRID 0): byte order 1, type 0x80000001. */
const POINT_Z_HEADER = '0101000080';

const scratch = Buffer.alloc(24);

export function pointZHex(x: number, y: number, z: number): string {
  scratch.writeDoubleLE(x, 0);
  scratch.writeDoubleLE(y, 8);
  scratch.writeDoubleLE(z, 16);
  return POINT_Z_HEADER + scratch.toString('hex');
}

export function pointZText(x: number, y: number, z: number): string {
  return `SRID=0;POINT Z (${x} ${y} ${z})`;
}

const NEEDS_ESCAPE = /[\\\t\n\r]/;

/** A text value for COPY's text format: backslash, tab, newline and carriage return escaped. */
export function copyText(s: string | null | undefined): string {
  if (s === null || s === undefined) return '\\N';
  if (!NEEDS_ESCAPE.test(s)) return s;
  return s.replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  );
}

/** bytea in COPY text: `\x<hex>` with its backslash escaped. */
function copyBytea(b: Buffer): string {
  return `\\\\x${b.toString('hex')}`;
}

export function encodeAtoms(records: readonly AtomRecord[]): string {
  const out = new Array<string>(records.length);
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    out[i] =
      `${r.atomId}\t${r.tenantId}\t${copyText(r.modality)}\t${copyText(r.subtype)}\t${copyBytea(r.contentHash)}\t` +
      `${copyText(r.contentType)}\t${copyText(r.sourceType)}\t${copyText(r.sourceUri)}\t${copyText(r.canonicalText)}\t` +
      `${copyText(r.metadata)}\t${r.referenceCount}\n`;
  }
  return out.join('');
}

export function encodeEmbeddings(records: readonly AtomRecord[], geometry: TextGeometry = 'ewkb'): string {
  const point = geometry === 'ewkb' ? pointZHex : pointZText;
  const out = new Array<string>(records.length);
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const p = r.point;
    // The embedding's id is the atom's: one embedding per seeded atom, and a resumed seed stays dense.
    out[i] =
      `${r.atomId}\t${r.atomId}\t${r.tenantId}\t${r.modelId}\t${copyText(r.embeddingType)}\t${r.dimension}\t` +
      `${point(p.x, p.y, p.z)}\t${r.bucketX}\t${r.bucketY}\t${r.bucketZ}\t${r.hilbertValue}\n`;
  }
  return out.join('');
}

/** How seed batches travel in COPY: binary (default), or text with the geometry as hex EWKB or EWKT. */
export type CopyFormat = 'binary' | 'text-ewkb' | 'text-ewkt';
export const COPY_FORMATS: readonly CopyFormat[] = ['binary', 'text-ewkb', 'text-ewkt'];

export interface BatchEncoding {
  atoms(records: readonly AtomRecord[]): Buffer | string;
  embeddings(records: readonly AtomRecord[]): Buffer | string;
  /** Both of a lazy batch, its rows visited once (the same data as atoms() and embeddings()). */
  rowBatch(batch: RowBatch): { atoms: Buffer | string; embeddings: Buffer | string };
  /** Appended to `COPY ... FROM STDIN`. */
  copyOptions: string;
}

/** The text formats are for comparison: their lazy batches are collected into records first. */
function textEncoding(geometry: TextGeometry): BatchEncoding {
  const embeddings = (r: readonly AtomRecord[]) => encodeEmbeddings(r, geometry);
  return {
    atoms: encodeAtoms,
    embeddings,
    rowBatch(batch) {
      const records: AtomRecord[] = [];
      batch.each((r) => records.push(r));
      return { atoms: encodeAtoms(records), embeddings: embeddings(records) };
    },
    copyOptions: '',
  };
}

export function batchEncoding(format: CopyFormat): BatchEncoding {
  switch (format) {
    case 'binary':
      return {
        atoms: encodeAtomsBinary,
        embeddings: encodeEmbeddingsBinary,
        rowBatch: encodeRowBatchBinary,
        copyOptions: ' WITH (FORMAT binary)',
      };
    case 'text-ewkb':
      return textEncoding('ewkb');
    case 'text-ewkt':
      return textEncoding('ewkt');
  }
}
