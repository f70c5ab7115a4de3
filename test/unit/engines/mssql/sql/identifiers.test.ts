import { describe, expect, it } from 'vitest';
import { UserError } from '../../../../../src/errors.ts';
import {
  likeLiteral,
  qualifiedName,
  quoteName,
  sqlInt,
  sqlKeyword,
  sqlNumber,
  sqlString,
} from '../../../../../src/engines/mssql/sql/identifiers.ts';

describe('identifier quoting (QUOTENAME rules)', () => {
  it.each([
    ['Atoms', '[Atoms]'],
    ['//Hartonomous/Service/Initiator', '[//Hartonomous/Service/Initiator]'],
    ['a]b', '[a]]b]'],
    ['x]; DROP TABLE t; --', '[x]]; DROP TABLE t; --]'],
    ["it's", "[it's]"],
    ['[already]', '[[already]]]'],
  ])('quoteName(%j) = %s', (name, quoted) => {
    expect(quoteName(name)).toBe(quoted);
  });

  it('refuses empty and over-long names (QUOTENAME returns NULL past 128)', () => {
    expect(() => quoteName('')).toThrow(UserError);
    expect(quoteName('a'.repeat(128))).toHaveLength(130);
    expect(() => quoteName('a'.repeat(129))).toThrow(/128/);
    expect(() => quoteName('a\u0000b')).toThrow(UserError);
  });

  it('qualifies schema and object separately', () => {
    expect(qualifiedName('dbo', 'AtomEmbeddings')).toBe('[dbo].[AtomEmbeddings]');
    expect(qualifiedName('my.schema', 'a]b')).toBe('[my.schema].[a]]b]');
  });
});

describe('literals', () => {
  it('string literals double single quotes', () => {
    expect(sqlString('AnalyzeService')).toBe("N'AnalyzeService'");
    expect(sqlString("O'Brien'; --")).toBe("N'O''Brien''; --'");
  });

  it('LIKE patterns escape wildcards with backslash', () => {
    expect(likeLiteral('Atom_Embeddings%[x]\\')).toBe('Atom\\_Embeddings\\%\\[x]\\\\');
  });

  it.each([
    [-1000, '-1000'],
    [1e7, '10000000'],
    [0.5, '0.50000000000000000'],
    [1e21, '1.0000000000000000E+21'],
  ])('sqlNumber(%d) = %s', (n, text) => {
    expect(sqlNumber(n)).toBe(text);
    expect(Number(text)).toBe(n);
  });

  it('numbers that cannot be written are refused', () => {
    expect(() => sqlNumber(Number.NaN)).toThrow(UserError);
    expect(() => sqlInt(-1)).toThrow(UserError);
    expect(() => sqlInt(1.5)).toThrow(UserError);
    expect(sqlInt(5000)).toBe('5000');
  });

  it('keywords only from the allowed list', () => {
    expect(sqlKeyword('NONE', ['NONE', 'WELL_FORMED_XML'])).toBe('NONE');
    expect(() => sqlKeyword('NONE; DROP', ['NONE'])).toThrow(UserError);
    expect(() => sqlKeyword('none', ['none'])).toThrow(/keyword/);
  });
});
