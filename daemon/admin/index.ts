export { createAdminServer, WEB_ROOT } from './server.ts';
export type { AdminServer, AdminServerOptions } from './server.ts';
export { createAdminHost } from './host.ts';
export type { AdminHost, AdminHostOptions } from './host.ts';
export { ServiceError } from './services.ts';
export { storeReads } from './store-reads.ts';
export type {
  AdminServices,
  AuditEntry,
  AuditRecord,
  AuditService,
  CalibrationService,
  DoorService,
  EventsService,
  NewPerson,
  OsdpService,
  PadAdaptationService,
  PadSelftestService,
  PeopleService,
  Person,
  PersonStatsBasis,
  PersonStatsService,
  QualityVerdict,
  SelftestView,
  AdaptationView,
  SnapshotService,
  StatusService,
  StoredEvent,
  SystemStatus,
  TemplateResult,
  WeeklySchedule,
} from './services.ts';
export { RuntimeSettings, applyStoredSettings, availableRuntimeKeys, redact } from './settings.ts';
export { adminPanelUrl, chooseTransport, isLoopback } from './tls.ts';
export type { Transport } from './tls.ts';
export { SETUP_CODE_FILE } from './auth/setup-code.ts';
export { calibrationService, doorService, identityPeople, nextFaceFromBus, padAdaptationService, padSelftestService } from './adapters.ts';
export type { CameraFace, IdentityPeopleOptions, SelftestRunsLike } from './adapters.ts';
export { cameraPreview } from './preview/camera-preview.ts';
export type { CameraPreviewService, PreviewFrame, PreviewVerdict } from './preview/types.ts';
export { personStatsService } from './person-stats-basis.ts';
