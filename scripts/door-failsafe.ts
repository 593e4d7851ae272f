/**
 * Sets every door's lock output to its locked level, from outside the daemon. The systemd unit
 * runs it after the daemon stopped (ExecStopPost=), so a SIGKILL, an OOM kill or a watchdog
 * restart also ends with the doors locked.
 *
 *   node scripts/door-failsafe.js [--config FILE] [--sysfs-root DIR]    (what the unit runs)
 *   node --import tsx scripts/door-failsafe.ts [--config FILE] [--sysfs-root DIR]
 *
 * --sysfs-root overrides the config's daemon.sysfs_gpio_root.
 *
 * Prints one JSON line per door on stdout; exit 0 when every real lock was set, 1 otherwise,
 * 78 when the configuration cannot be read (then nothing is known about the pins).
 */
import { parseArgs } from 'node:util';
import { FacegateError, createLogger } from '../daemon/core/index.ts';
import { loadConfig } from '../daemon/config/index.ts';
import { forceLocksLocked } from '../daemon/door/index.ts';

function main(): number {
  const { values } = parseArgs({ options: { config: { type: 'string', short: 'c' }, 'sysfs-root': { type: 'string' } }, strict: true });
  const log = createLogger({ level: 'info' });
  let config;
  try {
    ({ config } = loadConfig({ file: values.config }));
  } catch (err) {
    console.error(err instanceof FacegateError ? err.message : String(err));
    return err instanceof FacegateError ? err.exitCode : 78;
  }
  const results = forceLocksLocked(config, { log, sysfsRoot: values['sysfs-root'] ?? config.daemon.sysfs_gpio_root });
  for (const r of results) console.log(JSON.stringify(r));
  log.flush();
  return results.some((r) => r.error !== null) ? 1 : 0;
}

process.exitCode = main();
