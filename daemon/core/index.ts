export { EventBus } from './bus.ts';
export { chooseLogFormat, createLogger, logFormat, REDACTED_PATHS } from './logger.ts';
export type { LogFormat, Logger, LoggerOptions } from './logger.ts';
export { Lifecycle } from './lifecycle.ts';
export type { Service } from './lifecycle.ts';
export { systemClock } from './clock.ts';
export type { Clock, TimerHandle } from './clock.ts';
export { EVENT_TYPES, makeEvent } from './events.ts';
export type { BusEvents, DoorPosition, DoorStatus, EventAttributes, EventInput, EventType, FacegateEvent, LockState } from './events.ts';
export { FacegateError } from './errors.ts';
export { redactText, redactUrl } from './redact.ts';
export type {
  AccessDecision,
  Box,
  DoorControl,
  FaceObservation,
  Frame,
  FrameAnalysis,
  MatchResult,
  PadFrameEvidence,
  PersonAccess,
  Point,
  TrackVerdict,
  WeeklySchedule,
  Weekday,
} from './contracts.ts';
export { errorData, rpcClient, serveRpc } from './thread-rpc.ts';
export type { RpcClient, RpcErrorData, RpcPort } from './thread-rpc.ts';
export { lowerThreadPriority } from './thread-priority.ts';
export { WORKER_YOUNG_GENERATION_MB } from './worker-memory.ts';
export { packageInfo } from './package-info.ts';
export type { PackageInfo } from './package-info.ts';
export { PACKAGE_ROOT, findPackageRoot, moduleUrl } from './module-paths.ts';
