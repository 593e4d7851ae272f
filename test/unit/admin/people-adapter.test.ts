import { test } from 'node:test';
import assert from 'node:assert/strict';
import { identityPeople } from '../../../daemon/admin/index.ts';
import { face, identityVector, openHarness, photo } from '../../support/identity-harness.ts';
import { tempDir } from '../../support/tmp.ts';

test("a photo upload is analysed once: identity's outcome carries the face box and the image size into the verdict", async () => {
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

test('a person added in the panel is kept by identity as a draft: listed, edited, still there after a reopen, then erased with its key', async () => {
  const dir = tempDir();
  let h = openHarness(dir);
  const created = await identityPeople(h.identity).create({ name: 'Zeb Quill', validFrom: null, validUntil: null, schedule: null }, 'admin:test');
  assert.equal(created.templates, 0);
  assert.equal((await identityPeople(h.identity).rename(created.id, 'Zebedee Quill', 'admin:test'))?.name, 'Zebedee Quill');
  h.close();

  h = openHarness(dir);
  try {
    const people = identityPeople(h.identity);
    assert.deepEqual(
      (await people.list()).map((p) => [p.id, p.name, p.templates]),
      [[created.id, 'Zebedee Quill', 0]],
    );
    assert.equal((await people.get(created.id))?.createdAt, created.createdAt);
    assert.equal((await people.export(created.id, 'admin:test'))?.format, 'facegate.subject-access.v1');
    await assert.rejects(async () => people.addTemplateFromCamera(created.id, 'admin:test'), /no camera is running/);
    assert.equal(await people.erase(created.id, 'admin:test'), true);
    assert.equal(await people.get(created.id), null);
    assert.equal(h.personKeys.has(created.id), false, "the draft's key is destroyed");
    assert.equal(await people.erase(created.id, 'admin:test'), false);
  } finally {
    h.close();
  }
});
