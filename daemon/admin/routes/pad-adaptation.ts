import type { FastifyRequest } from 'fastify';
import type { FastifyTypebox } from '../app-type.ts';
import { actor, audit, type AdminContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { DoorParams, replies } from '../schemas.ts';
import { AdaptationChangeSchema, AdaptationFileBody, AdaptationViewSchema } from '../selftest-schema.ts';
import { ServiceError, type AdaptationView, type PadAdaptationService } from '../services.ts';

/** An adaptation file is about 30 KB; a door's own model has nothing to be larger for. */
const FILE_LIMIT = 256 * 1024;

const service = (ctx: AdminContext): PadAdaptationService => {
  if (!ctx.services.padAdaptation) throw new ServiceError('unavailable', 'pad.enabled is false: no face is judged, so there is no PAD model to adapt');
  return ctx.services.padAdaptation;
};
const found = <T>(door: string, v: T | null): T => {
  if (v === null) throw notFound(`door ${door}`);
  return v;
};
const figures = (s: AdaptationView) => ({ sha256: s.sha256, level: s.adaptation?.level, before: s.adaptation?.before, after: s.adaptation?.after });

/** Accepts a file for a door and audits it (accept, or replace when one was kept): the upload's and the wizard's one path. */
export async function acceptAdaptation(ctx: AdminContext, request: FastifyRequest, door: string, file: unknown, from: 'upload' | 'selftest') {
  const r = found(door, await service(ctx).accept(door, file, actor(request)));
  await audit(ctx, request, r.changed ? 'pad.adaptation.replace' : 'pad.adaptation.accept', door, { ...figures(r.status), from });
  return r;
}

/** A door's own PAD model (issue 26): see it, accept or replace it, remove it. Admin only, every change audited. */
export function padAdaptationRoutes(app: FastifyTypebox, ctx: AdminContext): void {
  const tags = ['pad'];

  app.get(
    '/api/doors/:door/pad-adaptation',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: "The door's PAD adaptation: none, active, or kept but not used (stale, invalid) and why",
        params: DoorParams,
        response: replies({ 200: AdaptationViewSchema }),
      },
    },
    async (request) => found(request.params.door, await service(ctx).status(request.params.door)),
  );

  app.put(
    '/api/doors/:door/pad-adaptation',
    {
      bodyLimit: FILE_LIMIT,
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Accept (or replace) the adaptation `facegate pad selftest --adapt` proposed; checked against the installed models first',
        params: DoorParams,
        body: AdaptationFileBody,
        response: replies({ 200: AdaptationChangeSchema }),
      },
    },
    async (request) => acceptAdaptation(ctx, request, request.params.door, request.body, 'upload'),
  );

  app.delete(
    '/api/doors/:door/pad-adaptation',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Remove the adaptation: the shipped model judges the door again',
        params: DoorParams,
        response: replies({ 200: AdaptationChangeSchema }),
      },
    },
    async (request) => {
      const { door } = request.params;
      const before = found(door, await service(ctx).status(door));
      const r = found(door, await service(ctx).remove(door, actor(request)));
      if (r.changed) await audit(ctx, request, 'pad.adaptation.remove', door, { sha256: before.sha256 });
      return r;
    },
  );
}
