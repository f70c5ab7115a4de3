/** `atombench check`: the runbook's health checks as an engine ran them, one row per check. */
export type HealthStatus = 'Healthy' | 'WARNING' | 'FAILED' | 'N/A';

export interface HealthRow {
  section: 'Quick Health Check' | 'Monitoring Metrics';
  component: string;
  status: HealthStatus;
  detail: string;
}

export interface HealthReport {
  database: string;
  server: string;
  rows: HealthRow[];
  /** Any FAILED row: `atombench check` exits 1. */
  failed: boolean;
}
