import { Type } from '@sinclair/typebox';
import type { FastifyTypebox } from '../app-type.ts';
import { actor, audit, type AdminContext } from '../context.ts';
import { ApiError, notFound } from '../errors.ts';
import { DoorCommandReply, DoorParams, DoorStatusSchema, HoldBody, LockdownBody, replies } from '../schemas.ts';
import { doorJson } from './status.ts';

export function doorRoutes(app: FastifyTypebox, ctx: AdminContext): void {
  const doors = ctx.services.doors;
  const tags = ['door'];

  async function reply(door: string, accepted: boolean | null) {
    if (accepted === null) throw notFound(`door ${door}`);
    const s = await doors.status(door);
    return { accepted, status: s ? doorJson(s) : null };
  }

  app.get(
    '/api/doors',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Every door with its lock, position, mode and alarm',
        response: replies({ 200: Type.Object({ doors: Type.Array(DoorStatusSchema) }) }),
      },
    },
    async () => ({ doors: (await doors.list()).map(doorJson) }),
  );

  app.post(
    '/api/doors/:door/unlock',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Unlock once for the strike time (refused in lockdown: accepted=false)',
        params: DoorParams,
        response: replies({ 200: DoorCommandReply }),
      },
    },
    async (request) => {
      const { door } = request.params;
      const accepted = await doors.unlock(door, actor(request));
      if (accepted !== null) await audit(ctx, request, 'door.unlock', door, { accepted });
      return reply(door, accepted);
    },
  );

  app.post(
    '/api/doors/:door/hold',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Hold unlocked until a time; until=null ends the hold',
        params: DoorParams,
        body: HoldBody,
        response: replies({ 200: DoorCommandReply }),
      },
    },
    async (request) => {
      const { door } = request.params;
      const until = request.body.until === null ? null : new Date(request.body.until);
      if (until && until.getTime() <= ctx.clock.now()) throw new ApiError(422, 'validation_failed', 'body/until must be in the future');
      const accepted = await doors.holdUnlockedUntil(door, until, actor(request));
      if (accepted !== null) await audit(ctx, request, 'door.hold', door, { until: request.body.until, accepted });
      return reply(door, accepted);
    },
  );

  app.post(
    '/api/doors/:door/lockdown',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Lockdown on (no unlock by face, REX or API) or off',
        params: DoorParams,
        body: LockdownBody,
        response: replies({ 200: DoorCommandReply }),
      },
    },
    async (request) => {
      const { door } = request.params;
      const accepted = await doors.setLockdown(door, request.body.on, actor(request));
      if (accepted !== null) await audit(ctx, request, 'door.lockdown', door, { on: request.body.on, accepted });
      return reply(door, accepted);
    },
  );
}
