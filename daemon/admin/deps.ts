/** Everything the admin room takes from the rooms to its left, through their index.ts only. */
export { EVENT_TYPES, FacegateError, systemClock } from '../core/index.ts';
export type { Box, BusEvents, Clock, DoorStatus, EventBus, EventType, FacegateEvent, Logger } from '../core/index.ts';
export { ConfigSchema, validateConfig } from '../config/index.ts';
export type { Config } from '../config/index.ts';
export { EventStore } from '../store/index.ts';
export type { Database, EventQuery } from '../store/index.ts';
