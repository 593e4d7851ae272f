// The entry the systemd unit's ExecStopPost= runs with plain node: it takes no loader flags, so
// this registers tsx's loader (as bin/facegate.js does) and runs the TypeScript script.
import { register } from 'tsx/esm/api';

register();
await import('./door-failsafe.ts');
