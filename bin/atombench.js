#!/usr/bin/env node
// The atombench command. Sources are TypeScript run through tsx, so there is no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
const code = await main(process.argv);
process.exitCode = code;
// The reports are written; a socket to a dead or stuck server must not keep the process alive.
setTimeout(() => process.exit(code), 1000).unref();
