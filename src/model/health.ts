/** `atombench check`: the runbook's health checks as an engine ran them, one row per check. */
export type HealthStatus = 'Healthy' | 'WARNING' | 'FAILED' | 'N/A';

export interface HealthRow {
  section: 'Quick Health Check' | 'Monitoring Metrics';
  component: string;
  status: HealthStatus;
  detail: string;
}

/** One of the runbook's "Common Issues" found present, with its diagnosis run read-only. */
export interface HealthFinding {
  /** The runbook's heading, e.g. "OODA Loop Stopped". */
  issue: string;
  /** The runbook's symptom line, verbatim. */
  symptoms: string;
  /** What was measured that matches the symptom. */
  observed: string;
  /** The runbook's diagnosis queries (as this engine runs them) and what they returned. */
  diagnosis: { query: string; output: string }[];
  /** The runbook's fix, as advice: atombench never runs it. */
  fix: string[];
}

export interface HealthReport {
  database: string;
  server: string;
  rows: HealthRow[];
  /** The runbook's Common Issues that are present (empty: none). */
  findings?: HealthFinding[];
  /** Any FAILED row: `atombench check` exits 1. */
  failed: boolean;
}
