import type { ObjectNames } from '../../../scenario/names.ts';
import type { Scenario } from '../../../scenario/schema.ts';
import type { MssqlPools } from '../pools.ts';
import { MssqlSyncQueue } from '../queues/sync-queue.ts';
import type { Redactor } from '../redact.ts';
import { MssqlQueueDriver } from './queue-driver.ts';

const QUEUE_POOL_MAX = 10;

/**
 * The OODA queue driver on a pool of its own; triggers in attach mode only with ooda.sendInAttachMode.
 * Its activation is set once the driver is kept (EngineQueues), so close() ends it even if that fails.
 */
async function openQueueDriver(
  pools: MssqlPools,
  names: ObjectNames,
  redactor: Redactor,
  scenario: Scenario,
): Promise<MssqlQueueDriver> {
  const pool = await pools.open(QUEUE_POOL_MAX, 120_000);
  return new MssqlQueueDriver({
    pool,
    names,
    redactor,
    attach: scenario.attach,
    allowTriggers: !scenario.attach || scenario.ooda.sendInAttachMode,
    ownsPool: true,
  });
}

/** The engine's OODA queue driver: opened on first use, one per engine, closed with the engine. */
export class EngineQueues {
  private driver: MssqlQueueDriver | undefined;

  constructor(
    private readonly pools: MssqlPools,
    private readonly redactor: Redactor,
    private readonly scenario: Scenario,
  ) {}

  /** Broker errors by class the driver counted (the probes' gauges), once it is open. */
  get errorsByClass(): Record<string, number> | undefined {
    return this.driver?.errorsByClass;
  }

  async driverFor(names: ObjectNames): Promise<MssqlQueueDriver> {
    if (this.driver) return this.driver;
    this.driver = await openQueueDriver(this.pools, names, this.redactor, this.scenario);
    if (this.scenario.ooda.enabled) await this.driver.setActivation(this.scenario.ooda.activation);
    return this.driver;
  }

  async close(): Promise<void> {
    await this.driver?.close().catch(() => undefined);
    this.driver = undefined;
  }
}

/** Neo4jSyncQueue over Service Broker: a connection per reader (each holds its receive) plus depth. */
export async function openSyncQueue(
  pools: MssqlPools,
  names: ObjectNames,
  redactor: Redactor,
  readers: number,
): Promise<MssqlSyncQueue> {
  return new MssqlSyncQueue(await pools.open(readers + 1, 120_000), names, redactor);
}
