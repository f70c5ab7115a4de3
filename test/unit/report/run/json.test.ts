import { describe, expect, it } from 'vitest';
import { renderJson } from '../../../../src/report/run/json.ts';
import { makeResult } from '../../../fixtures/result.ts';

describe('json reporter', () => {
  it('pretty-prints the whole result and round-trips', () => {
    const r = makeResult();
    const text = renderJson(r);
    expect(text).toMatch(/^\{\n {2}"schema": "atombench\/result@1",/);
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toEqual(r);
  });
});
