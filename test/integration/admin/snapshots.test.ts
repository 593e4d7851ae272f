import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adminHarness, setUpAdmin } from '../../support/admin.ts';

const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('the frame at the door '.repeat(30)), Buffer.from([0xff, 0xd9])]);

void test("an event's snapshot: admins see the sealed frame, each view audited; viewers and strangers do not", async () => {
  const h = await adminHarness();
  const admin = await setUpAdmin(h);
  h.snapshots.put({ image: JPEG, mime: 'image/jpeg', personId: null, eventId: 'ev-stranger' });

  const res = await h.server.app.inject({ url: '/api/events/ev-stranger/snapshot', headers: admin });
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'image/jpeg');
  assert.equal(res.headers['cache-control'], 'no-store');
  assert.deepEqual(res.rawPayload, JPEG, 'the frame byte for byte');
  const viewed = h.audit.list({ action: 'privacy.snapshot.view' });
  assert.equal(viewed.length, 1);
  assert.equal(viewed[0]?.target, 'ev-stranger');
  assert.match(viewed[0]?.actor ?? '', /owner/);

  const missing = await h.server.app.inject({ url: '/api/events/ev-none/snapshot', headers: admin });
  assert.equal(missing.statusCode, 404);
  assert.equal((missing.json() as { error: string }).error, 'not_found');
  assert.equal((await h.server.app.inject({ url: '/api/events/..%2Fetc/snapshot', headers: admin })).statusCode, 422, 'an id outside the pattern');

  const made = await h.server.app.inject({ method: 'POST', url: '/api/tokens', headers: admin, payload: { name: 'wall tablet', role: 'viewer' } });
  const viewer = { authorization: `Bearer ${(made.json() as { token: string }).token}` };
  assert.equal((await h.server.app.inject({ url: '/api/events/ev-stranger/snapshot', headers: viewer })).statusCode, 403);
  assert.equal((await h.server.app.inject({ url: '/api/events/ev-stranger/snapshot' })).statusCode, 401);
  assert.equal(h.audit.list({ action: 'privacy.snapshot.view' }).length, 1, 'refused requests open nothing');
});
