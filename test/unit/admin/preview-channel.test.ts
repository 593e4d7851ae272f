// The framing preview across a thread boundary (preview/channel.ts) on a real MessageChannel:
// frames pushed to the right viewer, refusals rebuilt as the same ServiceError, either side's
// close reaching the other, and every session closed when the worker goes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import { ServiceError } from '../../../daemon/admin/index.ts';
import { remotePreview, servePreview } from '../../../daemon/admin/preview/channel.ts';
import type { CameraPreviewService, PreviewEndReason, PreviewFrame, PreviewViewer } from '../../../daemon/admin/preview/types.ts';

const frame = (seq: number): PreviewFrame => ({
  seq,
  capturedAt: 0,
  jpeg: new Uint8Array([0xff, 0xd8, seq]),
  width: 2,
  height: 1,
  faces: [{ box: { x: 0, y: 0, width: 1, height: 1 }, reasons: [] }],
  verdict: 'ok',
  analysisSeq: seq,
});

/** The main thread's side: hands out sessions, remembers its viewers and which sessions were closed. */
function mainSide(refuse: ServiceError | null = null) {
  const viewers: PreviewViewer[] = [];
  const closed: number[] = [];
  const preview: CameraPreviewService = {
    open(viewer) {
      if (refuse) throw refuse;
      const n = viewers.push(viewer) - 1;
      return { fps: 2, maxSeconds: 300, close: () => void closed.push(n) };
    },
  };
  return { preview, viewers, closed };
}

class Seen implements PreviewViewer {
  readonly frames: PreviewFrame[] = [];
  ended: PreviewEndReason | null = null;
  frame(f: PreviewFrame): void {
    this.frames.push(f);
  }
  end(reason: PreviewEndReason): void {
    this.ended = reason;
  }
}

const settle = () => new Promise((r) => setTimeout(r, 20));

test('frames reach their own viewer; the end and a worker-side close cross; stopping closes what is open', async () => {
  const { port1, port2 } = new MessageChannel();
  const main = mainSide();
  const stop = servePreview(port1, main.preview);
  const worker = remotePreview(port2);
  try {
    const a = new Seen();
    const b = new Seen();
    const sa = await worker.open(a);
    const sb = await worker.open(b);
    assert.deepEqual([sa.fps, sa.maxSeconds], [2, 300]);
    main.viewers[0]!.frame(frame(1));
    main.viewers[1]!.frame(frame(2));
    await settle();
    assert.deepEqual(
      a.frames.map((f) => f.seq),
      [1],
    );
    assert.deepEqual([...(b.frames[0]?.jpeg ?? [])], [0xff, 0xd8, 2], 'the JPEG bytes cross intact');

    main.viewers[0]!.end('time_limit');
    await settle();
    assert.equal(a.ended, 'time_limit');

    sb.close();
    await settle();
    assert.deepEqual(main.closed, [1], "the worker's close closes the main thread's session");
    main.viewers[1]!.frame(frame(3));
    await settle();
    assert.equal(b.frames.length, 1, 'no frame after close');

    await worker.open(new Seen());
    stop(); // the worker exited
    assert.deepEqual(main.closed, [1, 2]);
  } finally {
    worker.close();
    port1.close();
  }
});

test('a refusal arrives as the same ServiceError kind; closing the worker side ends its viewers as stopped', async () => {
  const { port1, port2 } = new MessageChannel();
  const stop = servePreview(port1, mainSide(new ServiceError('conflict', '2 camera previews are open already')).preview);
  const worker = remotePreview(port2);
  try {
    await assert.rejects(
      Promise.resolve(worker.open(new Seen())),
      (e: unknown) => e instanceof ServiceError && e.kind === 'conflict' && /open already/.test(e.message),
    );
  } finally {
    stop();
  }
  const { port1: p1, port2: p2 } = new MessageChannel();
  const main = mainSide();
  const stop2 = servePreview(p1, main.preview);
  const w2 = remotePreview(p2);
  const v = new Seen();
  await w2.open(v);
  w2.close();
  assert.equal(v.ended, 'stopped');
  stop2();
  port1.close();
  p1.close();
});
