// The main thread's side of a person's figures, over the real identity and privacy rooms: their
// pseudonym and the threshold that applies to them; nothing once they are erased, and their
// events (so their figures) gone with them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { personStatsService } from '../../../daemon/admin/index.ts';
import { makeEvent } from '../../../daemon/core/index.ts';
import { EventStore } from '../../../daemon/store/index.ts';
import { face, identityVector, openHarness, photo } from '../../support/identity-harness.ts';
import { tempDir } from '../../support/tmp.ts';

test("a person's basis is their pseudonym and their own threshold or the level's; a draft has one too; the erased and the unknown have none", async () => {
  const h = openHarness(tempDir());
  try {
    const service = personStatsService(h.identity, (id) => h.pseudonyms.subject(id));
    const shot = (k: number) => [{ name: `${k}.jpg`, bytes: photo([face({ embedding: identityVector(k) })]) }];
    const ada = await h.identity.enroll({ displayName: 'Ada', photos: shot(1), actor: 'admin:test' });
    const twin = await h.identity.enroll({ displayName: 'Twin', threshold: 0.72, photos: shot(2), actor: 'admin:test' });
    const draft = h.identity.drafts.create({ displayName: 'Draft' }, 'admin:test');

    assert.deepEqual(await service.basis(ada.personId), { subject: h.pseudonyms.subject(ada.personId), threshold: h.identity.levelThreshold });
    assert.deepEqual(await service.basis(twin.personId), { subject: h.pseudonyms.subject(twin.personId), threshold: 0.72 });
    assert.deepEqual(await service.basis(draft.id), { subject: h.pseudonyms.subject(draft.id), threshold: h.identity.levelThreshold });
    assert.equal(await service.basis('nobody'), null);

    const events = new EventStore(h.db);
    const basis = (await service.basis(ada.personId))!;
    events.append(makeEvent({ door: 'front', type: 'access_granted', subject: basis.subject, score: 0.8, liveness: 0.9, reason: 'match', decision_ms: 300 }));
    events.append(makeEvent({ door: 'front', type: 'access_denied', subject: basis.subject, score: 0.8, liveness: 0.9, reason: 'outside_schedule' }));
    assert.equal(events.personStats(basis.subject, 30, basis.threshold).grants.count, 1);

    h.identity.erasePerson(ada.personId, 'admin:test');
    assert.equal(await service.basis(ada.personId), null, 'no basis: the route answers 404');
    const left = events.personStats(basis.subject, 365, basis.threshold);
    assert.deepEqual([left.grants.count, left.refusals.count, left.refusals.last], [0, 0, null], 'their events went with them');
    assert.equal((await service.basis(twin.personId))?.threshold, 0.72, 'the others stay');
  } finally {
    h.close();
  }
});
