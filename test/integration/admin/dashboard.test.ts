// GET /api/dashboard over real HTTP: the admin server on a real SQLite store, decisions appended
// as the daemon appends them, samples added as the sampler adds them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeEvent } from '../../../daemon/core/index.ts';
import { MetricSamples } from '../../../daemon/store/index.ts';
import { adminHarness, setUpAdmin } from '../../support/admin.ts';

const HOUR = 3_600_000;
const sum = (buckets: { counts: Record<string, number> }[], outcome: string): number => buckets.reduce((n, b) => n + (b.counts[outcome] ?? 0), 0);

test('dashboard route: a viewer reads the decisions by outcome and the sampled figures; the range is checked; numbers only', async () => {
  const h = await adminHarness();
  const headers = await setUpAdmin(h);
  const made = await h.server.app.inject({ method: 'POST', url: '/api/tokens', headers, payload: { name: 'wall', role: 'viewer' } });
  const viewer = { authorization: `Bearer ${(made.json() as { token: string }).token}` };
  const now = Date.now();
  const add = (input: Parameters<typeof makeEvent>[0], ago: number) => h.events.append(makeEvent(input, now - ago));
  add({ door: 'front', type: 'access_granted', subject: 'p_routesecret', score: 0.8, liveness: 0.9, reason: 'match' }, 2 * HOUR);
  add({ door: 'front', type: 'access_granted', subject: 'p_routesecret', score: 0.8, liveness: 0.9, reason: 'match' }, 3 * HOUR);
  add({ door: 'front', type: 'unknown_face', score: 0.2, liveness: 0.9, reason: 'unknown' }, 1000);
  add({ door: 'front', type: 'spoof_suspected', liveness: 0.1, reason: 'spoof_suspected' }, 1000);
  add({ door: 'front', type: 'access_denied', subject: 'p_routesecret', reason: 'expired' }, 1000);
  add({ door: 'front', type: 'access_denied', reason: 'lockout' }, 1000);
  add({ door: 'front', type: 'unknown_face', reason: 'unknown' }, 3 * 24 * HOUR); // in the week only
  const samples = new MetricSamples(h.db);
  samples.add({ at: now - 10 * 60_000, cameraFps: 8, analysisFps: 1.25, temperatureC: 51.2 });
  samples.add({ at: now - 2 * 24 * HOUR, cameraFps: 4, analysisFps: 0.5, temperatureC: 60 });

  const base = await h.server.start();
  const get = (query: string, auth: Record<string, string> = viewer) => fetch(`${base}/api/dashboard${query}`, { headers: auth });

  const res = await get('');
  assert.equal(res.status, 200);
  const body = await res.text();
  const day = JSON.parse(body);
  assert.equal(day.range, '24h', 'the last day by default');
  assert.equal(day.bucket_s, 3600);
  assert.equal(day.buckets.length, 24);
  assert.deepEqual(day.outcomes, ['granted', 'unknown', 'spoof_suspected', 'schedule', 'lockout', 'other_denied']);
  assert.deepEqual(day.totals, { granted: 2, unknown: 1, spoof_suspected: 1, schedule: 1, lockout: 1, other_denied: 0 });
  for (const o of day.outcomes) assert.equal(sum(day.buckets, o), day.totals[o], `${o}: the buckets add up to the total`);
  assert.ok(Date.parse(day.to) > now && Date.parse(day.to) - now <= HOUR, 'the last bucket holds now');
  assert.equal(Date.parse(day.to) - Date.parse(day.from), 24 * HOUR);
  assert.deepEqual(
    day.samples.map((s: Record<string, unknown>) => [s.camera_fps, s.analysis_fps, s.temperature_c]),
    [[8, 1.25, 51.2]],
  );
  assert.doesNotMatch(body, /p_routesecret|subject|score|liveness/, 'nothing about who');

  const week = await (await get('?range=7d')).json();
  assert.equal(week.bucket_s, 6 * 3600);
  assert.equal(week.buckets.length, 28);
  assert.equal(week.totals.unknown, 2);
  assert.equal(week.samples.length, 2);
  assert.equal(week.step_s, 1800);

  const bad = await get('?range=30d');
  assert.equal(bad.status, 422);
  assert.match(((await bad.json()) as { message: string }).message, /range/);
  assert.equal((await get('?range=24h&door=front')).status, 422, 'no other parameters');
  assert.equal((await get('', {})).status, 401);
});
