#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=2
// The facegate command: the compiled daemon in dist/ when that build is current, else the
// TypeScript source through tsx, so a checkout runs as is (bin/runtime.js says how it chooses).
// The shebang carries the daemon's memory settings (daemon/health/memory-tuning.ts).
import { importEntry } from './runtime.js';

const { cli } = await importEntry('daemon/cli', { name: 'facegate' });
const code = await cli(process.argv.slice(2));
process.exit(code);
