// The per-frame pipeline: detect → pose + align → quality → embed → liveness → attributes.
// It runs in whichever thread creates it; worker.ts runs one inside a worker thread.
import * as tf from './tf.ts';
import type { Config } from '../config/index.ts';
import type { FaceObservation, Frame, FrameAnalysis, Logger, PadFrameEvidence, Point } from '../core/index.ts';
import { FacegateError } from '../core/index.ts';
import { alignFace } from './align.ts';
import { initBackend, type BackendInfo } from './backend.ts';
import { describeBackend } from './backend-info.ts';
import { decodeImage } from './decode.ts';
import { FaceDetector, type Detection } from './detector.ts';
import { Embedder, type FaceEmbedder } from './embedder.ts';
import { OnnxEmbedder } from './onnx-embedder.ts';
import type { RgbImage } from './image.ts';
import { checkRgb } from './image.ts';
import type { LivenessCheck } from './liveness.ts';
import { assessQuality } from './quality.ts';
import { entryOf, loadModel, readManifest, variantFor, MODELS_DIR, type Manifest, type ManifestEntry, type Variant } from './registry.ts';
import { Attributes } from './attributes.ts';
import { FaceMesh, meshAlignmentPoints } from './mesh.ts';

export type VisionConfig = Config['vision'];

export interface VisionPipeline {
  readonly backend: BackendInfo;
  /** role → "name@variant" of each loaded model. */
  readonly models: Record<string, string>;
  /** Analyses a camera frame (packed RGB). Throws VISION_BAD_FRAME for a malformed frame. */
  analyze(frame: Frame): Promise<FrameAnalysis>;
  /** Decodes and analyses a photo (enrollment); faces largest first. Throws VISION_BAD_IMAGE for bytes that are no image. */
  analyzeImage(bytes: Uint8Array): Promise<FrameAnalysis>;
  /** Plugs a presentation-attack check into the liveness slot (null removes it). */
  setLiveness(check: LivenessCheck | null): void;
  /** Passes new settings to the liveness check (the door's PAD adaptation); nothing to do without one. */
  configureLiveness(options: unknown): Promise<void>;
  close(): Promise<void>;
}

export interface PipelineOptions {
  modelsDir?: string;
  manifest?: Manifest;
}

/** Mouth corners from the mouth centre along the eye axis (BlazeFace has no corners); 0.414 = ArcFace template half mouth width / eye distance. */
function fivePoints(kp: readonly Point[]): Point[] {
  const [e1, e2, nose, mouth] = kp as [Point, Point, Point, Point];
  const hx = (e2[0] - e1[0]) * 0.414,
    hy = (e2[1] - e1[1]) * 0.414;
  // Contract order: subject's right eye first = the eye on the image left.
  return [e1, e2, nose, [mouth[0] - hx, mouth[1] - hy], [mouth[0] + hx, mouth[1] + hy]];
}

type Preprocess = NonNullable<ManifestEntry['preprocess']>;

/** The configured embedder on whichever runtime its file format needs, with its preprocessing. */
export async function loadEmbedder(
  name: string,
  variant: Variant,
  flip: boolean,
  manifest: Manifest,
  dir: string,
  threads = 1,
): Promise<{ embedder: FaceEmbedder; pre: Preprocess }> {
  const entry = entryOf(name, manifest);
  const pre = entry.preprocess;
  if (!pre) throw new FacegateError('VISION_MANIFEST', `model ${name} has no preprocess entry in models/manifest.json`);
  const embedder =
    entry.format === 'onnx'
      ? await OnnxEmbedder.load(name, manifest, dir, pre, threads, variant)
      : new Embedder(await loadModel(name, variant, manifest, dir), { ...pre, flip });
  return { embedder, pre };
}

export async function createVisionPipeline(config: VisionConfig, log: Logger, opts: PipelineOptions = {}): Promise<VisionPipeline> {
  const dir = opts.modelsDir ?? MODELS_DIR;
  const manifest = opts.manifest ?? readManifest(dir);
  const tfBackend = await initBackend(config.backend);
  const variant = (name: string): Variant => variantFor(config.variant, name);
  const detModel = await loadModel(config.detector.model, variant(config.detector.model), manifest, dir);
  const { embedder, pre } = await loadEmbedder(
    config.embedder.model,
    variant(config.embedder.model),
    config.embedder.flip,
    manifest,
    dir,
    config.embedder.threads,
  );
  const detector = new FaceDetector(detModel, {
    minScore: config.detector.min_score,
    iou: config.detector.iou,
    maxFaces: config.detector.max_faces,
    refine: config.detector.refine,
  });
  const attributes = config.attributes.emotion || config.attributes.age_gender ? await Attributes.load(config.attributes, manifest, dir) : null;
  const faceMesh = config.mesh.enabled ? await FaceMesh.load(manifest, dir) : null;
  const limits = {
    minFacePx: config.quality.min_face_px,
    minSharpness: config.quality.min_sharpness,
    maxYawDeg: config.quality.max_yaw_deg,
    maxPitchDeg: config.quality.max_pitch_deg,
  };
  const models: Record<string, string> = {
    detector: `${detModel.name}@${detModel.variant}`,
    embedder: `${embedder.name}@${embedder.variant}`,
    ...(attributes ? attributes.models : {}),
    ...(faceMesh ? { mesh: faceMesh.name } : {}),
  };
  const backend: BackendInfo = { ...tfBackend, onnx: embedder.runtime ?? null };
  let liveness: LivenessCheck | null = null;
  log.info({ backend: describeBackend(backend), models }, 'vision pipeline ready');

  async function face(img: RgbImage, det: Detection, timings: Record<string, number>): Promise<FaceObservation> {
    const kp = det.keypoints;
    let t = performance.now();
    let mesh: Point[] | null = null;
    // A face too small for the quality filter is refused whatever its mesh says: no mesh run for it
    // (faces in the background of a door camera, a few ms each).
    if (faceMesh && det.box.width >= limits.minFacePx) {
      mesh = (await faceMesh.estimate(img, det))?.points ?? null;
      timings.mesh = (timings.mesh ?? 0) + performance.now() - t;
      t = performance.now();
    }
    // The mesh's eye and mouth points are finer than the detector's (lfw-dev: 99.2 % vs 99.06 %).
    const alignKp = mesh ? meshAlignmentPoints(mesh) : kp;
    const { crop } = alignFace(img, alignKp, embedder.size, pre.zoom, false, pre.points);
    timings.align = (timings.align ?? 0) + performance.now() - t;
    // Sharpness is judged on the 112 px canonical crop whatever the embedder's input, so that one
    // threshold means the same thing for every embedder (an upsampled 224 crop always looks soft).
    const qcrop = embedder.size === 112 && pre.zoom === 1 ? crop : alignFace(img, kp, 112).crop;
    const quality = assessQuality(kp, det.box.width, qcrop, 112, limits);
    let embedding: Float32Array | null = null;
    let live: number | null = null;
    let liveRaw: number | null = null;
    let padEvidence: PadFrameEvidence | undefined;
    if (quality.ok) {
      t = performance.now();
      const crops = config.embedder.flip ? [crop, alignFace(img, alignKp, embedder.size, pre.zoom, true, pre.points).crop] : [crop];
      embedding = await embedder.embed(crops);
      timings.embed = (timings.embed ?? 0) + performance.now() - t;
      if (liveness) {
        t = performance.now();
        const input = { image: img, box: det.box, keypoints: kp, detectionScore: det.score };
        if (liveness.judge) ({ score: live, raw: liveRaw, evidence: padEvidence } = await liveness.judge(input));
        else live = await liveness.score(input);
        timings.liveness = (timings.liveness ?? 0) + performance.now() - t;
      }
    }
    let attrs: FaceObservation['attributes'] = null;
    if (attributes) {
      t = performance.now();
      attrs = await attributes.estimate(img, kp);
      timings.attributes = (timings.attributes ?? 0) + performance.now() - t;
    }
    return {
      box: det.box,
      detectionScore: det.score,
      landmarks5: fivePoints(kp),
      keypoints: kp,
      mesh,
      embedding,
      quality,
      liveness: live,
      livenessRaw: liveRaw,
      ...(padEvidence ? { padEvidence } : {}),
      attributes: attrs,
    };
  }

  async function run(img: RgbImage, seq: number, capturedAt: number): Promise<FrameAnalysis> {
    checkRgb(img);
    const start = performance.now();
    const timings: Record<string, number> = {};
    const detections = await detector.detect(img);
    timings.detect = performance.now() - start;
    const faces: FaceObservation[] = [];
    for (const det of detections) faces.push(await face(img, det, timings));
    timings.total = performance.now() - start;
    return { frameSeq: seq, capturedAt, analysedAt: Date.now(), width: img.width, height: img.height, faces, timings };
  }

  return {
    backend,
    models,
    analyze(frame) {
      return run({ width: frame.width, height: frame.height, data: frame.rgb }, frame.seq, frame.capturedAt);
    },
    async analyzeImage(bytes) {
      const img = await decodeImage(bytes);
      const res = await run(img, 0, Date.now());
      res.faces.sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height);
      return res;
    },
    setLiveness(check) {
      liveness = check;
    },
    async configureLiveness(options) {
      await liveness?.configure?.(options);
    },
    async close() {
      await liveness?.close?.();
      detModel.model.dispose();
      embedder.dispose();
      attributes?.dispose();
      faceMesh?.dispose();
      log.debug({ tensors: tf.memory().numTensors }, 'vision pipeline closed');
    },
  };
}
