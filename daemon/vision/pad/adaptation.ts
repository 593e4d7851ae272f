// A door's own PAD model (issue 26): the shipped evidence of a face (the CNN's P(live) and the
// colour-texture features) combined by a logistic model fitted on the presentations an installer
// made at this door, with thresholds chosen across presenters. The file holds weights, thresholds,
// the report's numbers and the versions it was fitted on: no frame, no crop, no per-frame feature.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FacegateError } from '../../core/index.ts';
import { entryOf, readManifest } from '../manifest.ts';
import { featureLength, type FeatureSpec } from './features.ts';
import type { LinearModel } from './logistic.ts';
import { predictLogistic } from './logistic.ts';
import { CNN_PAD_MODEL, PAD_MODEL_NAME, logit, readPadManifestEntry, sha256Hex, type PadSecurityLevel } from './model.ts';
import { PAD_FUSION_NAME } from './fusion.ts';
import { PAD_LEVELS } from './levels.ts';

export const PAD_ADAPTATION_FORMAT = 'facegate-pad-adaptation';

/**
 * Below this P(live) the shipped CNN calls a frame a clear spoof (99 to 1 by its own softmax; on
 * nuaa-train it scores 90 of 92 printed frames below it and no live face): an adapted model may
 * tighten the strongest single evidence, never loosen it, so such a frame is refused whatever the
 * adapted model says.
 */
export const CLEAR_SPOOF_CNN = 0.01;

/** What the daemon may change in a running check. */
export interface PadLiveOptions {
  /** The door's accepted adaptation; null: the shipped model. */
  adaptation: PadAdaptationFile | null;
  /** Hand each judged face's evidence back (a self-test fitting an adaptation). */
  collect: boolean;
}

/** sha256 of the shipped files an adaptation builds on: a change to any makes it stale. */
export interface PadModelVersions {
  cnn: string;
  texture: string;
  fusion: string;
}

/** Error rates of one attack type or of live faces, as counts (the report keeps numbers only). */
export interface AdaptationFigures {
  bpcer: number | null;
  apcer: Record<string, number | null>;
}

export interface PadAdaptationFile {
  format: typeof PAD_ADAPTATION_FORMAT;
  version: 1;
  createdAt: string;
  /** What the presentations came from (a camera descriptor, or "images" for a folder). */
  camera: string;
  /** The security level the safety rails were checked at. */
  level: PadSecurityLevel;
  models: PadModelVersions;
  /** The texture recipe (copied from the shipped texture model) the weights read after logit(cnn). */
  features: FeatureSpec;
  clearSpoofCnn: number;
  model: LinearModel;
  /** Adapted P(live) at or above which each level accepts a face. */
  thresholds: Record<PadSecurityLevel, number>;
  report: {
    frames: Record<string, number>;
    presenters: number;
    /** The shipped model on the same presentations, and the adapted one judged across presenters, at `level`. */
    before: AdaptationFigures;
    after: AdaptationFigures;
  };
}

/** The versions of the shipped PAD files in `modelsDir` (from the manifest's pins). */
export function padModelVersions(modelsDir: string): PadModelVersions {
  const cnn = Object.values(entryOf(CNN_PAD_MODEL, readManifest(modelsDir)).sha256)[0];
  if (!cnn) throw new FacegateError('PAD_MODEL_UNPINNED', `${CNN_PAD_MODEL} has no sha256 in ${join(modelsDir, 'manifest.json')}`);
  return { cnn, texture: readPadManifestEntry(modelsDir, PAD_MODEL_NAME).sha256, fusion: readPadManifestEntry(modelsDir, PAD_FUSION_NAME).sha256 };
}

/** The adapted model's input: the CNN's log-odds, then the texture features. */
export function adaptationInput(cnn: number, texture: Float32Array): Float32Array {
  const x = new Float32Array(texture.length + 1);
  x[0] = logit(cnn);
  x.set(texture, 1);
  return x;
}

/** The adapted model's P(live) before the CNN's veto (what the safety rail inspects). */
export function unvetoedScore(model: LinearModel, cnn: number, texture: Float32Array): number {
  return predictLogistic(model, adaptationInput(cnn, texture));
}

/** The adapted P(live): 0 for a frame the shipped CNN calls a clear spoof; NaN for evidence that is not a probability. */
export function adaptedScore(a: Pick<PadAdaptationFile, 'model' | 'clearSpoofCnn'>, cnn: number, texture: Float32Array): number {
  if (!(cnn >= 0 && cnn <= 1) || texture.length + 1 !== a.model.weights.length) return Number.NaN;
  if (cnn < a.clearSpoofCnn) return 0;
  return unvetoedScore(a.model, cnn, texture);
}

const isHex = (v: unknown): boolean => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);
const finite = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x));

function validate(a: PadAdaptationFile, where: string): PadAdaptationFile {
  const bad = (what: string): never => {
    throw new FacegateError('PAD_ADAPTATION_INVALID', `PAD adaptation ${where}: ${what}`);
  };
  if (a === null || typeof a !== 'object' || a.format !== PAD_ADAPTATION_FORMAT || a.version !== 1) bad(`not a ${PAD_ADAPTATION_FORMAT} v1 file`);
  if (!PAD_LEVELS.includes(a.level)) bad(`level must be one of ${PAD_LEVELS.join(', ')}`);
  if (!a.models || !isHex(a.models.cnn) || !isHex(a.models.texture) || !isHex(a.models.fusion)) bad('models must name the sha256 of cnn, texture and fusion');
  let d = 0;
  try {
    d = featureLength(a.features);
  } catch {
    bad('features is not a texture recipe');
  }
  const m = a.model;
  if (!m || ![m.weights, m.mean, m.scale].every((v) => finite(v) && v.length === d + 1) || !Number.isFinite(m.bias))
    bad(`model does not match logit(cnn) and ${d} texture features`);
  if (!(a.clearSpoofCnn >= CLEAR_SPOOF_CNN && a.clearSpoofCnn < 1)) bad(`clearSpoofCnn must be at least ${CLEAR_SPOOF_CNN}: the CNN's veto cannot be loosened`);
  for (const level of PAD_LEVELS) {
    const t = a.thresholds?.[level];
    if (!(typeof t === 'number' && t > 0 && t < 1)) bad(`threshold ${level} must be in (0, 1)`);
  }
  return a;
}

/**
 * Parses and checks an adaptation file, whatever models it was fitted on. `sha256` pins the file's
 * bytes (the door's state keeps it): a file changed since it was accepted is refused.
 */
export function decodeAdaptation(bytes: Uint8Array, where: string, sha256?: string): PadAdaptationFile {
  if (sha256 !== undefined && sha256Hex(bytes) !== sha256)
    throw new FacegateError('PAD_ADAPTATION_HASH', `PAD adaptation ${where} has changed since it was accepted (sha256 ${sha256Hex(bytes)}, pinned ${sha256})`);
  let parsed: PadAdaptationFile;
  try {
    parsed = JSON.parse(Buffer.from(bytes).toString('utf8')) as PadAdaptationFile;
  } catch (err) {
    throw new FacegateError('PAD_ADAPTATION_INVALID', `PAD adaptation ${where} is not JSON: ${(err as Error).message}`, { cause: err });
  }
  return validate(parsed, where);
}

/** The shipped files an adaptation was fitted on that differ from the ones installed (any: it is stale). */
export function staleModels(a: PadAdaptationFile, current: PadModelVersions): (keyof PadModelVersions)[] {
  return (Object.keys(current) as (keyof PadModelVersions)[]).filter((k) => a.models[k] !== current[k]);
}

/** decodeAdaptation, then refused when fitted on other model files than the installed ones (`current`). */
export function parseAdaptation(bytes: Uint8Array, where: string, current: PadModelVersions, sha256?: string): PadAdaptationFile {
  const a = decodeAdaptation(bytes, where, sha256);
  const changed = staleModels(a, current);
  if (changed.length > 0)
    throw new FacegateError(
      'PAD_ADAPTATION_STALE',
      `PAD adaptation ${where} was fitted on other ${changed.join(' and ')} model files than the ones installed: it is stale, run the self-test with --adapt again`,
    );
  return a;
}

/** Reads an adaptation file from disk (see parseAdaptation). */
export function readAdaptation(path: string, current: PadModelVersions, sha256?: string): PadAdaptationFile {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new FacegateError(
      'PAD_ADAPTATION_MISSING',
      `cannot read the PAD adaptation ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  return parseAdaptation(bytes, path, current, sha256);
}
