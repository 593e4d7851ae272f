import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { newMemberIdentity, openEpochKey, publicOf, SiteError, wrapEpochKey, type MemberPublic } from '../../../daemon/site/index.ts';
import { refusedBySite } from '../../support/site.ts';

const siteId = randomBytes(16);
const [a, b, c, removed] = ['a', 'b', 'c', 'gone'].map((id) => newMemberIdentity(id)) as [
  ReturnType<typeof newMemberIdentity>,
  ReturnType<typeof newMemberIdentity>,
  ReturnType<typeof newMemberIdentity>,
  ReturnType<typeof newMemberIdentity>,
];
const previousRoster = new Map<string, MemberPublic>([a, b, c, removed].map((m) => [m.id, publicOf(m)]));
const next = { siteId, epoch: 2, siteKey: randomBytes(32) };
const message = wrapEpochKey(next, a, [a, b, c].map(publicOf));

void test('every remaining member opens the new site key; the message shows it to no one else', () => {
  for (const self of [a, b, c]) {
    const opened = openEpochKey(message, { siteId, self, members: previousRoster });
    assert.deepEqual(opened.siteKey, next.siteKey);
    assert.equal(opened.epoch, 2);
    assert.equal(opened.author, 'a');
    assert.deepEqual(opened.recipients, ['a', 'b', 'c']);
  }
  assert.equal(message.indexOf(next.siteKey), -1);
});

void test('the removed member, still holding its keys and the old roster, cannot open the new epoch', () => {
  refusedBySite(
    () => openEpochKey(message, { siteId, self: removed, members: previousRoster }),
    'site_not_recipient',
    /no copy of the site key for gone: this member was removed/,
  );
});

void test('an impostor under a recipient name, a tampered message, an unknown author or another site are refused', () => {
  const impostor = newMemberIdentity('b'); // same id, its own keys
  refusedBySite(() => openEpochKey(message, { siteId, self: impostor, members: previousRoster }), 'site_open', /does not open/);
  for (const at of [5, 22, 30, 60, message.length - 70, message.length - 1]) {
    const tampered = Buffer.from(message);
    tampered[at]! ^= 0x01;
    assert.throws(
      () => openEpochKey(tampered, { siteId, self: b, members: previousRoster }),
      (err: unknown) => err instanceof SiteError,
      `flip at ${at}`,
    );
  }
  const outsider = newMemberIdentity('mallory');
  const forged = wrapEpochKey({ ...next, siteKey: randomBytes(32) }, outsider, [publicOf(b)]);
  refusedBySite(() => openEpochKey(forged, { siteId, self: b, members: previousRoster }), 'site_unknown_signer', /made by "mallory", who is not a member/);
  refusedBySite(() => openEpochKey(message, { siteId: randomBytes(16), self: b, members: previousRoster }), 'site_wrong_site', /not this one/);
  refusedBySite(
    () => openEpochKey(Buffer.concat([message, Buffer.from([0])]), { siteId, self: b, members: previousRoster }),
    'site_malformed',
    /unexpected bytes/,
  );
  refusedBySite(() => wrapEpochKey(next, a, [publicOf(b), publicOf(b)]), 'site_epoch', /listed twice/);
});
