/**
 * Every database object name atombench uses, mappable per scenario (names.preset + names.overrides).
 * Defaults are the runbook era (2025-11-15 schema, plural names); `head` is the current code (singular
 * names at HEAD dfdc861), both from AHartTN/Hartonomous-Sandbox (runbook era: commit 0ad3c9c).
 */
export interface ObjectNames {
  schema: string;
  atomsTable: string;
  atomIdColumn: string;
  embeddingsTable: string;
  embeddingIdColumn: string;
  geometryColumn: string;
  coarseColumn: string;
  spatialIndex: string;
  metricsTable: string;
  reasoningChainsTable: string;
  multiPathTable: string;
  selfConsistencyTable: string;
  analyzeQueue: string;
  hypothesizeQueue: string;
  actQueue: string;
  learnQueue: string;
  initiatorQueue: string;
  analyzeService: string;
  hypothesizeService: string;
  actService: string;
  learnService: string;
  initiatorService: string;
  /** Message types and contracts are `${messagePrefix}{Analyze,Hypothesize,Act,Learn}{Message,Contract}`. */
  messagePrefix: string;
  /** The Neo4j sync queue (Service Broker queue on mssql, a table elsewhere): one request per new atom. */
  neo4jSyncQueue: string;
  /** mssql: the service on Neo4jSyncQueue, and its message type and contract. */
  neo4jSyncService: string;
  neo4jSyncMessageType: string;
  neo4jSyncContract: string;
}

const RUNBOOK: ObjectNames = {
  schema: 'dbo',
  atomsTable: 'Atoms',
  atomIdColumn: 'AtomId',
  embeddingsTable: 'AtomEmbeddings',
  embeddingIdColumn: 'AtomEmbeddingId',
  geometryColumn: 'SpatialGeometry',
  coarseColumn: 'SpatialCoarse',
  spatialIndex: 'IX_AtomEmbeddings_SpatialGeometry',
  metricsTable: 'OODALoopMetrics',
  reasoningChainsTable: 'ReasoningChains',
  multiPathTable: 'MultiPathReasoning',
  selfConsistencyTable: 'SelfConsistencyResults',
  analyzeQueue: 'AnalyzeQueue',
  hypothesizeQueue: 'HypothesizeQueue',
  actQueue: 'ActQueue',
  learnQueue: 'LearnQueue',
  initiatorQueue: 'InitiatorQueue',
  analyzeService: 'AnalyzeService',
  hypothesizeService: 'HypothesizeService',
  actService: 'ActService',
  learnService: 'LearnService',
  initiatorService: '//Hartonomous/Service/Initiator',
  messagePrefix: '//Hartonomous/AutonomousLoop/',
  neo4jSyncQueue: 'Neo4jSyncQueue',
  neo4jSyncService: 'Neo4jSyncService',
  neo4jSyncMessageType: 'Neo4jSyncRequest',
  neo4jSyncContract: 'Neo4jSyncContract',
};

const HEAD: ObjectNames = {
  ...RUNBOOK,
  atomsTable: 'Atom',
  embeddingsTable: 'AtomEmbedding',
  geometryColumn: 'SpatialKey',
  spatialIndex: 'SIX_AtomEmbedding_SpatialKey',
};

export const NAME_PRESETS: Record<string, ObjectNames> = { runbook: RUNBOOK, head: HEAD };

/** Resolve a preset plus overrides; unknown override keys are reported by the loader. */
export function resolveNames(preset: string, overrides: Record<string, string>): ObjectNames {
  const base = NAME_PRESETS[preset] ?? RUNBOOK;
  return { ...base, ...(overrides as Partial<ObjectNames>) };
}

export const NAME_KEYS = Object.keys(RUNBOOK) as (keyof ObjectNames)[];

/** The four OODA phases in loop order, with the names of their queue and service. */
export const PHASES = ['Analyze', 'Hypothesize', 'Act', 'Learn'] as const;
export type Phase = (typeof PHASES)[number];

export function phaseQueue(names: ObjectNames, phase: Phase): string {
  return names[`${lower(phase)}Queue` as keyof ObjectNames];
}
export function phaseService(names: ObjectNames, phase: Phase): string {
  return names[`${lower(phase)}Service` as keyof ObjectNames];
}
function lower(p: Phase): string {
  return p.charAt(0).toLowerCase() + p.slice(1);
}
