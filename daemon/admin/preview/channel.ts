/**
 * The framing preview across the admin worker's boundary. A request/response call cannot carry a
 * stream, so frames are pushed: the worker asks to open a session (its own id), the main thread
 * answers opened or refused, then pushes frames until either side ends it. When the worker goes
 * away, the main thread ends its sessions (sampling stops with them).
 */
import { ServiceError } from '../services.ts';
import type { RpcPort } from '../deps.ts';
import type { CameraPreviewService, PreviewEndReason, PreviewFrame, PreviewSession, PreviewViewer } from './types.ts';

export type PreviewToWorker =
  | { type: 'preview-opened'; id: number; fps: number; maxSeconds: number }
  | { type: 'preview-refused'; id: number; kind: ServiceError['kind']; message: string }
  | { type: 'preview-frame'; id: number; frame: PreviewFrame }
  | { type: 'preview-end'; id: number; reason: PreviewEndReason };

export type PreviewFromWorker = { type: 'preview-open'; id: number } | { type: 'preview-close'; id: number };

const isType = <T extends { type: string }>(m: unknown, types: readonly string[]): m is T =>
  typeof m === 'object' && m !== null && types.includes((m as { type?: unknown }).type as string);

/** Main thread: opens sessions on `preview` for the worker at `port`. Returns what ends them all (the worker exited). */
export function servePreview(port: RpcPort, preview: CameraPreviewService): () => void {
  const sessions = new Map<number, PreviewSession>();
  const post = (m: PreviewToWorker): void => port.postMessage(m);
  const onMessage = (m: unknown): void => {
    if (!isType<PreviewFromWorker>(m, ['preview-open', 'preview-close'])) return;
    if (m.type === 'preview-close') {
      sessions.get(m.id)?.close();
      sessions.delete(m.id);
      return;
    }
    const { id } = m;
    const viewer: PreviewViewer = {
      frame: (frame) => post({ type: 'preview-frame', id, frame }),
      end: (reason) => {
        sessions.delete(id);
        post({ type: 'preview-end', id, reason });
      },
    };
    void (async () => {
      try {
        const session = await preview.open(viewer);
        sessions.set(id, session);
        post({ type: 'preview-opened', id, fps: session.fps, maxSeconds: session.maxSeconds });
      } catch (err) {
        const kind = err instanceof ServiceError ? err.kind : 'unavailable';
        post({ type: 'preview-refused', id, kind, message: (err as Error).message });
      }
    })();
  };
  port.on('message', onMessage);
  return () => {
    port.off('message', onMessage);
    for (const s of sessions.values()) s.close();
    sessions.clear();
  };
}

/** Admin worker: the preview as messages to the main thread. */
export function remotePreview(port: RpcPort): CameraPreviewService & { close(): void } {
  let nextId = 1;
  const viewers = new Map<number, PreviewViewer>();
  const waiting = new Map<number, { resolve: (s: PreviewSession) => void; reject: (e: Error) => void }>();
  const post = (m: PreviewFromWorker): void => port.postMessage(m);
  const onMessage = (m: unknown): void => {
    if (!isType<PreviewToWorker>(m, ['preview-opened', 'preview-refused', 'preview-frame', 'preview-end'])) return;
    if (m.type === 'preview-frame') return viewers.get(m.id)?.frame(m.frame);
    if (m.type === 'preview-end') {
      viewers.get(m.id)?.end(m.reason);
      viewers.delete(m.id);
      return;
    }
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.type === 'preview-refused') {
      viewers.delete(m.id);
      return w?.reject(new ServiceError(m.kind, m.message));
    }
    w?.resolve({
      fps: m.fps,
      maxSeconds: m.maxSeconds,
      close: () => {
        if (viewers.delete(m.id)) post({ type: 'preview-close', id: m.id });
      },
    });
  };
  port.on('message', onMessage);
  return {
    open(viewer) {
      const id = nextId++;
      viewers.set(id, viewer);
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        post({ type: 'preview-open', id });
      });
    },
    /** The worker stops: every open preview ends. */
    close() {
      port.off('message', onMessage);
      for (const w of waiting.values()) w.reject(new ServiceError('unavailable', 'the admin panel is stopping'));
      for (const v of viewers.values()) v.end('stopped');
      waiting.clear();
      viewers.clear();
    },
  };
}
