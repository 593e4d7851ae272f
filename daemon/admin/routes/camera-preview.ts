/**
 * GET /api/camera/preview: the camera framing preview as Server-Sent Events (issue 21), for the
 * installer framing the camera and the person enrolling. Admin only; each start is audited (who
 * looked at the live camera, never a frame). The stream ends when the client goes, when the
 * session's time is up, or when the session or token stops being valid; frames a slow client has
 * not taken yet are skipped rather than queued.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyTypebox } from '../app-type.ts';
import { audit, type AdminContext } from '../context.ts';
import { ServiceError } from '../services.ts';
import { replies } from '../schemas.ts';
import type { PreviewFrame } from '../preview/types.ts';
import { liveStreams, sendStream, type LiveStream } from './live-streams.ts';

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
  const streams = liveStreams(app, ctx);

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
      let live: LiveStream | null = null;
      // Frames a slow client has not taken yet are dropped, not queued.
      const send = (name: string, data: unknown): void => {
        if (live && live.stream.writableLength <= BACKLOG_BYTES) live.send(name, data);
      };
      const session = await ctx.services.preview.open({
        frame: (f) => send('frame', frameJson(f)),
        end: (reason) => {
          send('end', { reason });
          live?.stream.end();
        },
      });
      try {
        await audit(ctx, request, 'camera.preview.start', null, { fps: session.fps, max_seconds: session.maxSeconds });
      } catch (err) {
        session.close();
        throw err;
      }
      live = streams.open(request, () => session.close());
      send('open', { fps: session.fps, max_seconds: session.maxSeconds });
      return sendStream(reply, live.stream, 'no-store, no-transform');
    },
  );
}
