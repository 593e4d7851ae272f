import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FrameAnalysis, TrackVerdict } from '../../../daemon/core/index.ts';
import { tempDir } from '../../support/tmp.ts';
import { face, identityVector, openHarness, photo } from '../../support/identity-harness.ts';

const frame = (seq: number, capturedAt: number, capturedMono?: number): FrameAnalysis => ({
  frameSeq: seq,
  capturedAt,
  ...(capturedMono !== undefined ? { capturedMono } : {}),
  analysedAt: capturedAt,
  width: 640,
  height: 480,
  faces: [face({ embedding: identityVector(0, 0.02) })],
  timings: {},
});

void test("track windows follow the frames' monotonic capture time, not the wall clock: a jump between two frames does not split a track", async () => {
  const h = openHarness(tempDir());
  try {
    await h.identity.enroll({
      personId: 'ann',
      displayName: 'Ann',
      actor: 'test',
      photos: [{ name: 'a.jpg', bytes: photo([face({ embedding: identityVector(0) })]) }],
    });
    const verdicts: TrackVerdict[] = [];
    h.bus.on('verdict', (v) => verdicts.push(v));
    const wall = Date.parse('2026-01-05T12:00:00Z');
    // Two frames 100 ms apart; NTP sets the wall clock an hour forward between them.
    h.bus.emit('analysis', frame(1, wall, 5000));
    h.bus.emit('analysis', frame(2, wall + 3_600_000 + 100, 5100));
    assert.deepEqual(
      verdicts.map((v) => [v.personId, v.frames]),
      [['ann', 2]],
      'two agreeing frames within the vote window: one verdict',
    );
  } finally {
    h.close();
  }
});
