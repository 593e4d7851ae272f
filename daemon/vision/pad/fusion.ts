// The fused single-frame PAD score: a logistic stack over the log-odds of each piece of evidence
// (the CNN's and the texture model's P(live)), fitted by scripts/train-pad.ts on subject-disjoint
// out-of-fold scores, with the security levels' thresholds on the fused P(live). A JSON file under
// models/pad/, pinned in the manifest's "pad" section like the texture model.
import { FacegateError } from '../../core/index.ts';
import { logit, parsePadJson, readPinnedPadFile, sigmoid, type PadSecurityLevel } from './model.ts';

export type PadEvidenceName = 'cnn' | 'texture';
export type PadEvidence = Partial<Record<PadEvidenceName, number>>;

export const PAD_FUSION_NAME = 'pad-fusion';

export interface PadFusionFile {
  format: 'facegate-pad-fusion';
  version: 1;
  /** The evidence the stack reads, in the order of `weights`; each enters as its log-odds. */
  inputs: PadEvidenceName[];
  weights: number[];
  bias: number;
  /** Fused P(live) at which each security level starts calling a face live. */
  operatingPoints: Record<PadSecurityLevel, number>;
  /** Faces narrower than this (pixels) are not judged. */
  minFacePx: number;
  /** Provenance and the cross-validated figures, for the record. */
  training: Record<string, unknown>;
}

const KNOWN: readonly PadEvidenceName[] = ['cnn', 'texture'];

function validate(m: PadFusionFile, path: string): PadFusionFile {
  const bad = (what: string): never => {
    throw new FacegateError('PAD_MODEL_INVALID', `PAD fusion ${path}: ${what}`);
  };
  if (m.format !== 'facegate-pad-fusion' || m.version !== 1) bad('not a facegate-pad-fusion v1 file');
  if (!Array.isArray(m.inputs) || m.inputs.length === 0 || !m.inputs.every((i) => KNOWN.includes(i))) bad(`inputs must be some of ${KNOWN.join(', ')}`);
  if (!Array.isArray(m.weights) || m.weights.length !== m.inputs.length || ![...m.weights, m.bias].every(Number.isFinite))
    bad('weights do not match the inputs');
  for (const level of ['convenience', 'balanced', 'strict'] as const) {
    const t = m.operatingPoints?.[level];
    if (!(typeof t === 'number' && t > 0 && t < 1)) bad(`operating point ${level} must be in (0, 1)`);
  }
  if (!(m.minFacePx >= 1)) bad('minFacePx must be a positive number');
  return m;
}

/** Reads the pinned fusion file; a changed file throws PAD_MODEL_HASH, a malformed one PAD_MODEL_INVALID. */
export function loadFusionModel(modelsDir: string, name = PAD_FUSION_NAME): PadFusionFile {
  const { bytes, path } = readPinnedPadFile(modelsDir, name);
  return validate(parsePadJson<PadFusionFile>(bytes, path), path);
}

/** Fused P(live); NaN when an input is missing or not a probability (never treated as live). */
export function fuse(m: Pick<PadFusionFile, 'inputs' | 'weights' | 'bias'>, evidence: PadEvidence): number {
  let z = m.bias;
  for (const [i, name] of m.inputs.entries()) {
    const p = evidence[name];
    if (p === undefined || !(p >= 0 && p <= 1)) return Number.NaN;
    z += (m.weights[i] ?? 0) * logit(p);
  }
  return sigmoid(z);
}
