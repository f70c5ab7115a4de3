import { describe, expect, it } from 'vitest';
import { UserError } from '../../../../src/errors.ts';
import { provenanceEdges } from '../../../../src/engines/neo4j/provenance.ts';
import { parseNeo4jUrl } from '../../../../src/engines/neo4j/url.ts';
import { graphErrorClass } from '../../../../src/engines/neo4j/error-class.ts';

describe('parseNeo4jUrl', () => {
  it('takes the credentials out of the URL the driver gets', () => {
    const t = parseNeo4jUrl('bolt://neo4j:s%40cret-pw@db.local:7687');
    expect(t).toEqual({
      url: 'bolt://db.local:7687',
      user: 'neo4j',
      password: 's@cret-pw',
      display: 'bolt://db.local:7687 (user neo4j)',
    });
  });
  it('falls back to ATOMBENCH_NEO4J_PASSWORD and the neo4j user', () => {
    expect(parseNeo4jUrl('neo4j+s://h', { ATOMBENCH_NEO4J_PASSWORD: 'pw-from-env' })).toMatchObject({
      url: 'neo4j+s://h',
      user: 'neo4j',
      password: 'pw-from-env',
    });
  });
  it.each([
    ['http://u:p@h:7474', /unknown scheme "http:"/],
    ['bolt://h:7687', /no password/],
    ['not a url', /not a URL/],
  ])('%s is a user error', (url, msg) => {
    expect(() => parseNeo4jUrl(url, {})).toThrow(UserError);
    expect(() => parseNeo4jUrl(url, {})).toThrow(msg);
  });
  it('never echoes the password in an error', () => {
    expect(() => parseNeo4jUrl('http://u:topsecret@h', {})).not.toThrow(/topsecret/);
  });
});

describe('provenanceEdges', () => {
  it('gives distinct earlier atoms, alternating types, deterministically', () => {
    for (const id of [2, 3, 10, 1000]) {
      const e = provenanceEdges(id, 3, 7);
      expect(e.length).toBe(Math.min(3, id - 1));
      expect(new Set(e.map((x) => x.to)).size).toBe(e.length);
      for (const x of e) expect(x.to >= 1 && x.to < id).toBe(true);
      expect(e.map((x) => x.type)).toEqual(
        ['DERIVED_FROM', 'INFLUENCED_BY', 'DERIVED_FROM'].slice(0, e.length),
      );
      expect(provenanceEdges(id, 3, 7)).toEqual(e);
    }
    expect(provenanceEdges(1, 3, 7)).toEqual([]);
    expect(provenanceEdges(1000, 3, 8)).not.toEqual(provenanceEdges(1000, 3, 7));
  });
});

describe('graphErrorClass', () => {
  it.each([
    [{ code: 'ServiceUnavailable' }, 'unavailable'],
    [{ code: 'SessionExpired' }, 'unavailable'],
    [{ code: 'ECONNREFUSED' }, 'unavailable'],
    [{ code: 'Neo.TransientError.Transaction.DeadlockDetected' }, 'transient'],
    [{ code: 'Neo.ClientError.Schema.ConstraintValidationFailed' }, 'constraint'],
    [{ code: 'Neo.ClientError.Security.Unauthorized' }, 'auth'],
    [{ code: 'Neo.ClientError.Statement.SyntaxError' }, 'other'],
    [new Error('x'), 'other'],
  ])('%o is %s', (e, cls) => expect(graphErrorClass(e)).toBe(cls));
});
