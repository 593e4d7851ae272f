import type { FastifyTypebox } from '../app-type.ts';
import { audit, type AdminContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { replies } from '../schemas.ts';
import { AdaptationChangeSchema, SelftestStartBody, SelftestViewSchema } from '../selftest-schema.ts';
import { acceptAdaptation } from './pad-adaptation.ts';
import { ServiceError, type PadSelftestService, type SelftestView } from '../services.ts';

/** The PAD self-test wizard: start a run, start each phase, read the state and report, cancel. Admin only. */
export function padSelftestRoutes(app: FastifyTypebox, ctx: AdminContext): void {
  const tags = ['pad'];
  const service = (): PadSelftestService => {
    if (!ctx.services.padSelftest) throw new ServiceError('unavailable', "the PAD self-test needs the daemon's live pipeline, which is not running here");
    return ctx.services.padSelftest;
  };
  const found = (view: SelftestView | null): SelftestView => {
    if (!view) throw notFound('self-test run');
    return view;
  };
  const response = replies({ 200: SelftestViewSchema });

  app.post(
    '/api/pad/selftest',
    {
      config: { access: 'admin' },
      schema: { tags, summary: 'Start a self-test run (one at a time); it waits for the first phase', body: SelftestStartBody, response },
    },
    async (request) => {
      const { adapt_people: adaptPeople, ...rest } = request.body;
      const view = await service().start({ ...rest, ...(adaptPeople !== undefined ? { adaptPeople } : {}) });
      await audit(ctx, request, 'pad.selftest.start', view.id, { phases: view.phases, seconds: view.seconds, adapt_people: adaptPeople ?? null });
      return view;
    },
  );

  app.post(
    '/api/pad/selftest/next',
    {
      config: { access: 'admin' },
      schema: { tags, summary: 'Start the next phase of the run (present what its prompt says for its seconds)', response },
    },
    async (request) => {
      const view = found(await service().next());
      await audit(ctx, request, 'pad.selftest.phase', view.id, { phase: view.phase });
      return view;
    },
  );

  app.post(
    '/api/pad/selftest/accept',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: "Accept the adaptation the last run proposed as the camera door's own PAD model (as PUT /api/doors/:door/pad-adaptation would)",
        response: replies({ 200: AdaptationChangeSchema }),
      },
    },
    async (request) => {
      const file = await service().proposal();
      if (file === null) throw new ServiceError('conflict', 'the last self-test proposed no adaptation: run it with people presenting until it proposes one');
      return acceptAdaptation(ctx, request, ctx.config.camera.door, file, 'selftest');
    },
  );

  app.get(
    '/api/pad/selftest',
    {
      config: { access: 'admin' },
      schema: { tags, summary: 'The current or last run: phase, countdown, frame counts, and the report once done (numbers only)', response },
    },
    async () => found(await service().state()),
  );

  app.delete(
    '/api/pad/selftest',
    {
      config: { access: 'admin' },
      schema: { tags, summary: 'Cancel the run (a finished run stays as it is)', response },
    },
    async (request) => {
      const view = found(await service().cancel());
      await audit(ctx, request, 'pad.selftest.cancel', view.id, { status: view.status });
      return view;
    },
  );
}
