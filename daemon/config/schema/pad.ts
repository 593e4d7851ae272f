import { Type } from '@sinclair/typebox';

/** Presentation-attack detection (daemon/vision/pad): how sure the door must be that a face is live. */
export const PadSection = Type.Object(
  {
    enabled: Type.Boolean({
      default: true,
      description: 'Judge every face for presentation attacks (printed photos). Off means no face is ever judged live, so no face opens the door.',
    }),
    security_level: Type.Union([Type.Literal('convenience'), Type.Literal('balanced'), Type.Literal('strict')], {
      default: 'balanced',
      description:
        "Where the PAD score crosses 0.5 (access.liveness_min): a quarter (convenience), half (balanced) or three quarters (strict) of the way from the highest printed-photo score to the live faces in subject-disjoint scores of the training data; stricter rejects more photos and more live faces. `facegate pad selftest` measures each level on the door's own camera.",
    }),
    min_face_px: Type.Integer({
      minimum: 16,
      maximum: 4096,
      default: 64,
      description: 'Faces narrower than this many pixels are not judged (their texture is lost), so they are never granted.',
    }),
    multi_frame: Type.Boolean({
      default: true,
      description: 'Add evidence across the frames of a tracked face: landmark motion that one plane (a photo) cannot explain, and eye blinks.',
    }),
    challenge: Type.Union([Type.Literal('none'), Type.Literal('blink'), Type.Literal('turn')], {
      default: 'none',
      description:
        'Active challenge a face must pass before it can be live: none, blink (needs the face mesh), or turn (turn the head a little so it shows depth).',
    }),
    max_track_frames: Type.Integer({ minimum: 2, maximum: 600, default: 30, description: 'Frames of one tracked face kept for the multi-frame evidence.' }),
  },
  { additionalProperties: false, default: {} },
);
