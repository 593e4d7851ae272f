// The security levels of the shipped single-frame PAD model: where its raw P(live) crosses "live".
// No inference runtime here, so the daemon's main thread (the self-test, the admin panel) can read
// them and put a face's raw score on any level.
import { MODELS_DIR } from '../manifest.ts';
import { loadFusionModel } from './fusion.ts';
import { logit, type PadSecurityLevel } from './model.ts';

export const PAD_LEVELS: readonly PadSecurityLevel[] = ['convenience', 'balanced', 'strict'];

/** Fused-P(live) threshold of each security level, from the pinned fusion file (hash checked). */
export function readPadLevels(modelsDir = MODELS_DIR): Record<PadSecurityLevel, number> {
  return { ...loadFusionModel(modelsDir).operatingPoints };
}

/** A raw P(live) re-centred on a level's threshold: 0.5 exactly at the threshold (access.liveness_min). */
export function scoreAtThreshold(raw: number, threshold: number): number {
  return 1 / (1 + Math.exp(-(logit(raw) - logit(threshold))));
}
