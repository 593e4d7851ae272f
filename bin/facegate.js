#!/usr/bin/env node
// The facegate command. The daemon is TypeScript run through tsx's loader, so a checkout runs as-is.
import { register } from 'tsx/esm/api';

register();
const { cli } = await import('../daemon/cli.ts');
const code = await cli(process.argv.slice(2));
process.exit(code);
