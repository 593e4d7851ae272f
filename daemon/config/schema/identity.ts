import { Type } from '@sinclair/typebox';

export const IdentitySection = Type.Object(
  {
    thresholds_file: Type.Union([Type.String({ minLength: 1 }), Type.Null()], {
      default: 'models/thresholds.json',
      description: 'Match thresholds per security level as measured by npm run eval; missing = strict built-in fallbacks.',
    }),
    match_threshold: Type.Union([Type.Number({ minimum: -1, maximum: 1 }), Type.Null()], {
      default: null,
      description: 'A cosine threshold that overrides access.security_level for everyone (a person may still have their own).',
    }),
    min_margin: Type.Number({
      minimum: 0,
      maximum: 2,
      default: 0,
      description: 'Best score minus the best other person needed for a match; > 0 refuses faces that look like two enrolled people.',
    }),
    vote_frames: Type.Integer({
      minimum: 1,
      maximum: 30,
      default: 2,
      description: 'Frames of one tracked face that must agree on a person before a decision (2 at 10 fps = 0.2 s).',
    }),
    unknown_frames: Type.Integer({ minimum: 1, maximum: 60, default: 4, description: 'Frames that must agree on nobody before a face is called unknown.' }),
    vote_window_ms: Type.Integer({ minimum: 50, maximum: 10000, default: 1000, description: 'Votes older than this no longer count.' }),
    track_iou: Type.Number({
      minimum: 0.05,
      maximum: 1,
      default: 0.3,
      description: 'Box overlap (IoU) that continues a face track from one frame to the next.',
    }),
    track_continuity: Type.Number({ minimum: 0, maximum: 1, default: 0.6, description: 'Embedding similarity that continues a track when the box jumped.' }),
    track_timeout_ms: Type.Integer({
      minimum: 100,
      maximum: 60000,
      default: 1500,
      description: 'A track unseen for this long ends; the same person seen again later starts a new track and a new decision.',
    }),
    enroll: Type.Object(
      {
        max_photo_bytes: Type.Integer({ minimum: 1024, maximum: 104857600, default: 10485760, description: 'Larger uploads are refused before decoding.' }),
        min_face_px: Type.Integer({ minimum: 16, maximum: 2000, default: 80, description: 'Smallest face side, in pixels, a template is made from.' }),
        max_yaw_deg: Type.Number({ minimum: 0, maximum: 90, default: 25, description: 'Frontal pose: largest head turn left/right.' }),
        max_pitch_deg: Type.Number({ minimum: 0, maximum: 90, default: 25, description: 'Frontal pose: largest head tilt up/down.' }),
        min_sharpness: Type.Number({
          minimum: 0,
          default: 0,
          description: "Smallest sharpness (vision's quality.sharpness); 0 leaves it to vision's own quality verdict.",
        }),
        require_liveness: Type.Union(
          [
            Type.Object(
              {
                camera: Type.Boolean({
                  default: true,
                  description: "Faces captured by the door's camera (admin panel: enroll from camera) must pass the presentation-attack check.",
                }),
                upload: Type.Boolean({
                  default: false,
                  description:
                    'Uploaded photos and facegate enroll folders must pass it too (off: the PAD model calls many ordinary portraits from other cameras attacks; the live check at every passage is what stops a photo).',
                }),
              },
              { additionalProperties: false },
            ),
            Type.Boolean(),
          ],
          {
            default: { camera: true, upload: false },
            description: 'Enrollment faces that must pass the presentation-attack check, per source; true or false (the old form) sets both sources.',
          },
        ),
        background_face_ratio: Type.Number({
          minimum: 0,
          maximum: 1,
          default: 0.5,
          description: 'Faces smaller than this fraction of the largest are ignored as background faces.',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false, default: {} },
);
