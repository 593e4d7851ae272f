import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus, type BusEvents } from '../../../daemon/core/index.ts';
import { embeddedDefaults } from '../../../daemon/config/index.ts';
import { createDoors } from '../../../daemon/door/index.ts';
import { ServiceError, doorService, nextFaceFromBus } from '../../../daemon/admin/index.ts';
import { FakeClock, quietLog } from '../../support/privacy.ts';

test('doorService over the real door room (simulated lines): unlock, pulse ends, lockdown refuses, hold, unknown door null', () => {
  const bus = new EventBus<BusEvents>(quietLog);
  const clock = new FakeClock();
  const config = embeddedDefaults();
  config.doors = config.doors.map((d) => ({ ...d, driver: 'simulated' as const }));
  const doors = createDoors({ config, bus, log: quietLog, clock, exitHandler: false });
  const svc = doorService(doors);
  assert.equal(svc.status('garage'), null);
  assert.equal(svc.unlock('garage', 'user:t'), null);
  doors.start();
  try {
    assert.equal(svc.unlock('front', 'user:t'), true);
    assert.equal((svc.status('front') as { lock: string }).lock, 'unlocked');
    clock.advance(config.doors[0]!.unlock_pulse_ms + 10);
    assert.equal((svc.status('front') as { lock: string }).lock, 'locked');
    assert.equal(svc.setLockdown('front', true, 'user:t'), true);
    assert.equal(svc.unlock('front', 'user:t'), false);
    assert.equal(svc.setLockdown('front', false, 'user:t'), true);
    assert.equal(svc.holdUnlockedUntil('front', new Date(clock.now() + 60_000), 'user:t'), true);
    assert.equal((svc.status('front') as { mode: string }).mode, 'held_unlocked');
  } finally {
    doors.stop();
  }
});

test('nextFaceFromBus pairs the analysis with its frame JPEG; times out with a 503 ServiceError', async () => {
  const bus = new EventBus<BusEvents>(quietLog);
  const clock = new FakeClock();
  const next = nextFaceFromBus(bus, clock, 5000);
  const waiting = next();
  const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 1]);
  bus.emit('frame', { seq: 7, capturedAt: 0, sourceId: 's', width: 4, height: 2, rgb: new Uint8Array(24), jpeg });
  const face = {
    box: { x: 1, y: 0, width: 2, height: 2 },
    detectionScore: 0.9,
    landmarks5: [],
    mesh: null,
    embedding: new Float32Array(4),
    quality: { ok: true, reasons: [], sharpness: 1, yaw: 0, pitch: 0, size: 2 },
    liveness: 0.9,
    attributes: null,
  };
  bus.emit('analysis', { frameSeq: 7, capturedAt: 0, analysedAt: 1, width: 4, height: 2, faces: [face], timings: {} });
  const got = await waiting;
  assert.equal(got.faces, 1);
  assert.equal(got.jpeg, jpeg);
  assert.deepEqual(got.face?.box, face.box);
  assert.equal(bus.listenerCount('frame'), 0, 'listeners removed once answered');

  const late = next();
  clock.advance(5001);
  await assert.rejects(late, (e: unknown) => e instanceof ServiceError && e.kind === 'unavailable');
  assert.equal(bus.listenerCount('analysis'), 0);
});
