import type pg from 'pg';
import type { OperationRequest, PlanInfo, ProbeSample } from '../../types.ts';
import { isDead, openClient, scrubbing } from '../connection.ts';
import type { PostgisProbes } from './probes.ts';

/**
 * The probe connection: separate from the load's pool and the admin connection, opened on first use.
 * When the server dropped it, a fresh one is opened (with the connect timeout) and keeps the load's
 * baseline. Errors are scrubbed of the URL's secrets.
 */
export class ProbeConnection {
  private client: pg.Client | undefined;
  private state: PostgisProbes | undefined;

  constructor(
    private readonly url: string,
    /** The probes over a fresh connection (the engine's names, variant and server abilities now). */
    private readonly create: (c: pg.Client) => PostgisProbes,
  ) {}

  private async probes(): Promise<PostgisProbes> {
    const before = this.state;
    if (before && isDead(this.client)) {
      await this.client?.end().catch(() => undefined);
      this.client = this.state = undefined;
    }
    if (!this.state) {
      this.client = await openClient(this.url);
      this.state = this.create(this.client);
      if (before) this.state.adoptBaseline(before);
    }
    return this.state;
  }

  private with<T>(fn: (p: PostgisProbes) => Promise<T>): Promise<T> {
    return scrubbing(this.url, async () => fn(await this.probes()));
  }

  /** Counters are read once: later samples are deltas from here. */
  markBaseline(): Promise<void> {
    return this.with((p) => p.markBaseline());
  }

  sample(): Promise<ProbeSample> {
    return this.with((p) => p.sample());
  }

  explain(req: OperationRequest): Promise<PlanInfo> {
    return this.with((p) => p.explain(req));
  }

  primaryFilter(req: OperationRequest): Promise<{ candidates: number; output: number } | undefined> {
    return this.with((p) => p.primaryFilter(req));
  }

  async close(): Promise<void> {
    await this.client?.end().catch(() => {});
    this.client = this.state = undefined;
  }
}
