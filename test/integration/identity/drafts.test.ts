import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EnrollmentRefusedError, PersonNotFoundError } from '../../../daemon/identity/index.ts';
import { tempDir } from '../../support/tmp.ts';
import { allBytes, face, identityVector, openHarness, photo } from '../../support/identity-harness.ts';

const NAME = 'Ottoline Wraxhall';
const DAY_MS = 86_400_000;

const count = (h: ReturnType<typeof openHarness>, sql: string, ...args: unknown[]): number => (h.db.prepare(sql).get(...args) as { n: number }).n;

void test('a draft survives a store reopen, and no file of the data directory holds its name in plain text', () => {
  const dir = tempDir();
  let h = openHarness(dir);
  const draft = h.identity.drafts.create({ displayName: NAME, validFrom: '2026-02-01T08:00:00Z', validUntil: null, schedule: null }, 'admin:test');
  h.identity.drafts.update(draft.id, { validUntil: '2026-03-01T18:00:00Z' }, 'admin:test');
  const noName = (): void => {
    const bytes = allBytes(dir);
    for (const needle of [Buffer.from(NAME, 'utf8'), Buffer.from(NAME, 'utf16le'), Buffer.from('Ottoline'), Buffer.from('Wraxhall')]) {
      assert.equal(bytes.indexOf(needle), -1, `found ${JSON.stringify(needle.toString())} in the data directory`);
    }
  };
  noName();
  h.close();
  noName();

  h = openHarness(dir);
  try {
    assert.deepEqual(
      h.identity.drafts.list().map((d) => [d.id, d.displayName, d.validFrom, d.validUntil]),
      [[draft.id, NAME, '2026-02-01T08:00:00.000Z', '2026-03-01T18:00:00.000Z']],
    );
    assert.equal(h.identity.drafts.has(draft.id), true);
    assert.deepEqual(h.identity.people.list(), [], 'a draft is nobody the door knows');
    assert.equal(h.identity.people.access(draft.id), null);
    const actions = h.audit.list({ limit: 10 }).map((e) => e.action);
    for (const a of ['person.draft.create', 'person.draft.update']) assert.ok(actions.includes(a), `${a} in ${actions.join(',')}`);
  } finally {
    h.close();
  }
});

void test('a draft becomes a person with its first accepted photo, under the same id and key; a refused photo leaves it a draft', async () => {
  const h = openHarness(tempDir());
  try {
    const draft = h.identity.drafts.create({ displayName: NAME }, 'admin:test');
    const keyBefore = h.db.prepare('SELECT wrapped FROM person_keys WHERE person_id = ?').get(draft.id) as { wrapped: Buffer };
    await assert.rejects(h.identity.drafts.enroll(draft.id, [{ name: 'wall.jpg', bytes: photo([]) }], 'admin:test'), EnrollmentRefusedError);
    assert.equal(h.identity.drafts.has(draft.id), true, 'still a draft');

    const r = await h.identity.drafts.enroll(draft.id, [{ name: 'me.jpg', bytes: photo([face({ embedding: identityVector(9) })]) }], 'admin:test');
    assert.equal(r.personId, draft.id);
    assert.equal(r.created, true);
    assert.equal(h.identity.drafts.has(draft.id), false);
    assert.equal(count(h, 'SELECT count(*) AS n FROM person_drafts'), 0);
    assert.equal(h.identity.people.get(draft.id).displayName, NAME);
    assert.equal(h.identity.people.get(draft.id).templates, 1);
    assert.equal(h.identity.match(identityVector(9)).personId, draft.id);
    const keyAfter = h.db.prepare('SELECT wrapped FROM person_keys WHERE person_id = ?').get(draft.id) as { wrapped: Buffer };
    assert.ok(keyAfter.wrapped.equals(keyBefore.wrapped), "the draft's key is the person's key");
    assert.ok(h.audit.list({ limit: 10 }).some((e) => e.action === 'person.enroll' && e.target === draft.id));
  } finally {
    h.close();
  }
});

void test('erasing a draft removes its row and destroys its key; its export is the subject-access document', () => {
  const dir = tempDir();
  const h = openHarness(dir);
  try {
    const draft = h.identity.drafts.create({ displayName: NAME }, 'admin:test');
    const keep = h.identity.drafts.create({ displayName: 'Kept Draft' }, 'admin:test');
    const doc = h.identity.exportPerson(draft.id, 'admin:test') as {
      format: string;
      person: { display_name: string; enrolled: boolean };
      templates: unknown[];
    };
    assert.equal(doc.format, 'facegate.subject-access.v1');
    assert.equal(doc.person.display_name, NAME);
    assert.equal(doc.person.enrolled, false);
    assert.deepEqual(doc.templates, []);

    assert.deepEqual(h.identity.erasePerson(draft.id, 'admin:test'), { templates: 0, events: 0, snapshots: 0 });
    assert.equal(h.identity.drafts.has(draft.id), false);
    assert.throws(() => h.identity.drafts.get(draft.id), PersonNotFoundError);
    assert.equal(count(h, 'SELECT count(*) AS n FROM person_drafts WHERE id = ?', draft.id), 0);
    assert.equal(h.personKeys.has(draft.id), false, 'the key is destroyed');
    assert.throws(() => h.identity.erasePerson(draft.id, 'admin:test'), PersonNotFoundError, 'nothing left to erase');
    assert.ok(h.audit.list({ limit: 10 }).some((e) => e.action === 'person.erase' && e.target === draft.id));
    assert.deepEqual(
      h.identity.drafts.list().map((d) => d.id),
      [keep.id],
      'the other draft is untouched',
    );
  } finally {
    h.close();
  }
});

void test('retention: drafts added before the cutoff are erased with their keys, newer ones stay', () => {
  const h = openHarness(tempDir());
  try {
    const old = h.identity.drafts.create({ displayName: 'Old Draft' }, 'admin:test');
    h.clock.advance(10 * DAY_MS);
    const fresh = h.identity.drafts.create({ displayName: 'Fresh Draft' }, 'admin:test');
    const cutoff = new Date(h.clock.now() - DAY_MS).toISOString();
    assert.equal(h.identity.purgeDraftsBefore(cutoff), 1);
    assert.deepEqual(
      h.identity.drafts.list().map((d) => d.id),
      [fresh.id],
    );
    assert.equal(h.personKeys.has(old.id), false);
    assert.equal(h.personKeys.has(fresh.id), true);
    assert.equal(h.identity.purgeDraftsBefore(cutoff), 0, 'nothing more to purge');
  } finally {
    h.close();
  }
});
