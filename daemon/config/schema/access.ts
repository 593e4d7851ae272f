import { Type } from '@sinclair/typebox';

export const AccessSection = Type.Object(
  {
    security_level: Type.Union([Type.Literal('far_1e-3'), Type.Literal('far_1e-4'), Type.Literal('far_1e-5')], {
      default: 'far_1e-4',
      description: 'False-accept rate the match threshold is set for (measured by npm run eval).',
    }),
    lockout_attempts: Type.Integer({ minimum: 1, maximum: 100, default: 5, description: 'Denied attempts within lockout_window_s that start a lockout.' }),
    lockout_window_s: Type.Integer({ minimum: 1, maximum: 86400, default: 60 }),
    lockout_cooldown_s: Type.Integer({ minimum: 1, maximum: 86400, default: 120 }),
  },
  { additionalProperties: false, default: {} },
);
