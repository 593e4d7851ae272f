// The trained single-frame PAD model: a JSON file under models/pad/, pinned by sha256 in
// models/manifest.json ("pad" section) and refused when its bytes differ from the pin.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FacegateError } from '../../core/index.ts';
import { featureLength, type FeatureSpec } from './features.ts';

/** Named operating points: where the raw probability crosses "live" for each security level. */
export type PadSecurityLevel = 'convenience' | 'balanced' | 'strict';

export interface PadModelFile {
  format: 'facegate-pad';
  version: 1;
  features: FeatureSpec;
  classifier: { kind: 'logistic'; mean: number[]; scale: number[]; weights: number[]; bias: number };
  /**
   * Raw-probability thresholds measured on out-of-fold (subject-disjoint) scores of the training
   * data: convenience = BPCER 1 %, balanced = BPCER 2 %, strict = BPCER 5 %.
   */
  operatingPoints: Record<PadSecurityLevel, number>;
  /** Faces narrower than this (pixels) are not judged: their texture is gone. */
  minFacePx: number;
  /** Provenance and the cross-validated figures, for the record. */
  training: Record<string, unknown>;
}

/** The "pad" section of models/manifest.json. */
export interface PadManifestEntry {
  file: string;
  sha256: string;
  data: string;
  trainedBy: string;
  license: string;
}

export const PAD_MODEL_NAME = 'pad-lbp';
/** The CNN liveness model's name in the manifest's "models" section (named here so that no caller needs onnxruntime to know it). */
export const CNN_PAD_MODEL = 'faceplugin-liveness';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function readPadManifestEntry(modelsDir: string, name = PAD_MODEL_NAME): PadManifestEntry {
  const path = join(modelsDir, 'manifest.json');
  let manifest: { pad?: Record<string, PadManifestEntry> };
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8')) as typeof manifest;
  } catch (err) {
    throw new FacegateError('PAD_MANIFEST', `cannot read the model manifest ${path}: ${(err as Error).message}`, { cause: err });
  }
  const entry = manifest.pad?.[name];
  if (!entry || typeof entry.file !== 'string' || typeof entry.sha256 !== 'string') {
    throw new FacegateError('PAD_MODEL_UNPINNED', `PAD model ${name} has no file and sha256 in the "pad" section of ${path}; run scripts/train-pad.ts`);
  }
  return entry;
}

/** Checks that a parsed file has the shape scoring relies on (a broken file must not score). */
function validate(m: PadModelFile, path: string): PadModelFile {
  const bad = (what: string): never => {
    throw new FacegateError('PAD_MODEL_INVALID', `PAD model ${path}: ${what}`);
  };
  if (m.format !== 'facegate-pad' || m.version !== 1) bad('not a facegate-pad v1 file');
  const d = featureLength(m.features);
  const c = m.classifier;
  if (c.kind !== 'logistic' || c.weights.length !== d || c.mean.length !== d || c.scale.length !== d) bad(`classifier does not match its ${d} features`);
  if (![...c.weights, ...c.mean, ...c.scale, c.bias].every(Number.isFinite)) bad('classifier has non-finite numbers');
  for (const level of ['convenience', 'balanced', 'strict'] as const) {
    const t = m.operatingPoints[level];
    if (!(t > 0 && t < 1)) bad(`operating point ${level} must be in (0, 1)`);
  }
  return m;
}

/** The bytes of a file pinned in the manifest's "pad" section; throws PAD_MODEL_HASH when they differ from the pin. */
export function readPinnedPadFile(modelsDir: string, name: string): { bytes: Uint8Array; path: string } {
  const entry = readPadManifestEntry(modelsDir, name);
  const path = join(modelsDir, entry.file);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new FacegateError('PAD_MODEL_MISSING', `PAD model ${name}: cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  const got = sha256Hex(bytes);
  if (got !== entry.sha256) {
    throw new FacegateError(
      'PAD_MODEL_HASH',
      `PAD model ${name}: ${path} has sha256 ${got}, but models/manifest.json pins ${entry.sha256}; refusing to load a changed model file`,
    );
  }
  return { bytes, path };
}

/** Parses a pinned JSON model file; a file that is no JSON throws PAD_MODEL_INVALID. */
export function parsePadJson<T>(bytes: Uint8Array, path: string): T {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
  } catch (err) {
    throw new FacegateError('PAD_MODEL_INVALID', `PAD model ${path} is not JSON: ${(err as Error).message}`, { cause: err });
  }
}

/** Reads the pinned texture model; throws PAD_MODEL_HASH when the file's bytes differ from the pin. */
export function loadPadModel(modelsDir: string, name = PAD_MODEL_NAME): PadModelFile {
  const { bytes, path } = readPinnedPadFile(modelsDir, name);
  return validate(parsePadJson<PadModelFile>(bytes, path), path);
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

export function logit(p: number): number {
  const q = Math.min(1 - 1e-9, Math.max(1e-9, p));
  return Math.log(q / (1 - q));
}

/** Raw P(live) of one feature vector. */
export function rawProbability(m: PadModelFile, x: Float32Array): number {
  const { mean, scale, weights, bias } = m.classifier;
  let s = bias;
  for (let j = 0; j < weights.length; j++) s += (weights[j] ?? 0) * ((x[j] ?? 0) - (mean[j] ?? 0)) * (scale[j] ?? 0);
  return sigmoid(s);
}

/**
 * The raw probability re-centred on a security level: 0.5 exactly at the level's threshold, so
 * access.liveness_min = 0.5 means "live at the chosen level" whatever the level.
 */
export function calibrated(m: PadModelFile, raw: number, level: PadSecurityLevel): number {
  return sigmoid(logit(raw) - logit(m.operatingPoints[level]));
}
