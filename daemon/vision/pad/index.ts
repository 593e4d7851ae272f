// Presentation-attack detection: a single-frame texture/colour classifier (trained by
// scripts/train-pad.ts, pinned in models/manifest.json) and multi-frame evidence per track.
export { PadScorer, PadLivenessCheck, PadTrackCheck, DEFAULT_PAD } from './check.ts';
export type { PadJudgement, PadModuleOptions, PadOptions, Unjudged } from './check.ts';
export { PadTrack, DEFAULT_TRACK } from './track.ts';
export type { PadChallenge, PadObservation, PadTrackOptions, PadTrackStatus } from './track.ts';
export { loadPadModel, readPadManifestEntry, rawProbability, calibrated, logit, sha256Hex, PAD_MODEL_NAME } from './model.ts';
export type { PadManifestEntry, PadModelFile, PadSecurityLevel } from './model.ts';
export { extractFeatures, featureLength } from './features.ts';
export type { Channel, FeatureSpec, PatchSpec } from './features.ts';
export { comparePair, planarityEvidence, similarityResidual, DEFAULT_PLANARITY } from './planarity.ts';
export type { PairPlanarity, PlanarityOptions, PlanarityVerdict } from './planarity.ts';
export { fitHomography, transferError } from './homography.ts';
export { eyeAspectRatio, countBlinks } from './blink.ts';
export { createLivenessCheck, createPadTrackCheck, padOptionsFromConfig } from './module.ts';
export type { PadConfig } from './module.ts';
export { PAD_LEVELS, readPadLevels, scoreAtThreshold } from './levels.ts';
