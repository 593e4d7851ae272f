// The framing preview's frames from the real bus (issue 21): a frame drawn with its own faces or
// the nearest analysis, boxes scaled with the JPEG, light measured, verdicts, nothing kept after stop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { EventBus, type BusEvents, type FaceObservation, type FrameAnalysis } from '../../../daemon/core/index.ts';
import { busPreviewFrames } from '../../../daemon/admin/preview/bus-frames.ts';
import { previewVerdict } from '../../../daemon/admin/preview/verdict.ts';
import { quietLog } from '../../support/privacy.ts';

/** A 960×720 JPEG: grey, with a bright or dark square where the face is. */
async function jpeg(face: 'bright' | 'dark'): Promise<Uint8Array> {
  const square = await sharp({ create: { width: 240, height: 240, channels: 3, background: face === 'bright' ? '#d0b090' : '#101010' } })
    .png()
    .toBuffer();
  return sharp({ create: { width: 960, height: 720, channels: 3, background: '#808080' } })
    .composite([{ input: square, left: 320, top: 240 }])
    .jpeg()
    .toBuffer();
}

function face(reasons: string[]): FaceObservation {
  // In the 640×480 analysis frame: the square at (320, 240) of 960×720 is (213, 160), 160 wide.
  return {
    box: { x: 213, y: 160, width: 160, height: 160 },
    quality: { ok: reasons.length === 0, reasons, sharpness: 50, yaw: 0, pitch: 0, size: 160 },
  } as unknown as FaceObservation;
}

const analysis = (frameSeq: number, capturedAt: number, faces: FaceObservation[]): FrameAnalysis => ({
  frameSeq,
  capturedAt,
  analysedAt: capturedAt + 100,
  width: 640,
  height: 480,
  faces,
  timings: {},
});

test('a frame comes with its own analysis, boxes scaled to the 480-pixel JPEG; nothing new gives null; stop forgets and stops listening', async () => {
  const bus = new EventBus<BusEvents>(quietLog);
  let wanted = 0;
  const frames = busPreviewFrames({ bus, wantFrame: () => wanted++ });
  const bright = await jpeg('bright');
  bus.emit('frame', { seq: 1, capturedAt: 1000, sourceId: 's', width: 640, height: 480, rgb: new Uint8Array(0), jpeg: bright });
  assert.equal(await frames.sample(), null, 'nothing before start');

  frames.start();
  assert.equal(await frames.sample(), null, 'no frame yet');
  bus.emit('frame', { seq: 2, capturedAt: 2000, sourceId: 's', width: 640, height: 480, rgb: new Uint8Array(0), jpeg: bright });
  bus.emit('frame', { seq: 3, capturedAt: 2125, sourceId: 's', width: 640, height: 480, rgb: new Uint8Array(0), jpeg: bright });
  bus.emit('analysis', analysis(2, 2000, [face([])]));
  const f = await frames.sample();
  assert.ok(f);
  assert.equal(f.seq, 2, 'the analysed frame itself, not the newer one');
  assert.equal(f.analysisSeq, 2);
  assert.deepEqual([f.width, f.height], [480, 360]);
  assert.deepEqual((await sharp(f.jpeg).metadata()).width, 480);
  assert.deepEqual(f.faces, [{ box: { x: 160, y: 120, width: 120, height: 120 }, reasons: [] }]);
  assert.equal(f.verdict, 'ok');
  assert.equal(await frames.sample(), null, 'the same frame is not sent twice');
  assert.ok(wanted >= 3, 'each sample asks the pipeline for a frame');

  frames.stop();
  bus.emit('frame', { seq: 4, capturedAt: 3000, sourceId: 's', width: 640, height: 480, rgb: new Uint8Array(0), jpeg: bright });
  frames.start();
  assert.equal(await frames.sample(), null, 'frames that came while stopped were not kept');
  frames.stop();
});

test('the newest frame gets the nearest analysis; a dark face says dark; an old analysis is not drawn', async () => {
  const bus = new EventBus<BusEvents>(quietLog);
  const frames = busPreviewFrames({ bus, wantFrame: () => undefined });
  frames.start();
  const dark = await jpeg('dark');
  bus.emit('analysis', analysis(10, 10_000, [face(['tilted'])]));
  bus.emit('frame', { seq: 11, capturedAt: 10_500, sourceId: 's', width: 640, height: 480, rgb: new Uint8Array(0), jpeg: dark });
  const near = await frames.sample();
  assert.equal(near?.seq, 11);
  assert.equal(near?.analysisSeq, 10, 'the analysis of a frame not kept, 0.5 s away');
  assert.deepEqual(near?.faces[0]?.reasons, ['tilted', 'dark']);
  assert.equal(near?.verdict, 'dark', 'light comes before pose');

  bus.emit('frame', { seq: 50, capturedAt: 20_000, sourceId: 's', width: 640, height: 480, rgb: new Uint8Array(0), jpeg: dark });
  const far = await frames.sample();
  assert.equal(far?.analysisSeq, null);
  assert.deepEqual(far?.faces, []);
  assert.equal(far?.verdict, 'not_analysed');
  frames.stop();
});

test('previewVerdict: no face, several, the most pressing reason first, ok', () => {
  const box = { x: 0, y: 0, width: 1, height: 1 };
  assert.equal(previewVerdict(null), 'not_analysed');
  assert.equal(previewVerdict([]), 'no_face');
  assert.equal(
    previewVerdict([
      { box, reasons: [] },
      { box, reasons: [] },
    ]),
    'several_faces',
  );
  assert.equal(previewVerdict([{ box, reasons: ['tilted', 'blurred', 'too_small'] }]), 'too_small');
  assert.equal(previewVerdict([{ box, reasons: ['turned_away', 'blurred'] }]), 'blurred');
  assert.equal(previewVerdict([{ box, reasons: [] }]), 'ok');
});
