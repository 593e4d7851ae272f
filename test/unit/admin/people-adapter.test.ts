import { test } from 'node:test';
import assert from 'node:assert/strict';
import { identityPeople } from '../../../daemon/admin/index.ts';
import { face, identityVector, openHarness, photo } from '../../support/identity-harness.ts';
import { tempDir } from '../../support/tmp.ts';

test('a photo upload is analysed once: identity\'s outcome carries the face box and the image size into the verdict', async () => {
  const h = openHarness(tempDir());
  try {
    const people = identityPeople(h.identity);
    const draft = await people.create({ name: 'Zeb Quill' }, 'admin:test');
    const seen = face({ box: { x: 40, y: 30, width: 200, height: 220 }, embedding: identityVector(5) });
    const added = await people.addTemplateFromPhoto(draft.id, photo([seen]), 'admin:test');
    assert.equal(added?.added, true);
    assert.deepEqual(added?.verdict, { ok: true, reasons: [], box: seen.box, imageWidth: 640, imageHeight: 480 });
    assert.equal(h.analyses(), 1, 'one vision pass for the enrollment and the verdict');

    const two = await people.addTemplateFromPhoto(draft.id, photo([face(), face({ box: { x: 400, y: 80, width: 160, height: 180 } })]), 'admin:test');
    assert.equal(two?.added, false);
    assert.equal(two?.verdict.box, null, 'no box when several faces are found');
    assert.equal(two?.verdict.imageWidth, 640);
    assert.match(two?.verdict.reasons[0] ?? '', /more than one face/);
    assert.equal(h.analyses(), 2);

    const small = await people.addTemplateFromPhoto(draft.id, photo([face({ box: { x: 10, y: 10, width: 20, height: 20 } })]), 'admin:test');
    assert.equal(small?.added, false);
    assert.deepEqual(small?.verdict.box, { x: 10, y: 10, width: 20, height: 20 }, 'a refused single face is still drawn');
    assert.equal(h.analyses(), 3);
  } finally {
    h.close();
  }
});
