import { describe, expect, it } from 'vitest';
import { createRecordFactory } from '../../../../src/dataset/records.ts';
import {
  encodeAtomsBinary,
  encodeEmbeddingsBinary,
  encodeRowBatchBinary,
} from '../../../../src/engines/postgis/copy/copy-binary.ts';
import {
  batchEncoding,
  copyText,
  encodeAtoms,
  encodeEmbeddings,
  pointZHex,
  pointZText,
} from '../../../../src/engines/postgis/copy/copy-encode.ts';
import { datasetSchema } from '../../../../src/dataset/schema.ts';
import type { AtomRecord, RowBatch } from '../../../../src/dataset/types.ts';

const records = Array.from({ length: 3 }, (_, i) =>
  createRecordFactory(datasetSchema.parse({ atoms: 10, seed: 4 }))(i),
);

describe('postgis COPY encodings', () => {
  it('escapes text values for COPY text format', () => {
    expect(copyText('plain')).toBe('plain');
    expect(copyText('a\tb\nc\\d\re')).toBe('a\\tb\\nc\\\\d\\re');
    expect(copyText(null)).toBe('\\N');
  });

  it('writes POINT Z as exact little-endian EWKB hex, or as EWKT', () => {
    const hex = pointZHex(0.1, -2.5, 1e-7);
    expect(hex.slice(0, 10)).toBe('0101000080');
    const b = Buffer.from(hex.slice(10), 'hex');
    expect([b.readDoubleLE(0), b.readDoubleLE(8), b.readDoubleLE(16)]).toEqual([0.1, -2.5, 1e-7]);
    expect(pointZText(0.1, -2.5, 3)).toBe('SRID=0;POINT Z (0.1 -2.5 3)');
  });

  it('writes one text line per record with every column', () => {
    const atoms = encodeAtoms(records).split('\n');
    expect(atoms).toHaveLength(4); // three lines and the final newline
    expect(atoms[0]!.split('\t')).toHaveLength(11);
    expect(atoms[0]!.split('\t')[4]).toBe(`\\\\x${records[0]!.contentHash.toString('hex')}`);
    const emb = encodeEmbeddings(records).split('\n')[1]!.split('\t');
    expect(emb).toHaveLength(11);
    expect(emb[0]).toBe(String(records[1]!.atomId));
    expect(emb[6]).toBe(pointZHex(records[1]!.point.x, records[1]!.point.y, records[1]!.point.z));
  });

  it('frames binary COPY: signature, 11 fields per tuple, exact point bytes, trailer', () => {
    const buf = encodeEmbeddingsBinary(records);
    expect(buf.subarray(0, 11).toString('latin1')).toBe('PGCOPY\n\xff\r\n\0');
    expect(buf.readInt32BE(11)).toBe(0);
    expect(buf.readInt32BE(15)).toBe(0);
    let at = 19;
    for (const r of records) {
      expect(buf.readInt16BE(at)).toBe(11);
      at += 2;
      const fields: Buffer[] = [];
      for (let f = 0; f < 11; f++) {
        const n = buf.readInt32BE(at);
        fields.push(buf.subarray(at + 4, at + 4 + n));
        at += 4 + n;
      }
      expect(fields[0]!.readBigInt64BE(0)).toBe(BigInt(r.atomId));
      expect(fields[4]!.toString('utf8')).toBe(r.embeddingType);
      expect(fields[6]!.toString('hex')).toBe(pointZHex(r.point.x, r.point.y, r.point.z));
      expect(fields[10]!.readBigInt64BE(0)).toBe(BigInt(r.hilbertValue));
    }
    expect(buf.readInt16BE(at)).toBe(-1);
    expect(at + 2).toBe(buf.length);
    const atoms = encodeAtomsBinary(records);
    expect(atoms.readInt16BE(19)).toBe(11);
    expect(batchEncoding('binary').copyOptions).toMatch(/FORMAT binary/);
  });

  it('binary atoms: every text column as its UTF-8 bytes (ASCII, non-ASCII, long, categories), NULL as -1', () => {
    const odd = [
      {
        ...records[0]!,
        modality: 'tëxt',
        subtype: 'token',
        canonicalText: 'naïve — ✓ 𝄞',
        metadata: 'x'.repeat(300),
      },
      {
        ...records[1]!,
        modality: 'tëxt',
        subtype: 'sentence',
        canonicalText: 'plain',
        sourceUri: null as unknown as string,
      },
      { ...records[2]!, modality: 'text', canonicalText: 'é'.repeat(200), metadata: '{}' },
    ];
    const buf = encodeAtomsBinary(odd);
    let at = 19;
    for (const r of odd) {
      expect(buf.readInt16BE(at)).toBe(11);
      at += 2;
      const fields: (Buffer | null)[] = [];
      for (let f = 0; f < 11; f++) {
        const n = buf.readInt32BE(at);
        fields.push(n < 0 ? null : buf.subarray(at + 4, at + 4 + n));
        at += 4 + Math.max(n, 0);
      }
      const text = (b: Buffer | null) => (b === null ? null : b.toString('utf8'));
      expect(fields.slice(2, 4).map(text)).toEqual([r.modality, r.subtype]);
      expect(fields[4]!.equals(r.contentHash)).toBe(true);
      expect(fields.slice(5, 10).map(text)).toEqual([
        r.contentType,
        r.sourceType,
        r.sourceUri,
        r.canonicalText,
        r.metadata,
      ]);
    }
    expect(buf.readInt16BE(at)).toBe(-1);
    expect(at + 2).toBe(buf.length);
  });

  it('encodes a lazy batch row by row to exactly the bytes of the record encoders, in every format', () => {
    const many = Array.from({ length: 500 }, (_, i) =>
      createRecordFactory(datasetSchema.parse({ atoms: 1000, seed: 9 }))(300 + i),
    );
    // One odd row: non-ASCII and long strings take the writers' slow paths and growth.
    many[7] = { ...many[7]!, canonicalText: 'naïve — ✓ 𝄞', metadata: 'x'.repeat(5000) };
    const lazy = (records: AtomRecord[]): RowBatch => ({
      startIndex: 300,
      rows: records.length,
      each: (visit) => records.forEach((r) => visit(r)),
    });
    const both = encodeRowBatchBinary(lazy(many));
    expect(both.atoms.equals(encodeAtomsBinary(many))).toBe(true);
    expect(both.embeddings.equals(encodeEmbeddingsBinary(many))).toBe(true);
    for (const format of ['text-ewkb', 'text-ewkt'] as const) {
      const enc = batchEncoding(format);
      expect(enc.rowBatch(lazy(many))).toEqual({ atoms: enc.atoms(many), embeddings: enc.embeddings(many) });
    }
  });
});
