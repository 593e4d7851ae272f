import { Type } from '@sinclair/typebox';
import type { FastifyTypebox } from '../app-type.ts';
import { actor, audit, type AdminContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import { replies } from '../schemas.ts';
import { availableRuntimeKeys, redact, settingsPatchSchema } from '../settings.ts';

const SettingsReply = Type.Object(
  {
    effective: Type.Record(Type.String(), Type.Unknown(), { description: 'The running configuration; secrets show as "[redacted]".' }),
    runtime_changeable: Type.Array(Type.String()),
    overrides: Type.Record(Type.String(), Type.Unknown(), { description: 'Keys changed from the panel, kept in the database.' }),
  },
  { additionalProperties: false },
);
const PatchReply = Type.Object(
  { changed: Type.Array(Type.String()), applied_now: Type.Array(Type.String()), applied_at_next_start: Type.Array(Type.String()) },
  { additionalProperties: false },
);

export function settingsRoutes(app: FastifyTypebox, ctx: AdminContext): void {
  const tags = ['settings'];
  const read = () => ({
    effective: redact(ctx.settings.config) as Record<string, unknown>,
    runtime_changeable: availableRuntimeKeys(),
    overrides: ctx.settings.overrides(),
  });

  app.get(
    '/api/settings',
    {
      config: { access: 'admin' },
      schema: { tags, summary: 'The effective configuration (secrets redacted) and what can change at run time', response: replies({ 200: SettingsReply }) },
    },
    async () => read(),
  );

  app.patch(
    '/api/settings',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Change runtime-changeable keys; the whole result is validated first',
        body: settingsPatchSchema(),
        response: replies({ 200: PatchReply }),
      },
    },
    async (request) => {
      const body = request.body as Record<string, unknown>;
      const out = ctx.settings.update(body, actor(request), new Date(ctx.clock.now()).toISOString());
      if ('problems' in out) throw new ApiError(422, 'validation_failed', out.problems.join('; '));
      await audit(ctx, request, 'settings.update', null, { changed: out.changed, values: body });
      return { changed: out.changed, applied_now: out.live, applied_at_next_start: out.nextStart };
    },
  );
}
