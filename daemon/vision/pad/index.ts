// Presentation-attack detection: single-frame evidence (a CNN liveness model and a colour-texture
// model, fused and calibrated by scripts/train-pad.ts, pinned in models/manifest.json) and
// multi-frame evidence per track.
export { PadScorer, PadLivenessCheck, DEFAULT_PAD } from './check.ts';
export type { PadJudgement, PadOptions, Unjudged } from './check.ts';
export { PadTrackCheck, createPadTrackCheck } from './track-check.ts';
export { TextureScorer } from './texture-scorer.ts';
export type { TextureJudgement } from './texture-scorer.ts';
export { CnnLiveness, livenessRegion, CNN_PAD_MODEL } from './cnn.ts';
export { fuse, loadFusionModel, PAD_FUSION_NAME } from './fusion.ts';
export type { PadEvidence, PadEvidenceName, PadFusionFile } from './fusion.ts';
export { unjudgeable } from './gate.ts';
export { PadTrack, DEFAULT_TRACK } from './track.ts';
export type { PadChallenge, PadObservation, PadTrackOptions, PadTrackStatus } from './track.ts';
export { loadPadModel, readPadManifestEntry, readPinnedPadFile, rawProbability, calibrated, logit, sigmoid, sha256Hex, PAD_MODEL_NAME } from './model.ts';
export type { PadManifestEntry, PadModelFile, PadSecurityLevel } from './model.ts';
export { extractFeatures, featureLength } from './features.ts';
export type { Channel, FeatureSpec, PatchSpec } from './features.ts';
export { comparePair, planarityEvidence, similarityResidual, DEFAULT_PLANARITY } from './planarity.ts';
export type { PairPlanarity, PlanarityOptions, PlanarityVerdict } from './planarity.ts';
export { fitHomography, transferError } from './homography.ts';
export { eyeAspectRatio, countBlinks } from './blink.ts';
export { createLivenessCheck, padOptionsFromConfig } from './module.ts';
export type { PadConfig } from './module.ts';
export { PAD_LEVELS, readPadLevels, scoreAtThreshold } from './levels.ts';
export { fitLogistic, predictLogistic, DEFAULT_FIT } from './logistic.ts';
export type { FitOptions, LinearModel } from './logistic.ts';
export { ratesAt, thresholdForBpcer, equalErrorPoint } from './rates.ts';
export type { PadRates, Scored } from './rates.ts';
export { levelThresholds, GAP_POSITION } from './operating-points.ts';
export type { LevelRule } from './operating-points.ts';
export {
  CLEAR_SPOOF_CNN,
  PAD_ADAPTATION_FORMAT,
  adaptationInput,
  adaptedScore,
  unvetoedScore,
  padModelVersions,
  parseAdaptation,
  readAdaptation,
} from './adaptation.ts';
export type { AdaptationFigures, PadAdaptationFile, PadModelVersions } from './adaptation.ts';
export { ADAPT_FIT, MIN_ADAPT_FRAMES, MIN_LIVE_PRESENTERS, fitAdaptation } from './adapt-fit.ts';
export type { AdaptFrame, AdaptOptions, AdaptOutcome, AdaptRefusal } from './adapt-fit.ts';
export { AdaptEvidence } from './adapt-evidence.ts';
export { DoorPadAdaptations, adaptationPin, cameraDescriptor, doorAdaptationJson, doorPadAdaptationsFor } from './door-adaptations.ts';
export type { DoorAdaptationState, DoorAdaptationStatus, DoorPadAdaptationsOptions } from './door-adaptations.ts';
export type { FrameEvidence } from './adapt-evidence.ts';
export { DEFAULT_ADAPT_PEOPLE, MAX_ADAPT_PEOPLE, MIN_ADAPT_PEOPLE, checkPeople, planPhases, selftestAdaptationJson } from './selftest-adapt.ts';
export type { SelftestAdaptOptions, SelftestAdaptation } from './selftest-adapt.ts';
export { fitAdaptationInThread, shippedAdaptOptions } from './adapt-thread.ts';
