import { describe, expect, it } from 'vitest';
import { OperationError } from '../../../../src/errors.ts';
import {
  isServerStatePermissionError,
  mssqlErrorClass,
  operationError,
  runtimeFailure,
  sqlErrorNumber,
} from '../../../../src/engines/mssql/error-class.ts';
import { Redactor } from '../../../../src/engines/mssql/redact.ts';

const sqlError = (number: number, message = 'boom') =>
  Object.assign(new Error(message), { code: 'EREQUEST', number });

describe('SQL Server error classes', () => {
  it.each([
    [1205, 'deadlock'],
    [9615, 'broker-validation'],
    [9616, 'broker-validation'],
    [9704, 'broker-validation'],
    [9617, 'broker-queue-disabled'],
    [8635, 'spatial-hint-unusable'],
    [300, 'permission'],
    [262, 'permission'],
    [208, 'missing-object'],
    [50000, 'mssql-50000'],
  ])('error %d is %s (the number wins over EREQUEST)', (n, cls) => {
    expect(mssqlErrorClass(sqlError(n))).toBe(cls);
  });

  it('only 297 / 300 are the VIEW SERVER STATE kind of permission error', () => {
    expect(isServerStatePermissionError(sqlError(300))).toBe(true);
    expect(isServerStatePermissionError(sqlError(297))).toBe(true);
    expect(isServerStatePermissionError(sqlError(229))).toBe(false);
    expect(isServerStatePermissionError(sqlError(262))).toBe(false);
  });

  it('driver codes and original info', () => {
    expect(mssqlErrorClass(Object.assign(new Error('t'), { code: 'ETIMEOUT' }))).toBe('timeout');
    expect(mssqlErrorClass(Object.assign(new Error('t'), { code: 'ESOCKET' }))).toBe('connection');
    expect(sqlErrorNumber({ originalError: { info: { number: 9616 } } })).toBe(9616);
    expect(mssqlErrorClass(new TypeError('x'))).toBe('TypeError');
  });

  it('wraps with a redacted one-line message', () => {
    const r = new Redactor(['hunter2']);
    const e = operationError(sqlError(1205, 'deadlock with hunter2\nvictim'), r, 'spatial.pool');
    expect(e).toBeInstanceOf(OperationError);
    expect(e.errorClass).toBe('deadlock');
    expect(e.message).toBe('spatial.pool: deadlock with *** victim');
    expect(operationError(e, r)).toBe(e);
    expect(runtimeFailure(new Error('x hunter2'), r, 'seeding').message).toBe('seeding: x ***');
  });
});
