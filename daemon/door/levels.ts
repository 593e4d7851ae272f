import type { Level } from './lines.ts';

export type LockType = 'fail_secure' | 'fail_safe';

/**
 * The output level that keeps the door locked. A fail-secure lock (strike) is locked while
 * unpowered, a fail-safe lock (maglock) while powered; active_low relay boards energise on 0.
 */
export function lockedLevel(lock: { type: LockType; active_low: boolean }): Level {
  const energised = lock.type === 'fail_safe';
  return energised !== lock.active_low ? 1 : 0;
}

export function unlockedLevel(lock: { type: LockType; active_low: boolean }): Level {
  return lockedLevel(lock) === 1 ? 0 : 1;
}

export interface InputWiring {
  /** no: the switch closes when active (door open, button pressed, tamper tripped); nc: it opens. */
  contact: 'no' | 'nc';
  /** The line's pull: with pull up, a closed switch (to ground) reads 0. */
  pull: 'up' | 'down';
}

/** The level an input reads when it is active: door open, button pressed, enclosure opened. */
export function activeLevel(wiring: InputWiring): Level {
  const closedReads: Level = wiring.pull === 'up' ? 0 : 1;
  const openReads: Level = closedReads === 1 ? 0 : 1;
  return wiring.contact === 'no' ? closedReads : openReads;
}
