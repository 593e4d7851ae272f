import { Type } from '@sinclair/typebox';

const VariantName = Type.Union([Type.Literal('float32'), Type.Literal('float16'), Type.Literal('uint8'), Type.Literal('int8')]);

export const VisionSection = Type.Object(
  {
    backend: Type.Union([Type.Literal('auto'), Type.Literal('tensorflow'), Type.Literal('wasm')], {
      default: 'auto',
      description: 'auto uses @tensorflow/tfjs-node when it loads, else WASM with SIMD.',
    }),
    worker: Type.Boolean({
      default: true,
      description: 'Run inference in a worker thread so the event loop (admin API, door timing) stays responsive.',
    }),
    detector: Type.Object(
      {
        model: Type.Union([Type.Literal('blazeface')], { default: 'blazeface', description: 'Face detector (a name in models/manifest.json).' }),
        min_score: Type.Number({ default: 0.5, minimum: 0.05, maximum: 0.99, description: 'Detections scoring below this are dropped.' }),
        iou: Type.Number({ default: 0.3, minimum: 0.05, maximum: 0.95, description: 'Overlap above which two detections are merged into one face.' }),
        max_faces: Type.Integer({ default: 5, minimum: 1, maximum: 50, description: 'At most this many faces per frame, largest score first.' }),
        refine: Type.Boolean({
          default: false,
          description:
            'Detect again on a crop around faces that are small in the frame: steadier keypoints for one more detector run (~20 ms) per such face. Off by default: the mesh gives finer alignment points for a third of that (models/README.md).',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    embedder: Type.Object(
      {
        model: Type.Union([Type.Literal('faceplugin-feature'), Type.Literal('mobileface'), Type.Literal('faceres'), Type.Literal('faceres-deep')], {
          default: 'faceplugin-feature',
          description:
            'Verification embedder (a name in models/manifest.json); see models/README.md for the measured comparison. Changing it invalidates enrolled templates.',
        }),
        flip: Type.Boolean({
          default: false,
          description:
            'Average the embeddings of the face and its mirror image: twice the embedding time; it helped the weaker embedders (mobileface), not faceplugin-feature (see models/README.md).',
        }),
        threads: Type.Integer({
          default: 2,
          minimum: 1,
          maximum: 8,
          description:
            'Threads onnxruntime-web runs an ONNX embedder on (faceplugin-feature): 2 made it ~35 % faster on a 2-core machine for ~40 MB more memory; 1 keeps it on the vision worker alone. tfjs models always use one.',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    variant: Type.Union(
      [
        VariantName,
        Type.Record(Type.String({ minLength: 1 }), VariantName, {
          description: 'Per model name (e.g. faceplugin-feature: int8), with `default` for the models not named (float16 when absent).',
        }),
      ],
      {
        default: 'float16',
        description:
          'Model variants, for every model or per model name. tfjs models: float32 as shipped, or a weight-quantized copy from models/ (float16 gives the same embeddings from half the bytes; uint8 moves them too far; tfjs computes in float32 either way). ONNX models: float32 as shipped (asked as float16 or uint8 too), or int8: a static int8 QDQ copy derived at install from the pinned float file, which computes in int8 (see models/README.md for what it does to accuracy and speed).',
      },
    ),
    quality: Type.Object(
      {
        min_face_px: Type.Number({ default: 40, minimum: 0, description: 'Faces narrower than this (px in the frame) are not embedded (reason too_small).' }),
        min_sharpness: Type.Number({ default: 20, minimum: 0, description: 'Laplacian variance of the aligned crop below which a face counts as blurred.' }),
        max_yaw_deg: Type.Number({
          default: 60,
          minimum: 0,
          maximum: 90,
          description:
            'Estimated head turn (degrees) above which a face is not embedded (reason turned_away). The estimate from the detector keypoints reads high (median 13 degrees on near-frontal LFW photos).',
        }),
        max_pitch_deg: Type.Number({
          default: 40,
          minimum: 0,
          maximum: 90,
          description: 'Estimated head nod (degrees) above which a face is not embedded (reason tilted).',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    attributes: Type.Object(
      {
        emotion: Type.Boolean({
          default: false,
          description: 'Off by default: emotion inference is banned in EU workplaces and schools (AI Act Art. 5(1)(f)). Never used for a decision.',
        }),
        age_gender: Type.Boolean({ default: false, description: 'Off by default. Never used for a decision.' }),
      },
      { additionalProperties: false, default: {} },
    ),
    mesh: Type.Object(
      {
        enabled: Type.Boolean({
          default: true,
          description:
            'Dense landmarks: the 468-point MediaPipe face mesh of each face, reported with the face and used for its alignment points (eye centres, mouth corners: lfw-dev accuracy 99.1 % with, 98.9 % without). Costs one more model run per face: about 7 ms p50 on a 2-core machine with WASM (models/README.md). Off: the detector keypoints align the face and mesh is null.',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false, default: {} },
);
