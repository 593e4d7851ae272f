import type { FaceObservation, FrameAnalysis } from '../core/index.ts';

/** Why a photo or frame cannot become a template. Each has a sentence for people in REFUSAL_TEXT. */
export type RefusalReason =
  | 'too_large'
  | 'not_an_image'
  | 'unreadable_image'
  | 'no_face'
  | 'several_faces'
  | 'face_too_small'
  | 'not_frontal'
  | 'blurry'
  | 'poor_quality'
  | 'spoof_suspected'
  | 'liveness_unknown'
  | 'no_embedding'
  | 'wrong_dimension';

export const REFUSAL_TEXT: Record<RefusalReason, string> = {
  too_large: 'the file is larger than the upload limit',
  not_an_image: 'not a JPEG, PNG or WebP image',
  unreadable_image: 'the image could not be decoded',
  no_face: 'no face was found',
  several_faces: 'more than one face: take a photo with the person alone',
  face_too_small: 'the face is too small: come closer or use a larger photo',
  not_frontal: 'the face is turned away: look straight at the camera',
  blurry: 'the photo is blurred',
  poor_quality: 'the face is not clear enough',
  spoof_suspected: 'the presentation-attack check failed (a photo of a photo or a screen?)',
  liveness_unknown: 'the presentation-attack check could not judge the face',
  no_embedding: 'no template could be made from the face',
  wrong_dimension: 'the face model produced a template of another size than the gallery holds',
};

/** Where an enrollment face comes from: the door's camera, or an uploaded photo (admin upload, `facegate enroll`). */
export type EnrollSource = 'camera' | 'upload';

export interface QualityRules {
  maxBytes: number;
  minFacePx: number;
  maxYawDeg: number;
  maxPitchDeg: number;
  minSharpness: number;
  /** Per source: must the face pass the presentation-attack check? */
  requireLiveness: Record<EnrollSource, boolean>;
  livenessMin: number;
  /** Faces smaller than this fraction of the largest are background faces and ignored. */
  backgroundRatio: number;
}

export type Checked = { ok: true; face: FaceObservation & { embedding: Float32Array } } | { ok: false; reason: RefusalReason; detail: string };

function refuse(reason: RefusalReason, detail?: string): Checked {
  return { ok: false, reason, detail: detail ?? REFUSAL_TEXT[reason] };
}

export type ImageKind = 'jpeg' | 'png' | 'webp';

// The whole PNG signature: its CR LF, EOF and LF bytes catch files mangled by a text-mode copy.
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const startsWith = (bytes: Uint8Array, at: number, expected: readonly number[]): boolean =>
  bytes.length >= at + expected.length && expected.every((b, i) => bytes[at + i] === b);

const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

/** Sniffs the magic bytes (never the claimed type): the decoders get only what looks like a photo. */
export function imageKind(bytes: Uint8Array): ImageKind | null {
  if (startsWith(bytes, 0, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, 0, PNG_SIGNATURE)) return 'png';
  if (startsWith(bytes, 0, ascii('RIFF')) && startsWith(bytes, 8, ascii('WEBP'))) return 'webp';
  return null;
}

/** Checks done before any decoding. */
export function checkBytes(bytes: Uint8Array, rules: QualityRules, size = bytes.byteLength): Checked | null {
  if (size > rules.maxBytes) return refuse('too_large', `${REFUSAL_TEXT.too_large} (${size} > ${rules.maxBytes} bytes)`);
  if (imageKind(bytes) === null) return refuse('not_an_image');
  return null;
}

/** The one face a template may be made from, or the reason there is none. */
export function checkFace(analysis: FrameAnalysis, rules: QualityRules, dim: number | null, source: EnrollSource): Checked {
  const size = (f: FaceObservation): number => Math.min(f.box.width, f.box.height);
  const largest = Math.max(0, ...analysis.faces.map(size));
  const faces = analysis.faces.filter((f) => size(f) >= largest * rules.backgroundRatio);
  if (faces.length === 0) return refuse('no_face');
  if (faces.length > 1) return refuse('several_faces', `${REFUSAL_TEXT.several_faces} (${faces.length} faces)`);
  const face = faces[0] as FaceObservation;
  if (size(face) < rules.minFacePx) return refuse('face_too_small', `${REFUSAL_TEXT.face_too_small} (${Math.round(size(face))} px, needs ${rules.minFacePx})`);
  const q = face.quality;
  if (Math.abs(q.yaw) > rules.maxYawDeg || Math.abs(q.pitch) > rules.maxPitchDeg) {
    return refuse('not_frontal', `${REFUSAL_TEXT.not_frontal} (yaw ${Math.round(q.yaw)}°, pitch ${Math.round(q.pitch)}°)`);
  }
  if (q.sharpness < rules.minSharpness) return refuse('blurry', `${REFUSAL_TEXT.blurry} (sharpness ${q.sharpness.toFixed(2)} < ${rules.minSharpness})`);
  if (rules.requireLiveness[source]) {
    if (face.liveness === null || !Number.isFinite(face.liveness)) return refuse('liveness_unknown');
    if (face.liveness < rules.livenessMin)
      return refuse('spoof_suspected', `${REFUSAL_TEXT.spoof_suspected} (score ${face.liveness.toFixed(2)} < ${rules.livenessMin})`);
  }
  if (!q.ok) return refuse('poor_quality', `${REFUSAL_TEXT.poor_quality}${q.reasons.length ? ` (${q.reasons.join(', ')})` : ''}`);
  if (face.embedding === null) return refuse('no_embedding');
  if (dim !== null && face.embedding.length !== dim)
    return refuse('wrong_dimension', `${REFUSAL_TEXT.wrong_dimension} (${face.embedding.length}, gallery ${dim})`);
  return { ok: true, face: face as FaceObservation & { embedding: Float32Array } };
}
