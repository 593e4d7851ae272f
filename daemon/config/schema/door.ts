import { Type } from '@sinclair/typebox';

export const DoorEntry = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9_-]{1,32}$', description: 'Used in MQTT topics and events.' }),
    name: Type.String({ minLength: 1, maxLength: 64 }),
    driver: Type.Union([Type.Literal('auto'), Type.Literal('onoff'), Type.Literal('simulated')], {
      default: 'auto',
      description: 'auto: onoff where /sys/class/gpio exists, else simulated.',
    }),
    unlock_pulse_ms: Type.Integer({ minimum: 100, maximum: 60000, default: 3000, description: 'Strike time.' }),
  },
  { additionalProperties: false },
);

export const DoorsSection = Type.Array(DoorEntry, {
  minItems: 1,
  maxItems: 8,
  default: [{ id: 'front', name: 'Front door', driver: 'auto', unlock_pulse_ms: 3000 }],
});
