import { afterAll, beforeAll, describe } from 'vitest';
import { PostgisEngine } from '../../../src/engines/postgis/index.ts';
import { resolveNames } from '../../../src/scenario/names.ts';
import { postgisSkipReason, startPgServer, type PgServer } from '../../helpers/pg-server.ts';
import { engineContract } from '../contract.ts';

const skip = postgisSkipReason();

describe.skipIf(!!skip)('postgis on a throwaway server', () => {
  let server: PgServer;
  beforeAll(async () => {
    server = await startPgServer({ settings: { fsync: 'off', synchronous_commit: 'off' } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  engineContract(
    'postgis (pg, GiST, SKIP LOCKED queues)',
    async (sc) =>
      new PostgisEngine({
        url: server.url,
        dataset: sc.dataset,
        names: resolveNames(sc.names.preset, sc.names.overrides),
        runNonce: 'contract',
      }),
  );
});
