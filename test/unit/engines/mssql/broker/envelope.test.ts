import { describe, expect, it } from 'vitest';
import {
  brokerErrorClass,
  parseBrokerError,
  parseEnvelope,
} from '../../../../../src/engines/mssql/broker/envelope.ts';
import { escapeAttribute, escapeText } from '../../../../../src/engines/mssql/plan/xml-text.ts';

describe('OODA message bodies', () => {
  it('reads the FOR XML PATH envelope and unescapes the payload', () => {
    const payload = '{"trigger":"atombench","note":"a<b & c>d"}';
    const body = `<ooda loopId="${escapeAttribute('l"1')}" loopStartedAtMs="1700000000000" sentAtMs="1700000000123" phase="Act">${escapeText(payload)}</ooda>`;
    expect(parseEnvelope(body)).toEqual({
      loopId: 'l"1',
      loopStartedAtMs: 1700000000000,
      sentAtMs: 1700000000123,
      phase: 'Act',
      payload,
    });
  });

  it('numeric entities (FOR XML escapes control characters) are decoded', () => {
    expect(parseEnvelope('<ooda loopId="a">x&#xD;&#xA;y&#65;</ooda>').payload).toBe('x\r\nyA');
  });

  it("a body that is not the envelope (a deployment's JSON) is the payload as is", () => {
    expect(parseEnvelope('{"trigger": "manual"}')).toEqual({ payload: '{"trigger": "manual"}' });
    expect(parseEnvelope(null)).toEqual({ payload: '' });
  });

  it('an empty envelope', () => {
    expect(parseEnvelope('<ooda loopId="z" phase="Learn"/>')).toMatchObject({
      loopId: 'z',
      phase: 'Learn',
      payload: '',
    });
  });
});

describe('Service Broker Error messages', () => {
  it('validation failures are their own class', () => {
    const body =
      '<Error xmlns="http://schemas.microsoft.com/SQL/ServiceBroker/Error"><Code>-9615</Code><Description>A message of type \'//Hartonomous/AutonomousLoop/AnalyzeMessage\' failed XML validation on the target service. XML parsing: line 1, character 6, unexpected end of input</Description></Error>';
    const err = parseBrokerError(body);
    expect(err.code).toBe(-9615);
    expect(err.description).toContain('failed XML validation');
    expect(brokerErrorClass(err)).toBe('broker-validation');
    expect(brokerErrorClass({ code: -9616, description: '' })).toBe('broker-validation');
    expect(brokerErrorClass({ code: -9704, description: '' })).toBe('broker-validation');
    expect(brokerErrorClass({ code: -9617, description: '' })).toBe('broker-error-9617');
  });

  it('other broker errors keep their number', () => {
    expect(
      brokerErrorClass(parseBrokerError('<Error><Code>-8489</Code><Description>x</Description></Error>')),
    ).toBe('broker-error-8489');
    expect(brokerErrorClass(parseBrokerError('garbage'))).toBe('broker-error');
  });
});
