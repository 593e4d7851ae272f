import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase } from '../../../daemon/store/index.ts';
import { Consents, type ConsentInput } from '../../../daemon/privacy/index.ts';
import { FakeClock, dataDir } from '../../support/privacy.ts';

const input: ConsentInput = { personId: 'p-1', basis: 'explicit_consent', method: 'in_person_signed', noticeVersion: '2026-01', recordedBy: 'admin:ann' };

void test('consent is recorded with who, when, how and the notice version, and withdrawn', () => {
  const db = openDatabase(dataDir());
  const clock = new FakeClock();
  const consents = new Consents(db, clock);
  const rec = consents.record(input);
  assert.equal(rec.given_at, '2026-01-01T00:00:00.000Z');
  assert.equal(rec.notice_version, '2026-01');
  assert.equal(rec.recorded_by, 'admin:ann');
  assert.deepEqual(consents.current('p-1'), rec);
  clock.advance(5000);
  assert.equal(consents.withdraw('p-1', 'admin:bob'), 1);
  assert.equal(consents.current('p-1'), null);
  const [h] = consents.history('p-1');
  assert.equal(h?.withdrawn_at, '2026-01-01T00:00:05.000Z');
  assert.equal(h?.withdrawn_by, 'admin:bob');
  assert.equal(consents.withdraw('p-1', 'admin:bob'), 0, 'nothing left to withdraw');
  assert.deepEqual(consents.history('p-2'), []);
  db.close();
});

void test('bad consent input is refused and nothing is stored', () => {
  const db = openDatabase(dataDir());
  const consents = new Consents(db);
  assert.throws(() => consents.record({ ...input, basis: 'legitimate_interest' as never }), /basis must be one of explicit_consent/);
  assert.throws(() => consents.record({ ...input, method: 'telepathy' as never }), /method must be one of/);
  assert.throws(() => consents.record({ ...input, noticeVersion: ' ' }), /notice version must be a non-empty string/);
  assert.throws(() => consents.record({ ...input, givenAt: 'yesterday' }), /not a date: yesterday/);
  assert.deepEqual(consents.history('p-1'), []);
  db.close();
});
