import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EnrollmentRefusedError, PersonNotFoundError, type RefusalReason } from '../../../daemon/identity/index.ts';
import { FacegateError } from '../../../daemon/core/index.ts';
import { tempDir } from '../../support/tmp.ts';
import { face, identityVector, openHarness, photo, type Harness } from '../../support/identity-harness.ts';

function counts(h: Harness): { persons: number; templates: number; keys: number; enrollAudits: number } {
  const n = (sql: string): number => (h.db.prepare(sql).get() as { n: number }).n;
  return {
    persons: n('SELECT count(*) AS n FROM persons'),
    templates: n('SELECT count(*) AS n FROM templates'),
    keys: n('SELECT count(*) AS n FROM person_keys'),
    enrollAudits: n("SELECT count(*) AS n FROM audit_log WHERE action LIKE 'person.%'"),
  };
}

async function refusal(h: Harness, bytes: Uint8Array): Promise<{ reason: RefusalReason | null; detail: string | null; message: string }> {
  try {
    await h.identity.enroll({ displayName: 'Refused Person', photos: [{ name: 'p.jpg', bytes }], actor: 'test' });
  } catch (err) {
    assert.ok(err instanceof EnrollmentRefusedError, String(err));
    const p = err.photos[0]!;
    return { reason: p.reason, detail: p.detail, message: err.message };
  }
  assert.fail('enrollment was not refused');
}

void test('every kind of bad photo is refused with its own reason, and nothing is written', async () => {
  // require_liveness: true (the old boolean form, both sources): uploads are PAD-checked too, so the two PAD refusals show.
  const h = openHarness(tempDir(), { enroll: { min_sharpness: 0.5, require_liveness: true } });
  try {
    const cases: [string, Uint8Array, RefusalReason, RegExp][] = [
      ['no face', photo([]), 'no_face', /no face/],
      ['two faces', photo([face(), face({ box: { x: 300, y: 80, width: 150, height: 170 } })]), 'several_faces', /2 faces/],
      ['tiny face', photo([face({ box: { x: 10, y: 10, width: 40, height: 44 } })]), 'face_too_small', /40 px, needs 80/],
      ['turned away', photo([face({ quality: { ok: true, reasons: [], sharpness: 1, yaw: 45, pitch: 0, size: 160 } })]), 'not_frontal', /yaw 45/],
      ['blurred', photo([face({ quality: { ok: true, reasons: [], sharpness: 0.1, yaw: 0, pitch: 0, size: 160 } })]), 'blurry', /sharpness 0.10/],
      ['printed photo', photo([face({ liveness: 0.1 })]), 'spoof_suspected', /presentation-attack/],
      ['unjudged', photo([face({ liveness: null })]), 'liveness_unknown', /could not judge/],
      [
        'vision said poor',
        photo([face({ quality: { ok: false, reasons: ['occluded'], sharpness: 1, yaw: 0, pitch: 0, size: 160 } })]),
        'poor_quality',
        /occluded/,
      ],
      ['no embedding', photo([face({ embedding: null })]), 'no_embedding', /no template/],
      ['a text file', Buffer.from('hello, I am not a photo'), 'not_an_image', /not a JPEG, PNG or WebP/],
      ['a corrupt JPEG', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]), 'unreadable_image', /could not be decoded: Input buffer/],
      ['a 50 MB upload', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(50 * 1024 * 1024)]), 'too_large', /larger than the upload limit/],
    ];
    for (const [what, bytes, reason, detail] of cases) {
      const r = await refusal(h, bytes);
      assert.equal(r.reason, reason, what);
      assert.match(r.detail ?? '', detail, what);
      assert.match(r.message, /nothing was saved/, what);
    }
    assert.deepEqual(counts(h), { persons: 0, templates: 0, keys: 0, enrollAudits: 0 });
    assert.equal(h.identity.people.list().length, 0);
  } finally {
    h.close();
  }
});

/** The refusal reason of a camera face, or null when it became a template. */
function cameraRefusal(h: Harness, personId: string, f: ReturnType<typeof face>): RefusalReason | null {
  try {
    h.identity.addFace(personId, f, 'admin:root');
    return null;
  } catch (err) {
    assert.ok(err instanceof EnrollmentRefusedError, String(err));
    return err.photos[0]!.reason;
  }
}

void test('by default camera captures must pass the presentation-attack check and uploaded photos need not', async () => {
  const h = openHarness(tempDir());
  try {
    // An uploaded portrait the PAD model calls an attack, or cannot judge, still enrolls: a photo is a photo.
    const r = await h.identity.enroll({
      personId: 'pat',
      displayName: 'Pat',
      actor: 'admin:root',
      photos: [
        { name: 'printed-looking.jpg', bytes: photo([face({ liveness: 0.1 })]) },
        { name: 'unjudged.jpg', bytes: photo([face({ liveness: null, embedding: identityVector(0, 0.01) })]) },
      ],
    });
    assert.deepEqual(
      r.photos.map((p) => p.reason),
      [null, null],
    );
    assert.equal(h.audit.list({ target: 'pat', action: 'person.enroll' })[0]!.detail?.source, 'upload');
    // The camera at the door is the same camera the passage check uses: its captures must be judged live.
    assert.equal(cameraRefusal(h, 'pat', face({ liveness: 0.1 })), 'spoof_suspected');
    assert.equal(cameraRefusal(h, 'pat', face({ liveness: null })), 'liveness_unknown');
    assert.equal(cameraRefusal(h, 'pat', face({ liveness: Number.NaN })), 'liveness_unknown', 'NaN is not a score');
    assert.equal(h.identity.people.get('pat').templates, 2, 'refused captures wrote nothing');
    assert.equal(cameraRefusal(h, 'pat', face({ liveness: 0.9, embedding: identityVector(0, 0.02) })), null);
    assert.equal(h.identity.people.get('pat').templates, 3);
    assert.equal(h.audit.list({ target: 'pat', action: 'person.templates.add' })[0]!.detail?.source, 'camera');
  } finally {
    h.close();
  }
});

/** The refusal reason of a photo added to person 'base', or null when it became a template. */
async function refusalOrNull(h: Harness, bytes: Uint8Array): Promise<RefusalReason | null> {
  try {
    await h.identity.addPhotos('base', [{ name: 'p.jpg', bytes }], 'test');
    return null;
  } catch (err) {
    assert.ok(err instanceof EnrollmentRefusedError, String(err));
    return err.photos[0]!.reason;
  }
}

void test('require_liveness per source, and its old boolean form for both', async () => {
  const cases: [unknown, { camera: RefusalReason | null; upload: RefusalReason | null }][] = [
    [true, { camera: 'spoof_suspected', upload: 'spoof_suspected' }],
    [false, { camera: null, upload: null }],
    [
      { camera: false, upload: true },
      { camera: null, upload: 'spoof_suspected' },
    ],
    [{ upload: true }, { camera: 'spoof_suspected', upload: 'spoof_suspected' }],
  ];
  for (const [setting, want] of cases) {
    const h = openHarness(tempDir(), { enroll: { require_liveness: setting } });
    try {
      await h.identity.enroll({
        personId: 'base',
        displayName: 'Base',
        actor: 'test',
        photos: [{ name: 'live.jpg', bytes: photo([face({ embedding: identityVector(20) })]) }],
      });
      assert.deepEqual(
        { camera: cameraRefusal(h, 'base', face({ liveness: 0.1 })), upload: await refusalOrNull(h, photo([face({ liveness: 0.1 })])) },
        want,
        JSON.stringify(setting),
      );
    } finally {
      h.close();
    }
  }
});

void test('a small background face does not count as a second face', async () => {
  const h = openHarness(tempDir());
  try {
    const r = await h.identity.enroll({
      displayName: 'Alice',
      actor: 'test',
      photos: [{ name: 'a.jpg', bytes: photo([face(), face({ box: { x: 500, y: 20, width: 50, height: 55 }, embedding: identityVector(9) })]) }],
    });
    assert.equal(r.photos[0]!.reason, null);
  } finally {
    h.close();
  }
});

void test('a batch keeps the good photos, reports the bad ones, and matches afterwards', async () => {
  const h = openHarness(tempDir());
  try {
    const r = await h.identity.enroll({
      personId: 'alice',
      displayName: 'Alice Liddell',
      actor: 'test',
      consent: { basis: 'explicit_consent', method: 'in_person_signed', noticeVersion: '2026-01' },
      photos: [
        { name: 'a1.jpg', bytes: photo([face({ embedding: identityVector(0, 0.01) })]) },
        { name: 'bad.jpg', bytes: photo([]) },
        { name: 'a2.jpg', bytes: photo([face({ embedding: identityVector(0, 0.03) })]) },
      ],
    });
    assert.equal(r.personId, 'alice');
    assert.deepEqual(
      r.photos.map((p) => [p.name, p.reason]),
      [
        ['a1.jpg', null],
        ['bad.jpg', 'no_face'],
        ['a2.jpg', null],
      ],
    );
    assert.deepEqual(counts(h), { persons: 1, templates: 2, keys: 1, enrollAudits: 1 });
    assert.equal(h.identity.people.get('alice').templates, 2);
    assert.equal(h.identity.people.get('alice').displayName, 'Alice Liddell');
    const m = h.identity.match(identityVector(0, 0.02));
    assert.equal(m.personId, 'alice');
    assert.ok(m.score > 0.99);
    // A stranger is below the threshold: unknown, with their (low) best score.
    const stranger = h.identity.match(identityVector(30));
    assert.equal(stranger.personId, null);
    assert.ok(stranger.score < 0.5);
  } finally {
    h.close();
  }
});

void test('a photo that looks like ANOTHER enrolled person is flagged', async () => {
  const h = openHarness(tempDir());
  try {
    await h.identity.enroll({
      personId: 'alice',
      displayName: 'Alice',
      actor: 'test',
      photos: [{ name: 'a.jpg', bytes: photo([face({ embedding: identityVector(0) })]) }],
    });
    const bob = await h.identity.enroll({
      personId: 'bob',
      displayName: 'Bob',
      actor: 'test',
      photos: [
        { name: 'bob.jpg', bytes: photo([face({ embedding: identityVector(20) })]) },
        { name: 'really-alice.jpg', bytes: photo([face({ embedding: identityVector(0, 0.02) })]) },
      ],
    });
    assert.equal(bob.photos[0]!.similarTo, null);
    assert.equal(bob.photos[1]!.similarTo?.personId, 'alice');
    assert.ok(bob.photos[1]!.similarTo!.score > 0.9);
    const row = h.audit.list({ target: 'bob', action: 'person.enroll' })[0]!;
    assert.deepEqual(row.detail?.similar_to, ['alice']);
    // Alice's own next photo is compared with everyone but her: it is flagged for Bob, who holds the mislabelled one.
    const more = await h.identity.addPhotos('alice', [{ name: 'a3.jpg', bytes: photo([face({ embedding: identityVector(0, 0.01) })]) }], 'test');
    assert.equal(more.photos[0]!.similarTo?.personId, 'bob');
    const bobMore = await h.identity.addPhotos('bob', [{ name: 'bob2.jpg', bytes: photo([face({ embedding: identityVector(20, 0.01) })]) }], 'test');
    assert.equal(bobMore.photos[0]!.similarTo, null, 'a photo like only your own templates is not flagged');
  } finally {
    h.close();
  }
});

void test('a person id that does not exist is a clear error everywhere, and changes nothing', async () => {
  const h = openHarness(tempDir());
  try {
    const good = [{ name: 'x.jpg', bytes: photo([face()]) }];
    await assert.rejects(h.identity.addPhotos('ghost', good, 'test'), PersonNotFoundError);
    assert.throws(() => h.identity.people.get('ghost'), /no enrolled person with id "ghost"/);
    assert.throws(() => h.identity.people.update('ghost', { enabled: false }, 'test'), PersonNotFoundError);
    assert.throws(() => h.identity.exportPerson('ghost', 'test'), PersonNotFoundError);
    assert.throws(() => h.identity.erasePerson('ghost', 'test'), PersonNotFoundError);
    assert.throws(() => h.identity.people.removeTemplate('ghost', 't', 'test'), PersonNotFoundError);
    assert.equal(h.identity.people.access('ghost'), null);
    assert.deepEqual(counts(h), { persons: 0, templates: 0, keys: 0, enrollAudits: 0 });
  } finally {
    h.close();
  }
});

void test('bad person fields are refused before any photo is looked at', async () => {
  const h = openHarness(tempDir());
  try {
    const photos = [{ name: 'x.jpg', bytes: photo([face()]) }];
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ personId: 'no spaces please' }, /person id must be/],
      [{ displayName: '   ' }, /display name/],
      [{ validFrom: 'next tuesday' }, /valid_from must be an ISO date-time/],
      [{ validFrom: '2026-02-01T00:00:00Z', validUntil: '2026-01-01T00:00:00Z' }, /after valid_from/],
      [{ threshold: 3 }, /threshold must be/],
      [{ schedule: { timezone: 'Nowhere/Land', windows: [{ days: ['mon'], from: '08:00', to: '09:00' }] } }, /IANA time zone/],
    ];
    for (const [fields, message] of bad) {
      await assert.rejects(
        h.identity.enroll({ displayName: 'X', actor: 'test', photos, ...fields }),
        (err: unknown) => err instanceof FacegateError && message.test(err.message),
      );
    }
    await assert.rejects(h.identity.enroll({ displayName: 'X', actor: 'test', photos: [] }), /no photos given/);
    await h.identity.enroll({ personId: 'dup', displayName: 'X', actor: 'test', photos });
    await assert.rejects(h.identity.enroll({ personId: 'dup', displayName: 'Y', actor: 'test', photos }), /already enrolled/);
    assert.equal(counts(h).persons, 1);
  } finally {
    h.close();
  }
});

void test('per-person threshold override and profile updates reach matching and access', async () => {
  const h = openHarness(tempDir(), { match_threshold: 0.9 });
  try {
    await h.identity.enroll({
      personId: 'carol',
      displayName: 'Carol',
      actor: 'test',
      photos: [{ name: 'c.jpg', bytes: photo([face({ embedding: identityVector(5) })]) }],
    });
    const probe = identityVector(5, 0.35); // cosine ≈ 0.95 to the template
    assert.equal(h.identity.match(probe).personId, 'carol');
    h.identity.people.update('carol', { threshold: 0.99 }, 'admin:root');
    assert.equal(h.identity.match(probe).personId, null, 'her own stricter threshold applies');
    h.identity.people.update('carol', { enabled: false, validUntil: '2026-06-30T00:00:00Z' }, 'admin:root');
    assert.deepEqual(h.identity.people.access('carol'), {
      personId: 'carol',
      enabled: false,
      validFrom: null,
      validUntil: '2026-06-30T00:00:00.000Z',
      schedule: null,
    });
    assert.equal(h.identity.people.get('carol').displayName, 'Carol', 'untouched fields are kept');
  } finally {
    h.close();
  }
});

void test('removing a template takes it out of the store and the gallery', async () => {
  const h = openHarness(tempDir());
  try {
    const r = await h.identity.enroll({
      personId: 'dan',
      displayName: 'Dan',
      actor: 'test',
      photos: [
        { name: '1.jpg', bytes: photo([face({ embedding: identityVector(10) })]) },
        { name: '2.jpg', bytes: photo([face({ embedding: identityVector(12) })]) },
      ],
    });
    h.identity.people.removeTemplate('dan', r.photos[1]!.templateId!, 'test');
    assert.equal(h.identity.people.get('dan').templates, 1);
    assert.equal(h.identity.match(identityVector(12)).personId, null);
    assert.equal(h.identity.match(identityVector(10)).personId, 'dan');
    assert.throws(() => h.identity.people.removeTemplate('dan', 'nope', 'test'), /has no template "nope"/);
  } finally {
    h.close();
  }
});
