import { Type } from '@sinclair/typebox';

export const AdminSection = Type.Object(
  {
    enabled: Type.Boolean({ default: true }),
    host: Type.String({ minLength: 1, default: '127.0.0.1', description: 'Plain HTTP only on localhost unless a certificate is configured.' }),
    port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
  },
  { additionalProperties: false, default: {} },
);
