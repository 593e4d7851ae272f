// The vision room: backend choice, pinned models, detector, alignment, embedder, quality,
// the liveness slot, optional attributes and dense mesh, and the per-frame pipeline (in-thread or in a worker).
export { createVisionPipeline, loadEmbedder } from './pipeline.ts';
export type { PipelineOptions, VisionConfig, VisionPipeline } from './pipeline.ts';
export { createVisionWorker } from './worker-client.ts';
export type { VisionWorker, VisionWorkerOptions, VisionWorkerStats } from './worker-client.ts';
export { AnalysisLoop } from './analysis-loop.ts';
export type { AnalysisLoopOptions, AnalysisLoopStats } from './analysis-loop.ts';
export { initBackend } from './backend.ts';
export type { BackendInfo, BackendPreference } from './backend.ts';
export { describeBackend } from './backend-info.ts';
export { entryOf, loadModel, modelKey, readManifest, readModelFile, sha256, variantFor, withOnnxVariant, MODELS_DIR } from './registry.ts';
export type { LoadedModel, Manifest, ManifestEntry, Thresholds, Variant, VariantChoice } from './registry.ts';
export { FaceDetector, letterboxInput } from './detector.ts';
export type { Detection, DetectorOptions } from './detector.ts';
export { alignFace, canonicalPoints, estimateSimilarity, applySimilarity, warpCrop, CANONICAL_112 } from './align.ts';
export type { Similarity } from './align.ts';
export { Embedder, cosine, l2normalize } from './embedder.ts';
export type { FaceEmbedder } from './embedder.ts';
export { OnnxEmbedder } from './onnx-embedder.ts';
export { assessQuality, estimatePose, sharpness } from './quality.ts';
export type { Quality, QualityLimits } from './quality.ts';
export { FaceMesh, meshAlignmentPoints, meshCropTransform, MESH_EYES, MESH_MOUTH_CORNERS, MESH_NOSE_TIP, MESH_POINTS } from './mesh.ts';
export type { MeshInput, MeshResult } from './mesh.ts';
export { decodeImage } from './decode.ts';
export { checkRgb } from './image.ts';
export type { RgbImage } from './image.ts';
export type { LivenessCheck, LivenessInput, LivenessModule, LivenessTrackCheck } from './liveness.ts';
export {
  PadScorer,
  PadLivenessCheck,
  PadTrackCheck,
  PadTrack,
  loadPadModel,
  createLivenessCheck as createPadLivenessCheck,
  createPadTrackCheck,
  padOptionsFromConfig,
  AdaptEvidence,
  fitAdaptation,
  padModelVersions,
  readAdaptation,
  DoorPadAdaptations,
  cameraDescriptor,
  adaptationPin,
  doorPadAdaptationsFor,
  doorAdaptationJson,
} from './pad/index.ts';
export type { AdaptFrame, AdaptOutcome, DoorAdaptationStatus, PadAdaptationFile } from './pad/index.ts';
export type { PadJudgement, PadOptions, PadObservation, PadTrackOptions, PadTrackStatus, PadSecurityLevel, PadChallenge, PadModelFile } from './pad/index.ts';
export { PAD_LEVELS, readPadLevels, scoreAtThreshold } from './pad/levels.ts';
export { LIVE_PHASE, MIN_JUDGED_FRAMES, selftestReport, selftestReportJson } from './pad/selftest-report.ts';
export type { SelftestReport, SelftestReportJson, SelftestSample } from './pad/selftest-report.ts';
export { DEFAULT_ATTACKS, DEFAULT_PHASE_SECONDS, SelftestRun, largestFace, parseAttacks, phasePrompt } from './pad/selftest-run.ts';
export type { SelftestState } from './pad/selftest-run.ts';
export { DEFAULT_ADAPT_PEOPLE, checkPeople } from './pad/selftest-adapt.ts';
export { fitAdaptationInThread, shippedAdaptOptions } from './pad/adapt-thread.ts';
export { calibrate } from './quant/calibrate.ts';
export type { CalibrationInput, CalibrationMethod } from './quant/calibrate.ts';
export { EMBEDDER_CALIBRATION_SET, embedderCalibrationImages } from './quant/calibration-set.ts';
export { deriveInt8, installInt8, readCalibration } from './quant/derive.ts';
export type { CalibrationFile } from './quant/derive.ts';
export { embedderInputs } from './quant/face-crops.ts';
export { quantizeModel } from './quant/qdq.ts';
