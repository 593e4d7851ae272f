export { createAccess } from './access.ts';
export type { Access, AccessDeps, AccessSettings } from './access.ts';
export { decide } from './policy.ts';
export type { DecisionReason, PolicyInput } from './policy.ts';
export { Lockout } from './lockout.ts';
export type { LockoutOptions } from './lockout.ts';
export { inSchedule, validateSchedule, wallClock, WEEKDAYS } from './schedule.ts';
