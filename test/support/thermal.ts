// A kernel thermal-zone tree (/sys/class/thermal's shape) in a temporary directory, for
// cpuTemperature and the daemon's daemon.thermal_root.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './tmp.ts';

/** One thermal_zone<i> per entry, with its type and temp (milli-°C) files; returns the root. */
export function fakeThermal(zones: [type: string, milliC: string][]): string {
  const root = tempDir('facegate-thermal-');
  zones.forEach(([type, temp], i) => {
    mkdirSync(join(root, `thermal_zone${i}`));
    writeFileSync(join(root, `thermal_zone${i}`, 'type'), `${type}\n`);
    writeFileSync(join(root, `thermal_zone${i}`, 'temp'), `${temp}\n`);
  });
  return root;
}
