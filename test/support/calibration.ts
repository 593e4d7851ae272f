import type { CalibrationThresholds } from '../../daemon/store/index.ts';

/** Identity's and access's thresholds as a test stands them in: the default embedder's fallback levels at far_1e-4, PAD 0.5. */
export const STAND_IN_THRESHOLDS: CalibrationThresholds = {
  match: 0.41,
  level: 'far_1e-4',
  levels: [
    { level: 'far_1e-3', threshold: 0.34 },
    { level: 'far_1e-4', threshold: 0.41 },
    { level: 'far_1e-5', threshold: 0.48 },
  ],
  pad: 0.5,
};
