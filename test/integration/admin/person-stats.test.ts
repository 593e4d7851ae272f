// GET /api/people/:id/stats on a listening admin server (real HTTP) over a real SQLite store: the
// figures of one person from the events of their pseudonym; admin only, days checked, 404 for
// an unknown or erased person.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeEvent, type EventInput } from '../../../daemon/core/index.ts';
import { adminHarness, setUpAdmin } from '../../support/admin.ts';
import { STAND_IN_THRESHOLDS } from '../../support/calibration.ts';

const DAY = 86_400_000;

test('person stats route: an admin reads one person’s figures over real HTTP; viewers get 403, unknown and erased people 404', async () => {
  const h = await adminHarness();
  const session = await setUpAdmin(h);
  const base = await h.server.start();
  const call = (path: string, headers: Record<string, string> = session, method = 'GET') => fetch(`${base}${path}`, { method, headers });
  const post = (path: string, body: unknown) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { ...session, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  const created = await post('/api/people', { name: 'Ada Lovelace' });
  assert.equal(created.status, 201);
  const { id } = (await created.json()) as { id: string };
  const subject = h.pseudonyms.subject(id);
  const now = Date.now();
  const add = (input: Omit<EventInput, 'door'>, daysAgo: number) => h.events.append(makeEvent({ door: 'front', ...input }, now - daysAgo * DAY));
  add({ type: 'access_granted', subject, score: 0.44, liveness: 0.95, reason: 'match', decision_ms: 310 }, 1);
  add({ type: 'access_granted', subject, score: 0.46, liveness: 0.95, reason: 'match', decision_ms: 520 }, 3);
  add({ type: 'spoof_suspected', subject, score: 0.5, liveness: 0.03, reason: 'spoof_suspected', decision_ms: 400 }, 2);
  add({ type: 'access_denied', subject, score: 0.7, liveness: 0.9, reason: 'outside_schedule' }, 40);
  add({ type: 'access_granted', subject: h.pseudonyms.subject('someone-else'), score: 0.9, liveness: 0.9, reason: 'match' }, 1);

  const res = await call(`/api/people/${id}/stats`);
  assert.equal(res.status, 200);
  const text = await res.text();
  const s = JSON.parse(text);
  assert.equal(s.days, 30, 'a month by default');
  assert.equal(s.threshold, STAND_IN_THRESHOLDS.match);
  assert.deepEqual(s.grants, { count: 2 });
  assert.deepEqual(s.decision_ms, { count: 2, p50: 415, p90: 520, max: 520, bin_ms: 100, bins: [0, 0, 0, 1, 0, 1, ...new Array(14).fill(0)] });
  assert.equal(s.refusals.count, 1);
  assert.equal(s.refusals.last.reason, 'spoof_suspected');
  assert.equal(s.refusals.last.ts, new Date(now - 2 * DAY).toISOString());
  assert.match(s.refusals.last.text, /^suspected spoof/);
  assert.equal(s.scores.median_margin, 0.04, 'median 0.45 against the stand-in 0.41');
  assert.equal(s.enrollment.status, 'close');
  assert.match(s.enrollment.text, /add a sharper photo/);
  assert.ok(!text.includes(subject) && !text.includes('subject') && !text.includes('Ada'), 'no pseudonym, no name in the figures');

  const listed = await (await call('/api/events?type=access_granted')).text();
  assert.ok(listed.includes(subject) && !listed.includes('decision_ms'), 'the events list shows pseudonyms but not decision times');

  const year = (await (await call(`/api/people/${id}/stats?days=365`)).json()) as { refusals: { count: number; last: { reason: string } } };
  assert.equal(year.refusals.count, 2);
  assert.equal(year.refusals.last.reason, 'spoof_suspected', 'the latest refusal, not the oldest');

  const bad = await call(`/api/people/${id}/stats?days=0`);
  assert.equal(bad.status, 422);
  assert.match(((await bad.json()) as { message: string }).message, /days/);
  assert.equal((await call(`/api/people/${id}/stats?days=366`)).status, 422);
  assert.equal((await call(`/api/people/${id}/stats?days=7&extra=1`)).status, 422);
  assert.equal((await call('/api/people/nobody/stats')).status, 404);
  assert.equal((await call(`/api/people/${id}/stats`, {})).status, 401);

  const token = await post('/api/tokens', { name: 'wall', role: 'viewer' });
  const viewer = { authorization: `Bearer ${((await token.json()) as { token: string }).token}` };
  assert.equal((await call(`/api/people/${id}`, viewer)).status, 200, 'a viewer reads the person');
  assert.equal((await call(`/api/people/${id}/stats`, viewer)).status, 403, 'but not their comings and refusals');

  assert.equal((await call(`/api/people/${id}`, session, 'DELETE')).status, 200);
  assert.equal((await call(`/api/people/${id}/stats`)).status, 404, 'an erased person has no figures');
});
