/**
 * GET /api/camera/preview: the camera framing preview as Server-Sent Events (issue 21), for the
 * installer framing the camera and the person enrolling. Admin only; each start is audited (who
 * looked at the live camera, never a frame). The stream ends when the client goes, when the
 * session's time is up, or when the session or token stops being valid; frames a slow client has
 * not taken yet are skipped rather than queued.
 */
import { PassThrough } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyTypebox } from '../app-type.ts';
import { audit, type AdminContext } from '../context.ts';
import { stillValid, type Principal } from '../auth/guard.ts';
import { ServiceError } from '../services.ts';
import { httpTimeouts } from '../http-timeouts.ts';
import { replies } from '../schemas.ts';
import type { PreviewFrame, PreviewSession } from '../preview/types.ts';

/** More than this many bytes unsent: the client is slow, the frame is dropped. */
const BACKLOG_BYTES = 256 * 1024;

const frameJson = (f: PreviewFrame) => ({
  seq: f.seq,
  captured_at: new Date(f.capturedAt).toISOString(),
  width: f.width,
  height: f.height,
  jpeg_base64: Buffer.from(f.jpeg).toString('base64'),
  faces: f.faces,
  verdict: f.verdict,
  analysis_seq: f.analysisSeq,
});

export function cameraPreviewRoutes(app: FastifyTypebox, ctx: AdminContext): void {
  const streams = new Map<PassThrough, Principal>();
  const { heartbeatMs } = httpTimeouts(ctx.config.admin);
  const offRevocation = ctx.auth.onRevocation(() => {
    for (const [s, p] of streams) if (!stillValid(p, ctx.auth)) s.end();
  });
  app.addHook('onClose', async () => {
    offRevocation();
    for (const s of streams.keys()) s.end();
  });

  app.get(
    '/api/camera/preview',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['camera'],
        summary:
          'Server-Sent Events: the live camera at a low rate for framing ("open" {fps, max_seconds}, then "frame" {jpeg_base64, width, height, faces [{box, reasons}], verdict}, "end" {reason}); never stored; each start is audited',
        produces: ['text/event-stream'],
        response: replies({ 200: Type.String({ description: 'text/event-stream' }) }),
      },
    },
    async (request, reply) => {
      if (!ctx.services.preview) throw new ServiceError('unavailable', 'this daemon has no camera preview');
      const stream = new PassThrough();
      const send = (name: string, data: unknown): void => {
        if (stream.writableLength > BACKLOG_BYTES) return;
        stream.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      const session: PreviewSession = await ctx.services.preview.open({
        frame: (f) => send('frame', frameJson(f)),
        end: (reason) => {
          send('end', { reason });
          stream.end();
        },
      });
      try {
        await audit(ctx, request, 'camera.preview.start', null, { fps: session.fps, max_seconds: session.maxSeconds });
      } catch (err) {
        session.close();
        throw err;
      }
      const principal = request.principal as Principal;
      streams.set(stream, principal);
      let timer = ctx.clock.setTimeout(function beat() {
        if (!stillValid(principal, ctx.auth)) return stream.end();
        stream.write(': keep-alive\n\n');
        timer = ctx.clock.setTimeout(beat, heartbeatMs);
      }, heartbeatMs);
      const cleanup = (): void => {
        session.close();
        ctx.clock.clearTimeout(timer);
        streams.delete(stream);
        stream.end();
      };
      request.raw.on('close', cleanup);
      stream.on('close', cleanup);
      if (request.raw.destroyed) cleanup();
      send('open', { fps: session.fps, max_seconds: session.maxSeconds });
      return reply
        .header('content-type', 'text/event-stream; charset=utf-8')
        .header('cache-control', 'no-store, no-transform')
        .header('x-accel-buffering', 'no')
        .send(stream as unknown as string); // streams bypass the serializer; the schema only documents the type
    },
  );
}
