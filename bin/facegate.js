#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=2
// The facegate command. The daemon is TypeScript run through tsx's loader, so a checkout runs as-is.
// The shebang carries the daemon's memory settings (daemon/health/memory-tuning.ts).
import { register } from 'tsx/esm/api';

register();
const { cli } = await import('../daemon/cli.ts');
const code = await cli(process.argv.slice(2));
process.exit(code);
