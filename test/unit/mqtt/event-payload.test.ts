import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeEvent, type FacegateEvent } from '../../../daemon/core/index.ts';
import { decisionPayload, publicEventPayload } from '../../../daemon/mqtt/event-payload.ts';

const base = makeEvent({
  door: 'front',
  type: 'access_granted',
  subject: 'p_0123abcdef',
  score: 0.123456,
  liveness: 0.9,
  reason: 'match',
  attributes: { emotion: 'neutral', age_band: '20-29' },
});

void test('only the contract fields are published, whatever else the object carries', () => {
  // decision_ms is for the local store (a person's figures), not the broker.
  const leaky = { ...base, decision_ms: 312, displayName: 'Bob', embedding: new Float32Array([0.1, 0.2]), extra: { nested: 'x' } } as unknown as FacegateEvent;
  const { json, withheld } = publicEventPayload(leaky, { publishAttributes: false });
  const body = JSON.parse(json) as Record<string, unknown>;
  assert.deepEqual(Object.keys(body), ['v', 'id', 'ts', 'door', 'type', 'subject', 'score', 'liveness', 'reason', 'attributes']);
  assert.equal(body.score, 0.123);
  assert.equal(body.attributes, null);
  assert.deepEqual(withheld, []);
  assert.ok(!json.includes('Bob') && !json.includes('nested'));
});

void test('attributes only when enabled, and only the known keys', () => {
  const e = { ...base, attributes: { emotion: 'neutral', age_band: '20-29', faceprint: [1, 2] } } as unknown as FacegateEvent;
  const body = JSON.parse(publicEventPayload(e, { publishAttributes: true }).json) as { attributes: unknown };
  assert.deepEqual(body.attributes, { emotion: 'neutral', age_band: '20-29' });
});

void test('a subject that is not a pseudonym is withheld, not published', () => {
  for (const subject of ['Alice Example', 'alice@example.com', 'p_x', '42']) {
    const { json, withheld } = publicEventPayload({ ...base, subject }, { publishAttributes: false });
    assert.equal((JSON.parse(json) as { subject: unknown }).subject, null, subject);
    assert.deepEqual(withheld, ['subject']);
  }
});

void test('the last-decision message is kept to type, reason and time', () => {
  assert.deepEqual(JSON.parse(decisionPayload(base) ?? 'null'), { type: 'access_granted', reason: 'match', ts: base.ts });
  assert.equal(decisionPayload(makeEvent({ door: 'front', type: 'door_opened' })), null);
});

void test('a denial is published with its reason only: no match or liveness score a spoofer could tune against', () => {
  for (const type of ['access_denied', 'spoof_suspected', 'unknown_face'] as const) {
    const denied = makeEvent({
      door: 'front',
      type,
      subject: type === 'unknown_face' ? null : 'p_0123abcdef',
      score: 0.61234,
      liveness: 0.31234,
      reason: 'liveness',
    });
    const body = JSON.parse(publicEventPayload(denied, { publishAttributes: false }).json) as { score: unknown; liveness: unknown; reason: unknown };
    assert.equal(body.score, null, type);
    assert.equal(body.liveness, null, type);
    assert.equal(body.reason, 'liveness', type);
    // The event object itself (what the local store keeps for the admin) is not changed.
    assert.equal(denied.score, 0.61234);
  }
  const granted = JSON.parse(publicEventPayload(base, { publishAttributes: false }).json) as { score: unknown; liveness: unknown };
  assert.deepEqual([granted.score, granted.liveness], [0.123, 0.9]);
});
