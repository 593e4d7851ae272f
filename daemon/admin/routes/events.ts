import { Type } from '@sinclair/typebox';
import type { FastifyTypebox } from '../app-type.ts';
import { audit, type AdminContext } from '../context.ts';
import type { DoorStatus, FacegateEvent } from '../deps.ts';
import { EventsPage, EventsQuery, IdParams, replies } from '../schemas.ts';
import { notFound } from '../errors.ts';
import { liveStreams, sendStream } from './live-streams.ts';
import { doorJson } from './status.ts';

export function eventsRoutes(app: FastifyTypebox, ctx: AdminContext): void {
  // A stream ends when its session or token stops being valid.
  const streams = liveStreams(app, ctx);

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
      const { stream, send } = streams.open(request, () => {
        offEvent();
        offDoor();
      });
      const offEvent = ctx.bus.on('event:stored', (e: FacegateEvent) => send('event', e));
      const offDoor = ctx.bus.on('door:status', (s: DoorStatus) => send('door', doorJson(s)));
      stream.write('retry: 3000\n: connected\n\n');
      return sendStream(reply, stream, 'no-cache, no-transform');
    },
  );
}
