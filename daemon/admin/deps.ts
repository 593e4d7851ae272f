/** Everything the admin room takes from the rooms to its left, through their index.ts only. */
export {
  EVENT_TYPES,
  EventBus,
  FacegateError,
  createLogger,
  lowerThreadPriority,
  moduleUrl,
  packageInfo,
  rpcClient,
  serveRpc,
  systemClock,
  WORKER_YOUNG_GENERATION_MB,
} from '../core/index.ts';
export type { RpcErrorData, RpcPort } from '../core/index.ts';
export type { Box, BusEvents, Clock, DoorStatus, TimerHandle, EventType, FacegateEvent, Logger, WeeklySchedule } from '../core/index.ts';
export { ConfigSchema, validateConfig } from '../config/index.ts';
export type { Config } from '../config/index.ts';
export { EventStore, MetricSamples, OUTCOMES, openDatabase, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, readDashboard, restrictMode } from '../store/index.ts';
export type { CalibrationReport, CalibrationThresholds, DashboardRange, DashboardReport, Database, EventQuery, PersonStats } from '../store/index.ts';
export type { FaceObservation, FrameAnalysis } from '../core/index.ts';
export { EnrollmentRefusedError, PersonNotFoundError, REFUSAL_TEXT, SECURITY_LEVELS, imageKind } from '../identity/index.ts';
export type { Draft as IdentityDraft, Identity, Person as IdentityPerson, PhotoOutcome, RefusalReason } from '../identity/index.ts';
export type { Doors } from '../door/index.ts';
export type { Credential as OsdpCredential, OsdpStatus } from '../osdp/index.ts';
export type { AuditEntry as PrivacyAuditEntry, AuditRow, Snapshot } from '../privacy/index.ts';
