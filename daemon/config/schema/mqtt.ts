import { Type } from '@sinclair/typebox';

export const MqttSection = Type.Object(
  {
    url: Type.Union([Type.String({ pattern: '^(mqtts?|wss?)://' }), Type.Null()], {
      default: null,
      description: 'null: start an embedded broker on 127.0.0.1 so facegate runs out of the box.',
    }),
    base_topic: Type.String({ pattern: '^[^#+/][^#+]*$', default: 'facegate' }),
    username: Type.Union([Type.String(), Type.Null()], { default: null }),
    password: Type.Union([Type.String(), Type.Null()], { default: null, description: 'Better given as the systemd credential mqtt.password.' }),
  },
  { additionalProperties: false, default: {} },
);
