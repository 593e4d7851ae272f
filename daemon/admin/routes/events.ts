import { PassThrough } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyTypebox } from '../app-type.ts';
import { audit, type AdminContext } from '../context.ts';
import { stillValid, type Principal } from '../auth/guard.ts';
import type { DoorStatus, FacegateEvent } from '../deps.ts';
import { EventsPage, EventsQuery, IdParams, replies } from '../schemas.ts';
import { notFound } from '../errors.ts';
import { httpTimeouts } from '../http-timeouts.ts';
import { doorJson } from './status.ts';

export function eventsRoutes(app: FastifyTypebox, ctx: AdminContext): void {
  // Each open stream with who opened it: a stream ends when its session or token stops being valid.
  const streams = new Map<PassThrough, Principal>();
  // More often than admin.idle_timeout_s, so that the idle timeout ends only dead streams.
  const { heartbeatMs } = httpTimeouts(ctx.config.admin);
  const endInvalid = () => {
    for (const [s, p] of streams) if (!stillValid(p, ctx.auth)) s.end();
  };
  const offRevocation = ctx.auth.onRevocation(endInvalid);
  app.addHook('onClose', async () => {
    offRevocation();
    for (const s of streams.keys()) s.end();
  });

  app.get(
    '/api/events',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['events'],
        summary: 'Stored events, newest first; page with next_before',
        querystring: EventsQuery,
        response: replies({ 200: EventsPage }),
      },
    },
    async (request) => {
      const q = request.query;
      // Stored timestamps are toISOString() text: compare like with like (".000Z"), whatever offset was sent.
      const iso = (t: string | undefined) => (t === undefined ? undefined : new Date(t).toISOString());
      const rows = await ctx.services.events.query({ from: iso(q.from), to: iso(q.to), type: q.type, door: q.door, before: q.before, limit: q.limit });
      const last = rows[rows.length - 1];
      return { events: rows, next_before: rows.length === q.limit && last ? last.seq : null };
    },
  );

  app.get(
    '/api/events/:id/snapshot',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['events'],
        summary: 'The camera frame that concluded this access decision (only with privacy.snapshots_enabled); every view is audited',
        params: IdParams,
        produces: ['image/jpeg'],
        response: replies({ 200: Type.String({ description: 'the image, as the camera encoded it' }) }),
      },
    },
    async (request, reply) => {
      const snapshot = await ctx.services.snapshots.forEvent(request.params.id);
      if (!snapshot) throw notFound(`snapshot of event ${request.params.id}`);
      // Biometric data: who looked at whom is accountable, and no cache keeps a copy.
      await audit(ctx, request, 'privacy.snapshot.view', request.params.id, { taken_at: snapshot.taken_at });
      return reply.header('content-type', snapshot.mime).header('cache-control', 'no-store').send(Buffer.from(snapshot.image));
    },
  );

  app.get(
    '/api/events/stream',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['events'],
        summary: 'Server-Sent Events: "event" for each stored event, "door" for each door status change',
        produces: ['text/event-stream'],
        response: { 200: Type.String({ description: 'text/event-stream' }) },
      },
    },
    async (request, reply) => {
      const stream = new PassThrough();
      streams.set(stream, request.principal as Principal);
      const send = (name: string, data: unknown) => stream.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
      const offEvent = ctx.bus.on('event:stored', (e: FacegateEvent) => send('event', e));
      const offDoor = ctx.bus.on('door:status', (s: DoorStatus) => send('door', doorJson(s)));
      let timer = ctx.clock.setTimeout(function beat() {
        // Expiry has no event of its own: each heartbeat checks the session first.
        if (!stillValid(request.principal as Principal, ctx.auth)) return stream.end();
        stream.write(': keep-alive\n\n');
        timer = ctx.clock.setTimeout(beat, heartbeatMs);
      }, heartbeatMs);
      const cleanup = () => {
        offEvent();
        offDoor();
        ctx.clock.clearTimeout(timer);
        streams.delete(stream);
        stream.end();
      };
      request.raw.on('close', cleanup);
      stream.on('close', cleanup);
      stream.write('retry: 3000\n: connected\n\n');
      return reply
        .header('content-type', 'text/event-stream; charset=utf-8')
        .header('cache-control', 'no-cache, no-transform')
        .header('x-accel-buffering', 'no')
        .send(stream as unknown as string); // streams bypass the serializer; the schema only documents the type
    },
  );
}
