import { systemClock, type Logger } from '../core/index.ts';
import type { DoorConfig } from './door-config.ts';
import { lockedLevel } from './levels.ts';
import type { Level } from './lines.ts';
import { DEFAULT_SYSFS_ROOT } from './pins.ts';
import { SysfsGpio } from './sysfs.ts';

export interface ForcedLock {
  door: string;
  gpio: number | null;
  level: Level | null;
  /** null when it worked; else why this door's output could not be set. */
  error: string | null;
}

/**
 * Sets every door's lock output to its locked level from a fresh process, without the daemon:
 * what the systemd unit runs after the daemon stopped (ExecStopPost), whatever way it stopped.
 * Simulated doors and systems without sysfs GPIO are skipped. Never throws.
 */
export function forceLocksLocked(config: { doors: DoorConfig[] }, opts: { log: Logger; sysfsRoot?: string }): ForcedLock[] {
  const root = opts.sysfsRoot ?? DEFAULT_SYSFS_ROOT;
  const results: ForcedLock[] = [];
  const real = config.doors.filter((d) => d.driver !== 'simulated');
  if (real.length === 0) return results;
  if (!SysfsGpio.available(root)) {
    opts.log.info({ root }, 'no sysfs GPIO: nothing to force');
    return results;
  }
  const gpio = new SysfsGpio({ root, clock: systemClock, log: opts.log });
  for (const d of real) {
    const level = lockedLevel(d.lock);
    try {
      const pin = gpio.resolve(d.lock);
      const line = gpio.output(`${d.id}.lock`, pin, level);
      line.write(level);
      line.release();
      results.push({ door: d.id, gpio: pin.gpio, level, error: null });
      opts.log.info({ door: d.id, gpio: pin.gpio, level }, 'lock output forced to its locked level');
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      results.push({ door: d.id, gpio: null, level: null, error: message });
      opts.log.error({ door: d.id, err }, 'could not force the lock output to locked');
    }
  }
  return results;
}
