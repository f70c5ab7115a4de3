/**
 * Every name the SQL Server templates use, derived from the scenario's ObjectNames (mappable), plus the
 * names atombench adds: its ownership tables and constraint / index names derived from table names.
 */
import { PHASES, phaseQueue, phaseService, type ObjectNames, type Phase } from '../../../scenario/names.ts';
import type { Scenario } from '../../../scenario/schema.ts';
import { sqlKeyword } from './identifiers.ts';
import type { TemplateVars } from './template.ts';

/** atombench's own bookkeeping tables, in the mapped schema. */
export const META_TABLE = 'AtombenchMeta';
export const OBJECTS_TABLE = 'AtombenchObjects';

export const VALIDATION_MODES = ['WELL_FORMED_XML', 'NONE'] as const;

export function messageTypeName(names: ObjectNames, phase: Phase): string {
  return `${names.messagePrefix}${phase}Message`;
}
export function contractName(names: ObjectNames, phase: Phase): string {
  return `${names.messagePrefix}${phase}Contract`;
}

/**
 * The phases Hartonomous consumes with activation procedures (AnalyzeQueue has none: a SQL Agent job
 * runs sp_Analyze), and their procedures' names as deployed (dbo.sp_Hypothesize / sp_Act / sp_Learn).
 */
export const ACTIVATED_PHASES = ['Hypothesize', 'Act', 'Learn'] as const satisfies readonly Phase[];
export type ActivatedPhase = (typeof ACTIVATED_PHASES)[number];
export function activationProcedureName(phase: ActivatedPhase): string {
  return `sp_${phase}`;
}

/** Names of the secondary spatial indexes on the coarse column (index.secondaryIndexes of them). */
export function secondaryIndexName(names: ObjectNames, i: number): string {
  return `IX_${names.embeddingsTable}_${names.coarseColumn}_${String(i + 1).padStart(2, '0')}`;
}

/** The raw names by template key. */
export function templateIds(names: ObjectNames): Record<string, string> {
  const ids: Record<string, string> = {};
  for (const [k, v] of Object.entries(names)) if (k !== 'schema' && k !== 'messagePrefix') ids[k] = v;
  for (const p of PHASES) {
    ids[`msg${p}`] = messageTypeName(names, p);
    ids[`contract${p}`] = contractName(names, p);
  }
  for (const p of ACTIVATED_PHASES) ids[`proc${p}`] = activationProcedureName(p);
  const a = names.atomsTable;
  const e = names.embeddingsTable;
  Object.assign(ids, {
    metaTable: META_TABLE,
    objectsTable: OBJECTS_TABLE,
    pkMeta: `PK_${META_TABLE}`,
    ckMeta: `CK_${META_TABLE}_Single`,
    pkObjects: `PK_${OBJECTS_TABLE}`,
    pkAtoms: `PK_${a}`,
    uqAtomsHash: `UQ_${a}_ContentHash`,
    pkEmbeddings: `PK_${e}`,
    fkEmbeddingsAtoms: `FK_${e}_${a}`,
    ixEmbAtom: `IX_${e}_${names.atomIdColumn}`,
    ixEmbTenant: `IX_${e}_TenantId_ModelId_EmbeddingType`,
    pkMetrics: `PK_${names.metricsTable}`,
    ixMetricsExecutedAt: `IX_${names.metricsTable}_ExecutedAt`,
    pkReasoning: `PK_${names.reasoningChainsTable}`,
    pkMultiPath: `PK_${names.multiPathTable}`,
    pkSelfConsistency: `PK_${names.selfConsistencyTable}`,
  });
  return ids;
}

export function templateVars(names: ObjectNames, ooda?: Pick<Scenario['ooda'], 'validation'>): TemplateVars {
  return {
    schema: names.schema,
    ids: templateIds(names),
    keywords: { validation: sqlKeyword(ooda?.validation ?? 'WELL_FORMED_XML', VALIDATION_MODES) },
  };
}

/** The queues atombench reads depth from, by phase (plus the initiator queue for leaks). */
export function phaseQueues(names: ObjectNames): Record<Phase, string> {
  return Object.fromEntries(PHASES.map((p) => [p, phaseQueue(names, p)])) as Record<Phase, string>;
}

/** The five services of the OODA loop (for filtering broker catalog views to ours). */
export function brokerServices(names: ObjectNames): string[] {
  return [...PHASES.map((p) => phaseService(names, p)), names.initiatorService];
}
