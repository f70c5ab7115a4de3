import { readFileSync } from 'node:fs';

/** atombench's version, from package.json (part of every result's fingerprint). */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
