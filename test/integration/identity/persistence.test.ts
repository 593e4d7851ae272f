import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeEvent } from '../../../daemon/core/index.ts';
import { EventStore } from '../../../daemon/store/index.ts';
import { tempDir } from '../../support/tmp.ts';
import { allBytes, face, identityVector, openHarness, photo } from '../../support/identity-harness.ts';

const NAME = 'Zebedee Quarterfield';

function floatBytes(v: Float32Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

void test('the gallery survives a restart, and the files hold no name and no raw embedding', async () => {
  const dir = tempDir();
  const t1 = identityVector(3, 0.013);
  const t2 = identityVector(3, 0.021);
  let h = openHarness(dir);
  await h.identity.enroll({
    personId: 'zeb',
    displayName: NAME,
    actor: 'test',
    photos: [
      { name: '1.jpg', bytes: photo([face({ embedding: t1 })]) },
      { name: '2.jpg', bytes: photo([face({ embedding: t2 })]) },
    ],
  });
  await h.identity.enroll({
    personId: 'other',
    displayName: 'Other Person',
    actor: 'test',
    photos: [{ name: 'o.jpg', bytes: photo([face({ embedding: identityVector(30) })]) }],
  });

  const check = (): void => {
    const bytes = allBytes(dir);
    for (const needle of [Buffer.from(NAME, 'utf8'), Buffer.from(NAME, 'utf16le'), Buffer.from('Zebedee'), Buffer.from('Other Person')]) {
      assert.equal(bytes.indexOf(needle), -1, `found ${JSON.stringify(needle.toString())} in the data directory`);
    }
    for (const v of [t1, t2]) {
      const raw = floatBytes(v);
      // Not the whole vector, nor any 16-byte run of it (4 floats), in any file.
      for (let i = 0; i + 16 <= raw.length; i += 4) {
        const window = raw.subarray(i, i + 16);
        if (window.every((b) => b === 0)) continue;
        assert.equal(bytes.indexOf(window), -1, `found raw embedding bytes at float ${i / 4}`);
      }
    }
  };
  check();
  h.close();
  check();

  h = openHarness(dir);
  try {
    assert.equal(h.identity.gallery?.size, 3);
    assert.equal(h.identity.people.get('zeb').displayName, NAME);
    assert.equal(h.identity.people.get('zeb').templates, 2);
    const m = h.identity.match(identityVector(3, 0.017));
    assert.equal(m.personId, 'zeb');
    // The decrypted rows are the enrolled vectors, exactly.
    const rows = h.identity.gallery!.matrix;
    const found = [t1, t2].map((v) => {
      for (let r = 0; r < 3; r++) if (v.every((x, i) => Math.abs(x - (rows[r * v.length + i] as number)) < 1e-6)) return true;
      return false;
    });
    assert.deepEqual(found, [true, true]);
  } finally {
    h.close();
  }
});

void test('a tampered template is left out with an error; the rest of the gallery still works', async () => {
  const dir = tempDir();
  let h = openHarness(dir);
  await h.identity.enroll({
    personId: 'zeb',
    displayName: NAME,
    actor: 'test',
    photos: [
      { name: '1.jpg', bytes: photo([face({ embedding: identityVector(3) })]) },
      { name: '2.jpg', bytes: photo([face({ embedding: identityVector(9) })]) },
    ],
  });
  const row = h.db.prepare('SELECT id, sealed FROM templates ORDER BY id LIMIT 1').get() as { id: string; sealed: Buffer };
  const good = h.db.prepare('SELECT id FROM templates WHERE id != ?').get(row.id) as { id: string };
  row.sealed.writeUInt8(row.sealed.readUInt8(row.sealed.length - 5) ^ 0x01, row.sealed.length - 5);
  h.db.prepare('UPDATE templates SET sealed = ? WHERE id = ?').run(row.sealed, row.id);
  h.close();
  h = openHarness(dir);
  try {
    assert.deepEqual(h.identity.unreadable, [row.id]);
    assert.equal(h.identity.gallery?.size, 1);
    assert.deepEqual(h.identity.gallery?.templatesOf('zeb'), [good.id]);
    // Stored data is never lost: the tampered row is still there for an operator to look at.
    assert.equal((h.db.prepare('SELECT count(*) AS n FROM templates').get() as { n: number }).n, 2);
  } finally {
    h.close();
  }
});

void test('subject-access export has everything about the person; erasure removes it in one go', async () => {
  const dir = tempDir();
  const h = openHarness(dir);
  try {
    await h.identity.enroll({
      personId: 'zeb',
      displayName: NAME,
      actor: 'admin:root',
      consent: { basis: 'explicit_consent', method: 'admin_panel', noticeVersion: '2026-01' },
      schedule: { timezone: 'Europe/London', windows: [{ days: ['mon'], from: '08:00', to: '18:00' }] },
      photos: [{ name: '1.jpg', bytes: photo([face({ embedding: identityVector(3) })]) }],
    });
    await h.identity.enroll({
      personId: 'keep',
      displayName: 'Kept Person',
      actor: 'admin:root',
      photos: [{ name: 'k.jpg', bytes: photo([face({ embedding: identityVector(30) })]) }],
    });
    const events = new EventStore(h.db);
    const subject = h.pseudonyms.subject('zeb');
    events.append(makeEvent({ door: 'front', type: 'access_granted', subject, score: 0.8, reason: 'match' }));
    events.append(makeEvent({ door: 'front', type: 'access_granted', subject: h.pseudonyms.subject('keep'), score: 0.8, reason: 'match' }));

    const doc = h.identity.exportPerson('zeb', 'admin:root') as {
      format: string;
      person: { display_name: string; subject: string; schedule: unknown };
      templates: { embedding: number[] }[];
      consents: { basis: string }[];
      events: { subject: string }[];
      audit: { action: string }[];
    };
    assert.equal(doc.format, 'facegate.subject-access.v1');
    assert.equal(doc.person.display_name, NAME);
    assert.equal(doc.person.subject, subject);
    assert.deepEqual(doc.person.schedule, { timezone: 'Europe/London', windows: [{ days: ['mon'], from: '08:00', to: '18:00' }] });
    assert.equal(doc.templates.length, 1);
    assert.equal(doc.templates[0]!.embedding.length, 64);
    assert.ok(Math.abs(doc.templates[0]!.embedding[3]! - identityVector(3)[3]!) < 1e-6);
    assert.deepEqual(
      doc.consents.map((c) => c.basis),
      ['explicit_consent'],
    );
    assert.deepEqual(
      doc.events.map((e) => e.subject),
      [subject],
    );
    assert.ok(doc.audit.some((a) => a.action === 'person.enroll'));
    assert.ok(JSON.parse(JSON.stringify(doc)), 'plain JSON');

    const erased = h.identity.erasePerson('zeb', 'admin:root');
    assert.deepEqual(erased, { templates: 1, events: 1, snapshots: 0 });
    const n = (sql: string, ...args: unknown[]): number => (h.db.prepare(sql).get(...args) as { n: number }).n;
    assert.equal(n('SELECT count(*) AS n FROM persons WHERE id = ?', 'zeb'), 0);
    assert.equal(n('SELECT count(*) AS n FROM templates WHERE person_id = ?', 'zeb'), 0);
    assert.equal(n('SELECT count(*) AS n FROM person_keys WHERE person_id = ?', 'zeb'), 0);
    assert.equal(n('SELECT count(*) AS n FROM events WHERE subject = ?', subject), 0);
    assert.equal(
      n('SELECT count(*) AS n FROM consents WHERE person_id = ? AND withdrawn_at IS NULL', 'zeb'),
      0,
      'consent is withdrawn, its record kept (Art. 7(1))',
    );
    assert.equal(h.identity.match(identityVector(3)).personId, null);
    assert.throws(() => h.identity.people.get('zeb'), /no enrolled person/);
    // The other person is untouched; the audit chain is intact and records the erasure.
    assert.equal(h.identity.match(identityVector(30)).personId, 'keep');
    assert.equal(n('SELECT count(*) AS n FROM events'), 1);
    assert.ok(h.audit.list({ target: 'zeb', action: 'person.erase' }).length === 1);
    assert.equal(h.audit.verify().ok, true);
    assert.throws(() => h.identity.erasePerson('zeb', 'admin:root'), /no enrolled person/);
  } finally {
    h.close();
  }
});
