// Crafted presentations for a door's PAD adaptation (issue 26): texture features drawn around a
// mean per kind, CNN and shipped scores from fixed pseudo-random sequences, so every run fits the
// same model. The fit and the file are the real ones (fitAdaptation); only the frames are made up.
import type { Clock, FaceObservation, FrameAnalysis } from '../../daemon/core/index.ts';
import { MODELS_DIR } from '../../daemon/vision/index.ts';
import {
  featureLength,
  fitAdaptation,
  loadPadModel,
  padModelVersions,
  type AdaptFrame,
  type AdaptOptions,
  type PadAdaptationFile,
} from '../../daemon/vision/pad/index.ts';

export const features = loadPadModel(MODELS_DIR).features;
export const D = featureLength(features);
export const versions = padModelVersions(MODELS_DIR);
export const SHIPPED = { convenience: 0.52, balanced: 0.63, strict: 0.72 };
export const opts: AdaptOptions = {
  level: 'balanced',
  shippedThresholds: SHIPPED,
  features,
  models: versions,
  camera: 'images:test',
  now: new Date('2026-12-07T00:00:00Z'),
};

/** A fixed pseudo-random sequence, so every run crafts the same frames. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export interface Kind {
  phase: string;
  /** Mean of the texture features that tell live from attack (the first 20); the rest is noise. */
  texture: number;
  cnn: () => number;
  shipped: () => number;
}

export function frames(presenters: string[], per: number, kinds: Kind[], seed = 1): AdaptFrame[] {
  const r = rng(seed);
  const out: AdaptFrame[] = [];
  for (const presenter of presenters)
    for (const k of kinds)
      for (let i = 0; i < per; i++) {
        const texture = new Float32Array(D);
        for (let j = 0; j < D; j++) texture[j] = (j < 20 ? k.texture : 0) + (r() - 0.5) * 0.8;
        out.push({ presenter, phase: k.phase, cnn: k.cnn(), texture, shippedRaw: k.shipped() });
      }
  return out;
}

const r = rng(7);
export const live: Kind = { phase: 'live', texture: 1, cnn: () => 0.7 + 0.29 * r(), shipped: () => 0.8 + 0.19 * r() };
export const print: Kind = { phase: 'print', texture: -1, cnn: () => 0.3 + 0.5 * r(), shipped: () => 0.3 + 0.6 * r() };
export const screen: Kind = { phase: 'screen', texture: -1, cnn: () => 0.3 + 0.5 * r(), shipped: () => 0.3 + 0.6 * r() };

/** A proposed adaptation fitted on three crafted presenters (live, print, screen). */
export function craftedAdaptation(): PadAdaptationFile {
  const o = fitAdaptation(frames(['alice', 'bob', 'carol'], 25, [live, print, screen]), opts);
  if (!o.adaptation) throw new Error(`the crafted presentations were refused: ${JSON.stringify(o.reasons)}`);
  return o.adaptation;
}

/** A face as the live pipeline hands it over while a self-test collects evidence, drawn like the kinds above. */
export function evidenceFace(phase: string, draw: () => number): FaceObservation {
  const texture = new Float32Array(D);
  for (let j = 0; j < D; j++) texture[j] = (j < 20 ? (phase === 'live' ? 1 : -1) : 0) + (draw() - 0.5) * 0.8;
  const shippedRaw = phase === 'live' ? 0.8 + 0.19 * draw() : 0.3 + 0.6 * draw();
  const cnn = phase === 'live' ? 0.7 + 0.29 * draw() : 0.3 + 0.5 * draw();
  return {
    box: { x: 10, y: 10, width: 120, height: 120 },
    detectionScore: 0.9,
    liveness: null,
    livenessRaw: shippedRaw,
    padEvidence: { cnn, texture, shippedRaw },
  } as unknown as FaceObservation;
}

/** One analysed frame showing `face`, captured now on `clock`. */
export function analysisOf(face: FaceObservation, clock: Clock, frameSeq: number): FrameAnalysis {
  return { frameSeq, capturedAt: clock.now(), capturedMono: clock.monotonic(), analysedAt: clock.now(), width: 640, height: 480, faces: [face], timings: {} };
}
