// Vision's entry for the daemon's main thread: the worker's lifecycle, the analysis loop and the
// PAD parts that run beside the door. It never reaches TensorFlow.js or onnxruntime (~100 MB the
// main thread does not need; .dependency-cruiser.cjs checks it); index.ts is for the worker and tools.
export { VisionService } from './service.ts';
export type { VisionServiceOptions, VisionStatus } from './service.ts';
export { AnalysisLoop } from './analysis-loop.ts';
export type { AnalysisLoopOptions, AnalysisLoopStats } from './analysis-loop.ts';
export type { VisionWorkerStats } from './worker-client.ts';
export { modelKey } from './manifest.ts';
export { createPadTrackCheck } from './pad/track-check.ts';
export { createSelftests, selftestStateJson } from './pad/selftest-run.ts';
export { selftestReportJson } from './pad/selftest-report.ts';
export { DoorPadAdaptations, adaptationPin, cameraDescriptor, doorAdaptationJson, doorPadAdaptationsFor } from './pad/door-adaptations.ts';
export { padModelVersions } from './pad/adaptation.ts';
export { fitAdaptationInThread, shippedAdaptOptions } from './pad/adapt-thread.ts';
export { readPadLevels } from './pad/levels.ts';
export { MODELS_DIR } from './manifest.ts';
