import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AccessDecision, Frame } from '../../../daemon/core/index.ts';
import { FakeClock } from '../../fakes/clock.ts';
import { adminHarness } from '../../support/admin.ts';

const moving: Frame = { seq: 1, capturedAt: 0, sourceId: 'test', width: 1, height: 1, rgb: new Uint8Array(3), trigger: 'motion' };
const decision: AccessDecision = {
  door: 'front',
  granted: false,
  reason: 'unknown',
  personId: null,
  score: null,
  liveness: 0.9,
  at: 0,
  eventId: 'e1',
  frameAt: 0,
};

test('over real HTTP, a request that arrives while a passage is being decided is answered after the decision', async () => {
  const clock = new FakeClock();
  const h = await adminHarness(() => undefined, { clock });
  const base = await h.server.start();
  assert.equal((await fetch(`${base}/api/auth/state`)).status, 200, 'an idle door answers at once');

  h.bus.emit('frame', moving);
  let answered = false;
  const res = fetch(`${base}/api/auth/state`).then((r) => {
    answered = true;
    return r;
  });
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(answered, false, 'held while the door decides');
  h.bus.emit('decision', decision);
  assert.equal((await res).status, 200);
  assert.equal(answered, true);
});
