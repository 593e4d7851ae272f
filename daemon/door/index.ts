/** The door room: lock relay, door contact, exit button and tamper, and the only room that touches GPIO. */
export { Doors, createDoors } from './doors.ts';
export type { DoorsOptions, LineSnapshot } from './doors.ts';
export { Door } from './door.ts';
export { PULSE_MS, checkDoorConfig } from './door-config.ts';
export type { DoorConfig, InputRole } from './door-config.ts';
export { MAX_HOLD_MS } from './door-requests.ts';
export type { UnlockRequest } from './door-requests.ts';
export type { LineChange } from './line-log.ts';
export { forceLocksLocked } from './failsafe.ts';
export type { ForcedLock } from './failsafe.ts';
export { activeLevel, lockedLevel, unlockedLevel } from './levels.ts';
export type { GpioDriver, InputLine, Level, OutputLine } from './lines.ts';
export { DEFAULT_SYSFS_ROOT, listChips, resolvePin } from './pins.ts';
export type { ChipInfo, Numbering, PinSpec, ResolvedPin } from './pins.ts';
export { SimulatedGpio } from './simulated.ts';
export { SysfsGpio } from './sysfs.ts';
