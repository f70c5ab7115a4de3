import { z } from 'zod';
import { paramDist } from '../dataset/schema.ts';
import { positive, ratio } from './fields.ts';

/** The scenario's OODA section (triggers, phases, who consumes) and the Act phase's index maintenance. */

/** ooda.activation values (see oodaSchema). */
export const OODA_ACTIVATIONS = ['client', 'server'] as const;

export const oodaSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Seconds between Analyze triggers (the deployment runs one every 15 min; benches compress it). */
    triggerEverySec: positive.default(2),
    /** Simulated work per phase, in milliseconds. */
    phaseWorkMs: paramDist.default({ mean: 20, sd: 5, min: 0 }),
    failureRate: ratio.default(0.02),
    /** Service Broker message validation (SQL Server): as deployed, or NONE. */
    validation: z.enum(['WELL_FORMED_XML', 'NONE']).default('WELL_FORMED_XML'),
    /** Send OODA triggers when attached to a deployment atombench does not own. */
    sendInAttachMode: z.boolean().default(false),
    /**
     * Who consumes the Hypothesize/Act/Learn queues. client (default): atombench's own consumers.
     * server: SQL Server's activation procedures sp_Hypothesize / sp_Act / sp_Learn (MAX_QUEUE_READERS = 1,
     * EXECUTE AS OWNER), as Hartonomous deploys them; atombench sends the triggers and runs Analyze, and
     * the phase figures come from the rows the procedures write to OODALoopMetrics. mssql only (the
     * sqlite and postgis engines have no activation: refused, exit 2), and not in attach mode.
     */
    activation: z.enum(OODA_ACTIVATIONS).default('client'),
  })
  .strict();

/**
 * Index maintenance during the load (the Act phase's FULLSCAN load as Hartonomous runs it), on its own
 * connection and schedule: UPDATE STATISTICS ... WITH FULLSCAN / ANALYZE every updateStatisticsEverySec,
 * a spatial index rebuild every rebuildIndexEverySec. Both optional; neither set = no maintenance.
 */
export const maintenanceSchema = z
  .object({
    updateStatisticsEverySec: positive.optional(),
    rebuildIndexEverySec: positive.optional(),
  })
  .strict();
export type MaintenanceSpec = z.infer<typeof maintenanceSchema>;
