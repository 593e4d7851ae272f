/**
 * The panel's long-lived Server-Sent Event streams (the event stream, the camera preview): each
 * sends a keep-alive comment more often than admin.idle_timeout_s (so that the idle timeout ends
 * only dead streams), and ends when its session or token stops being valid (revoked now, or
 * expired by the next heartbeat) and when the server closes.
 */
import { PassThrough } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyTypebox } from '../app-type.ts';
import type { AdminContext } from '../context.ts';
import { stillValid, type Principal } from '../auth/guard.ts';
import { httpTimeouts } from '../http-timeouts.ts';

export interface LiveStream {
  stream: PassThrough;
  /** Sends one event. */
  send(name: string, data: unknown): void;
}

export interface LiveStreams {
  /** A new stream for the request's caller; `onClose` runs once when it ends, whichever side ends it. */
  open(request: FastifyRequest, onClose: () => void): LiveStream;
}

export function liveStreams(app: FastifyTypebox, ctx: AdminContext): LiveStreams {
  const streams = new Map<PassThrough, Principal>();
  const { heartbeatMs } = httpTimeouts(ctx.config.admin);
  const offRevocation = ctx.auth.onRevocation(() => {
    for (const [s, p] of streams) if (!stillValid(p, ctx.auth)) s.end();
  });
  app.addHook('onClose', async () => {
    offRevocation();
    for (const s of streams.keys()) s.end();
  });
  return {
    open(request, onClose) {
      const principal = request.principal as Principal;
      const stream = new PassThrough();
      streams.set(stream, principal);
      let timer = ctx.clock.setTimeout(function beat() {
        if (!stillValid(principal, ctx.auth)) return stream.end();
        stream.write(': keep-alive\n\n');
        timer = ctx.clock.setTimeout(beat, heartbeatMs);
      }, heartbeatMs);
      let closed = false;
      const close = (): void => {
        if (closed) return;
        closed = true;
        ctx.clock.clearTimeout(timer);
        streams.delete(stream);
        stream.end();
        onClose();
      };
      request.raw.on('close', close);
      stream.on('close', close);
      // A client already gone: closed once the caller has set up what onClose undoes.
      if (request.raw.destroyed) queueMicrotask(close);
      return { stream, send: (name, data) => void stream.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`) };
    },
  };
}

/** Replies with the stream; `cache` is the Cache-Control it goes with. */
export function sendStream(reply: FastifyReply, stream: PassThrough, cache: string): FastifyReply {
  return reply
    .header('content-type', 'text/event-stream; charset=utf-8')
    .header('cache-control', cache)
    .header('x-accel-buffering', 'no')
    .send(stream as unknown as string); // streams bypass the serializer; the schema only documents the type
}
