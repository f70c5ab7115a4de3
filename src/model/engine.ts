/** The engines atombench drives (src/engines/registry.ts lists them) and what identifies a server. */
export type EngineName = 'sqlite' | 'postgis' | 'mssql';

export interface EngineFingerprint {
  engine: EngineName;
  serverVersion: string;
  /** Settings that change results (page cache size, journal mode, shared_buffers, compat level...). */
  settings: Record<string, string>;
  /** The DDL of the spatial index as the engine would create it. */
  indexDdl: string;
}
