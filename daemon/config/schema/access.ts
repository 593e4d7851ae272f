import { Type } from '@sinclair/typebox';

export const AccessSection = Type.Object(
  {
    security_level: Type.Union([Type.Literal('far_1e-3'), Type.Literal('far_1e-4'), Type.Literal('far_1e-5')], {
      default: 'far_1e-4',
      description: 'False-accept rate the match threshold is set for (measured by npm run eval).',
    }),
    liveness_min: Type.Number({
      minimum: 0,
      maximum: 1,
      default: 0.5,
      description: 'Presentation-attack score a face needs to count as live; a face that cannot be judged is never granted.',
    }),
    lockout_attempts: Type.Integer({ minimum: 1, maximum: 100, default: 5, description: 'Denied attempts within lockout_window_s that start a lockout.' }),
    lockout_window_s: Type.Integer({ minimum: 1, maximum: 86400, default: 60, description: 'Window in which denied attempts are counted.' }),
    lockout_cooldown_s: Type.Integer({
      minimum: 1,
      maximum: 86400,
      default: 120,
      description: 'How long a lockout lasts; lockout_started and lockout_ended events mark it.',
    }),
  },
  { additionalProperties: false, default: {} },
);
