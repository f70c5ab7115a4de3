#!/usr/bin/env node
// The atombench command. Sources are TypeScript with no build step: on first use, and again after a
// source changes, they are bundled to plain JavaScript (src/bundle.mjs, cached under
// node_modules/.cache/atombench/, or the user's own cache where node_modules is read-only), which starts
// faster and without tsx's hooks thread. Where no bundle can be built (esbuild missing, no cache
// folder can be written), the sources run through tsx.
import { bundled } from '../src/bundle.mjs';

const entry = new URL('../src/cli/main.ts', import.meta.url);
let cli;
try {
  cli = await bundled(entry, { name: 'cli', format: 'esm' });
} catch {
  const { register } = await import('tsx/esm/api');
  register();
  cli = entry;
}
const { main } = await import(cli.href);
const code = await main(process.argv);
process.exitCode = code;
// The reports are written; a socket to a dead or stuck server must not keep the process alive.
setTimeout(() => process.exit(code), 1000).unref();
