import { Type } from '@sinclair/typebox';
import type { FastifyTypebox } from '../app-type.ts';
import { audit, type AdminContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { IdParams, replies } from '../schemas.ts';

const Wiegand = (format: 'wiegand26' | 'wiegand34', facilityMax: number) =>
  Type.Object(
    {
      format: Type.Literal(format),
      facility: Type.Integer({ minimum: 0, maximum: facilityMax, description: 'facility code' }),
      card: Type.Integer({ minimum: 0, maximum: 65535, description: 'card number' }),
    },
    { additionalProperties: false },
  );
const Raw = Type.Object(
  {
    format: Type.Literal('raw'),
    bits: Type.Integer({ minimum: 1, maximum: 1024 }),
    hex: Type.String({ pattern: '^([0-9a-fA-F]{2})+$', maxLength: 256, description: 'the bits, most significant first, zero padded to whole bytes' }),
  },
  { additionalProperties: false },
);
const CredentialSchema = Type.Union([Wiegand('wiegand26', 255), Wiegand('wiegand34', 65535), Raw], {
  description: 'wiegand26: HID H10301; wiegand34: HID H10306; raw: any other layout, as its bits',
});
const CardView = Type.Object({ credential: Type.Union([CredentialSchema, Type.Null()]) }, { additionalProperties: false });

const Led = Type.Object({}, { additionalProperties: true });
const StatusView = Type.Object(
  {
    enabled: Type.Boolean(),
    line: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed')])),
    panel: Type.Optional(Type.Union([Type.Literal('online'), Type.Literal('offline')])),
    led: Type.Optional(Type.Union([Led, Type.Null()])),
    buzzer: Type.Optional(Type.Union([Led, Type.Null()])),
    outputs: Type.Optional(Type.Array(Type.Boolean())),
    credentialsSent: Type.Optional(Type.Integer()),
    credentialsWaiting: Type.Optional(Type.Integer()),
    secureChannel: Type.Optional(Type.String()),
    installMode: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** facegate as an OSDP reader: its state, and each person's card for the panel. Cards are admin only; every change is audited, never with the number. */
export function osdpRoutes(app: FastifyTypebox, ctx: AdminContext): void {
  const tags = ['osdp'];

  app.get(
    '/api/osdp',
    {
      config: { access: 'viewer' },
      schema: { tags, summary: 'The OSDP reader: the line, the panel, what the panel last showed, the secure channel', response: replies({ 200: StatusView }) },
    },
    async () => {
      const s = await ctx.services.osdp.status();
      return s ? { enabled: true, ...s } : { enabled: false };
    },
  );

  app.get(
    '/api/people/:id/card',
    {
      config: { access: 'admin' },
      schema: { tags, summary: "The person's card credential for the access-control panel", params: IdParams, response: replies({ 200: CardView }) },
    },
    async (request) => {
      const r = await ctx.services.osdp.card(request.params.id);
      if (!r) throw notFound(`person ${request.params.id}`);
      return r;
    },
  );

  app.put(
    '/api/people/:id/card',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Set the card the panel knows the person by; sent on their grants when osdp.enabled',
        params: IdParams,
        body: CredentialSchema,
        response: replies({ 200: CardView }),
      },
    },
    async (request) => {
      const r = await ctx.services.osdp.setCard(request.params.id, request.body);
      if (!r) throw notFound(`person ${request.params.id}`);
      await audit(ctx, request, 'osdp.credential.set', request.params.id, { format: request.body.format });
      return r;
    },
  );

  app.delete(
    '/api/people/:id/card',
    { config: { access: 'admin' }, schema: { tags, summary: "Remove the person's card credential", params: IdParams, response: replies({ 200: CardView }) } },
    async (request) => {
      const r = await ctx.services.osdp.setCard(request.params.id, null);
      if (!r) throw notFound(`person ${request.params.id}`);
      await audit(ctx, request, 'osdp.credential.clear', request.params.id);
      return r;
    },
  );
}
