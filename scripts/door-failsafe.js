// The entry the systemd unit's ExecStopPost= runs with plain node (no loader flags): the compiled
// fail-safe in dist/ when that build is current, else door-failsafe.ts through tsx (bin/runtime.js).
// FACEGATE_DIST is not read here: the fail-safe runs whichever code it finds, it never refuses.
import { importEntry } from '../bin/runtime.js';

await importEntry('scripts/door-failsafe', { name: 'door-failsafe', env: {} });
