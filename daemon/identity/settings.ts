import { isAbsolute, resolve } from 'node:path';
import type { Config } from '../config/index.ts';
import { PACKAGE_ROOT } from '../core/index.ts';
import type { EnrollSource, QualityRules } from './quality.ts';
import type { SecurityLevel } from './thresholds.ts';
import type { TrackerSettings } from './tracker.ts';

export interface IdentitySettings {
  securityLevel: SecurityLevel;
  thresholdsFile: string | null;
  matchThreshold: number | null;
  minMargin: number;
  tracker: TrackerSettings;
  quality: QualityRules;
}

/** `require_liveness: true/false` (the old form) applies to both sources. */
function requireLivenessBySource(v: Config['identity']['enroll']['require_liveness']): Record<EnrollSource, boolean> {
  return typeof v === 'boolean' ? { camera: v, upload: v } : { camera: v.camera, upload: v.upload };
}

/** The identity part of the configuration, in the units the code uses. */
export function identitySettings(config: Pick<Config, 'identity' | 'access'>): IdentitySettings {
  const i = config.identity;
  return {
    securityLevel: config.access.security_level,
    // A relative path (the default models/thresholds.json) is facegate's own file, whatever the working directory.
    thresholdsFile: i.thresholds_file === null || isAbsolute(i.thresholds_file) ? i.thresholds_file : resolve(PACKAGE_ROOT, i.thresholds_file),
    matchThreshold: i.match_threshold,
    minMargin: i.min_margin,
    tracker: {
      voteFrames: i.vote_frames,
      unknownFrames: i.unknown_frames,
      voteWindowMs: i.vote_window_ms,
      minIou: i.track_iou,
      minContinuity: i.track_continuity,
      timeoutMs: i.track_timeout_ms,
      livenessMin: config.access.liveness_min,
    },
    quality: {
      maxBytes: i.enroll.max_photo_bytes,
      minFacePx: i.enroll.min_face_px,
      maxYawDeg: i.enroll.max_yaw_deg,
      maxPitchDeg: i.enroll.max_pitch_deg,
      minSharpness: i.enroll.min_sharpness,
      requireLiveness: requireLivenessBySource(i.enroll.require_liveness),
      livenessMin: config.access.liveness_min,
      backgroundRatio: i.enroll.background_face_ratio,
    },
  };
}
