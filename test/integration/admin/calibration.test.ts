// GET /api/doors/:door/calibration through the admin server on a real SQLite store.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeEvent } from '../../../daemon/core/index.ts';
import { adminHarness, setUpAdmin } from '../../support/admin.ts';

test('calibration route: a viewer reads the door report (numbers only), days are checked, an unknown door is 404', async () => {
  const h = await adminHarness();
  const headers = await setUpAdmin(h);
  const now = Date.now();
  h.events.append(makeEvent({ door: 'front', type: 'access_granted', subject: 'p_routesecret', score: 0.77, liveness: 0.93, reason: 'match' }, now - 1000));
  h.events.append(makeEvent({ door: 'front', type: 'unknown_face', score: 0.38, liveness: 0.9, reason: 'unknown' }, now - 2000));
  h.events.append(makeEvent({ door: 'front', type: 'unknown_face', score: 0.2, liveness: 0.9, reason: 'unknown' }, now - 3 * 86_400_000));

  const made = await h.server.app.inject({ method: 'POST', url: '/api/tokens', headers, payload: { name: 'wall', role: 'viewer' } });
  const viewer = { authorization: `Bearer ${(made.json() as { token: string }).token}` };
  const res = await h.server.app.inject({ url: '/api/doors/front/calibration', headers: viewer });
  assert.equal(res.statusCode, 200, res.body);
  const r = res.json();
  assert.equal(r.days, 7, 'a week by default');
  assert.equal(r.match.granted.count, 1);
  assert.equal(r.match.unknown.count, 2);
  assert.equal(r.match.unknown.highest, 0.38);
  assert.equal(r.match.verdict.status, 'close');
  assert.match(r.match.verdict.text, /^a stranger came within 0\.03 of the threshold 0\.41: consider a stricter security level: far_1e-5/);
  assert.equal(r.pad.live.count, 3);
  assert.doesNotMatch(res.body, /p_routesecret|subject/);

  const oneDay = (await h.server.app.inject({ url: '/api/doors/front/calibration?days=1', headers: viewer })).json();
  assert.equal(oneDay.days, 1);
  assert.equal(oneDay.match.unknown.count, 1);

  assert.equal((await h.server.app.inject({ url: '/api/doors/nowhere/calibration', headers: viewer })).statusCode, 404);
  const bad = await h.server.app.inject({ url: '/api/doors/front/calibration?days=0', headers: viewer });
  assert.equal(bad.statusCode, 422);
  assert.match(bad.json().message, /days/);
  assert.equal((await h.server.app.inject({ url: '/api/doors/front/calibration?days=366', headers: viewer })).statusCode, 422);
  assert.equal((await h.server.app.inject({ url: '/api/doors/front/calibration' })).statusCode, 401);
});
