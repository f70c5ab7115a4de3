import neo4j, { type Driver, type ManagedTransaction, type Session } from 'neo4j-driver';
import { UserError } from '../../errors.ts';
import { CYPHER, OWNER } from './cypher.ts';
import { provenanceEdges } from './provenance.ts';
import type { Neo4jTarget } from './url.ts';

/**
 * The graph side of Hartonomous on Neo4j, through neo4j-driver the way its manual recommends: one
 * driver (a connection pool) per process, a short-lived session per unit of work, and managed
 * transactions (`executeWrite` / `executeRead`), which the driver retries on transient errors and lost
 * connections for up to `maxTransactionRetryTime`. Integers go as Neo4j integers (`neo4j.int`): a
 * JavaScript number would be stored as a float, unlike Hartonomous's long ids.
 */

export interface GraphOptions {
  target: Neo4jTarget;
  /** Connections in the driver's pool (the readers, the read op, one spare). */
  poolSize: number;
  /** How long a managed transaction keeps retrying before its error reaches the caller. */
  maxRetryTimeMs: number;
  connectTimeoutMs: number;
}

/** One Neo4jSyncRequest as the worker merges it. */
export interface SyncRow {
  entityId: number;
  tenantId: number;
  syncType: string;
}

export interface MergeOutcome {
  nodesCreated: number;
  /** Times the transaction function ran: more than one means the driver retried it. */
  attempts: number;
}

export interface GraphState {
  serverVersion: string;
  /** The uniqueness constraint on (Atom.id, Atom.tenantId) that holds: ours or an equivalent. */
  constraint: string;
  /** Owned Atom nodes above the dataset (left by an interrupted run) removed before the run. */
  removedStale: number;
}

const int = (n: number) => neo4j.int(n);

export class Neo4jGraph {
  private driver: Driver | undefined;
  private version = '';

  constructor(private readonly o: GraphOptions) {}

  get where(): string {
    return `neo4j ${this.o.target.display}`;
  }

  get serverVersion(): string {
    return this.version;
  }

  async connect(): Promise<void> {
    const t = this.o.target;
    this.driver = neo4j.driver(t.url, neo4j.auth.basic(t.user, t.password), {
      connectionTimeout: this.o.connectTimeoutMs,
      connectionAcquisitionTimeout: Math.max(10_000, this.o.connectTimeoutMs * 2),
      maxConnectionPoolSize: this.o.poolSize,
      maxTransactionRetryTime: this.o.maxRetryTimeMs,
      disableLosslessIntegers: true,
      logging: { level: 'error', logger: () => {} },
    });
    await this.driver.verifyConnectivity();
    const rows = await this.read((tx) => tx.run(CYPHER.version));
    const r = rows.records[0];
    this.version = r ? `${r.get('name')} ${r.get('version')} ${r.get('edition')}` : 'Neo4j (version unknown)';
  }

  private get d(): Driver {
    if (!this.driver) throw new Error('neo4j graph: not connected');
    return this.driver;
  }

  private async withSession<T>(mode: 'READ' | 'WRITE', fn: (s: Session) => Promise<T>): Promise<T> {
    const session = this.d.session({
      defaultAccessMode: mode === 'READ' ? neo4j.session.READ : neo4j.session.WRITE,
    });
    try {
      return await fn(session);
    } finally {
      await session.close();
    }
  }

  private read<T>(work: (tx: ManagedTransaction) => Promise<T>): Promise<T> {
    return this.withSession('READ', (s) => s.executeRead(work));
  }

  private write<T>(work: (tx: ManagedTransaction) => Promise<T>): Promise<T> {
    return this.withSession('WRITE', (s) => s.executeWrite(work));
  }

  /**
   * Schema setup: refuse (UserError, exit 2) a graph with Atom nodes atombench did not create, before
   * any write; then the uniqueness constraint; then remove owned atoms above the dataset that an
   * interrupted run left behind.
   */
  async prepare(datasetAtoms: number): Promise<GraphState> {
    await this.checkOwnership();
    return this.setup(datasetAtoms);
  }

  /** The guard alone (read-only): a UserError when the graph holds an Atom node atombench did not create. */
  async checkOwnership(): Promise<void> {
    const foreign = await this.read((tx) => tx.run(CYPHER.foreignAtoms, { owner: OWNER }));
    const f = foreign.records[0];
    const n = Number(f?.get('n') ?? 0);
    if (n > 0) {
      const sample = (f?.get('sample') as unknown[]).map(String).join(', ');
      throw new UserError(
        `${this.where}: the graph holds ${n >= 1000 ? '1000 or more' : n} Atom node(s) atombench did not create (ids ${sample}); ` +
          'refusing to touch it (point --neo4j-url at a bench database)',
      );
    }
  }

  /** After checkOwnership: the constraint, and owned atoms above the dataset removed. */
  async setup(datasetAtoms: number): Promise<GraphState> {
    const constraint = await this.ensureConstraint();
    const removedStale = await this.cleanup(datasetAtoms);
    return { serverVersion: this.version, constraint, removedStale };
  }

  private async ensureConstraint(): Promise<string> {
    const existing = await this.read((tx) => tx.run(CYPHER.constraints));
    for (const r of existing.records) {
      const props = (r.get('properties') as string[]).slice().sort();
      if (props.length === 2 && props[0] === 'id' && props[1] === 'tenantId') return String(r.get('name'));
    }
    await this.withSession('WRITE', (s) => s.run(CYPHER.constraint));
    return 'atombench_atom_id_tenant';
  }

  /** Hartonomous's MERGE for a batch of sync requests, in one managed transaction. */
  async merge(rows: readonly SyncRow[]): Promise<MergeOutcome> {
    let attempts = 0;
    const params = {
      owner: OWNER,
      rows: rows.map((r) => ({ entityId: int(r.entityId), tenantId: int(r.tenantId), syncType: r.syncType })),
    };
    const nodesCreated = await this.write(async (tx) => {
      attempts++;
      const res = await tx.run(CYPHER.merge, params);
      return res.summary.counters.updates().nodesCreated;
    });
    return { nodesCreated, attempts };
  }

  /** The preloaded graph's identity (undefined when nothing was preloaded). */
  async preloadKey(): Promise<string | undefined> {
    const r = await this.read((tx) => tx.run(CYPHER.preloadMarker, { owner: OWNER }));
    const key = r.records[0]?.get('key');
    return typeof key === 'string' ? key : undefined;
  }

  /**
   * Seed atoms 1..atoms as nodes with their provenance edges (provenance.ts), in batches; the key is
   * recorded last, so an interrupted preload is redone (MERGE makes that idempotent).
   */
  async preload(
    p: { atoms: number; edgesPerAtom: number; seed: number; tenantId: number; key: string; batch?: number },
    onProgress?: (done: number) => void,
  ): Promise<{ nodes: number; edges: number }> {
    const batch = p.batch ?? 2000;
    let edges = 0;
    for (let first = 1; first <= p.atoms; first += batch) {
      const last = Math.min(p.atoms, first + batch - 1);
      const rows: object[] = [];
      const byType = { DERIVED_FROM: [] as object[], INFLUENCED_BY: [] as object[] };
      for (let id = first; id <= last; id++) {
        rows.push({ id: int(id), tenantId: int(p.tenantId) });
        for (const e of provenanceEdges(id, p.edgesPerAtom, p.seed, p.tenantId))
          byType[e.type].push({ from: int(e.from), to: int(e.to), tenantId: int(e.tenantId) });
      }
      await this.write(async (tx) => {
        await tx.run(CYPHER.preloadNodes, { owner: OWNER, rows });
        for (const type of ['DERIVED_FROM', 'INFLUENCED_BY'] as const)
          if (byType[type].length) await tx.run(CYPHER.preloadEdges(type), { edges: byType[type] });
      });
      edges += byType.DERIVED_FROM.length + byType.INFLUENCED_BY.length;
      onProgress?.(last);
    }
    await this.write((tx) => tx.run(CYPHER.setPreloadMarker, { owner: OWNER, key: p.key }));
    return { nodes: p.atoms, edges };
  }

  /** The atoms reachable over DERIVED_FROM|INFLUENCED_BY in 1..depth hops. */
  async provenance(id: number, tenantId: number, depth: number): Promise<number> {
    const text = CYPHER.provenance(depth);
    const r = await this.read((tx) => tx.run(text, { id: int(id), tenantId: int(tenantId) }));
    return Number(r.records[0]?.get('n') ?? 0);
  }

  /** Owned Atom nodes with id above `aboveId`. */
  async countOwned(aboveId: number): Promise<number> {
    const r = await this.read((tx) => tx.run(CYPHER.countOwned, { owner: OWNER, aboveId: int(aboveId) }));
    return Number(r.records[0]?.get('n') ?? 0);
  }

  /**
   * Delete owned Atom nodes with id above `aboveId` (0: all of them, and the preload marker). Only
   * atombench's nodes: the ownership property is in the statement. CALL ... IN TRANSACTIONS needs an
   * auto-commit transaction (session.run).
   */
  async cleanup(aboveId: number): Promise<number> {
    const r = await this.withSession('WRITE', (s) =>
      s.run(CYPHER.cleanup, { owner: OWNER, aboveId: int(aboveId) }),
    );
    if (aboveId <= 0) await this.write((tx) => tx.run(CYPHER.dropMarker, { owner: OWNER }));
    return r.summary.counters.updates().nodesDeleted;
  }

  async close(): Promise<void> {
    const d = this.driver;
    this.driver = undefined;
    await d?.close();
  }
}
