#!/usr/bin/env node
// Runs the TypeScript CLI directly: tsx compiles cli/main.ts and its imports on the fly.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv);
