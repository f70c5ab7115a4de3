import { describe, expect, it } from 'vitest';
import { postgisEnvOptions } from '../../../../src/engines/postgis/engine-options.ts';
import { UserError } from '../../../../src/errors.ts';

describe('postgisEnvOptions', () => {
  it('reads the pool variant and the seed generator threads; unset or empty leaves the defaults', () => {
    expect(postgisEnvOptions({})).toEqual({});
    expect(postgisEnvOptions({ ATOMBENCH_POSTGIS_POOL: '', ATOMBENCH_POSTGIS_SEED_THREADS: '' })).toEqual({});
    expect(
      postgisEnvOptions({ ATOMBENCH_POSTGIS_POOL: 'dwithin', ATOMBENCH_POSTGIS_SEED_THREADS: '0' }),
    ).toEqual({
      poolVariant: 'dwithin',
      seedThreads: 0,
    });
    expect(postgisEnvOptions({ ATOMBENCH_POSTGIS_SEED_THREADS: '16' })).toEqual({ seedThreads: 16 });
  });

  it('refuses anything else as a user error naming the variable', () => {
    for (const v of ['-1', '1.5', 'two', '17', ' 2'])
      expect(() => postgisEnvOptions({ ATOMBENCH_POSTGIS_SEED_THREADS: v })).toThrow(
        new UserError(`ATOMBENCH_POSTGIS_SEED_THREADS: expected an integer 0..16, got "${v}"`),
      );
    expect(() => postgisEnvOptions({ ATOMBENCH_POSTGIS_POOL: 'nearest' })).toThrow(
      /ATOMBENCH_POSTGIS_POOL: unknown pool variant "nearest"/,
    );
  });
});
