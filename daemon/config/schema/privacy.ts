import { Type } from '@sinclair/typebox';

export const PrivacySection = Type.Object(
  {
    event_retention_days: Type.Integer({ minimum: 1, maximum: 3650, default: 30 }),
  },
  { additionalProperties: false, default: {} },
);
