import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  decodeRecord,
  encodeRecord,
  encodeUnsigned,
  exportMemberIdentity,
  importMemberIdentity,
  makeTombstone,
  newMemberIdentity,
  newRid,
  openPersonRecord,
  PAD_BLOCK,
  publicOf,
  sealPersonRecord,
  SiteError,
  signWithDomain,
  verifyRecord,
  type MemberPublic,
} from '../../../daemon/site/index.ts';
import { refusedBySite } from '../../support/site.ts';

const site = { siteId: randomBytes(16), epoch: 1, siteKey: randomBytes(32) };
const front = newMemberIdentity('front');
const back = newMemberIdentity('back');
const members = new Map<string, MemberPublic>([front, back].map((m) => [m.id, publicOf(m)]));
const verify = { siteId: site.siteId, members };
const keyOf = (epoch: number): Buffer | undefined => (epoch === site.epoch ? site.siteKey : undefined);
const profile = Buffer.from(JSON.stringify({ name: 'Ada Lovelace', schedule: 'Mon 08:00-18:00' }));

function person(over: { hlc?: { wall: number; counter: number }; rid?: Buffer; personKey?: Buffer } = {}): Buffer {
  return sealPersonRecord(site, front, {
    rid: over.rid ?? newRid(),
    hlc: over.hlc ?? { wall: 1_000, counter: 0 },
    personKey: over.personKey ?? randomBytes(32),
    plaintext: profile,
  });
}

void test('a sealed person record verifies and opens to the person key and the same data, and shows neither', () => {
  const personKey = randomBytes(32);
  const bytes = person({ personKey });
  assert.equal(bytes.indexOf(Buffer.from('Ada')), -1);
  assert.equal(bytes.indexOf(personKey), -1);
  assert.equal(bytes.indexOf(site.siteKey), -1);
  const verified = verifyRecord(bytes, verify);
  assert.equal(verified.signer, 'front');
  const opened = openPersonRecord(verified, keyOf);
  assert.deepEqual(opened.personKey, personKey);
  assert.deepEqual(opened.plaintext, profile);
});

void test('payloads are padded, so names of different lengths make records of one size', () => {
  const make = (name: string): number =>
    sealPersonRecord(site, front, { rid: newRid(), hlc: { wall: 1, counter: 0 }, personKey: randomBytes(32), plaintext: Buffer.from(name) }).length;
  assert.equal(make('Al'), make('Bartholomew Featherstonehaugh-Cholmondeley'));
  assert.ok(make('x'.repeat(PAD_BLOCK)) > make('Al'));
});

void test('a flipped byte anywhere in a record is refused: header and payload by the signature, the signature itself too', () => {
  const bytes = person();
  const signatureStart = bytes.length - 64;
  for (const at of [2, 20, 30, 45, 50, 60, signatureStart - 1, signatureStart, bytes.length - 1]) {
    const tampered = Buffer.from(bytes);
    tampered[at]! ^= 0x01;
    assert.throws(() => verifyRecord(tampered, verify), SiteError, `flip at ${at}`);
  }
  const tampered = Buffer.from(bytes);
  tampered[signatureStart - 1]! ^= 0x01;
  refusedBySite(() => verifyRecord(tampered, verify), 'site_signature', /signature does not verify/);
});

void test('a record of an unknown signer, or of another site, is refused before anything is opened', () => {
  const stranger = newMemberIdentity('stranger');
  const forged = sealPersonRecord(site, stranger, { rid: newRid(), hlc: { wall: 1, counter: 0 }, personKey: randomBytes(32), plaintext: profile });
  refusedBySite(() => verifyRecord(forged, verify), 'site_unknown_signer', /signed by stranger, who is not a member/);
  refusedBySite(() => verifyRecord(person(), { siteId: randomBytes(16), members }), 'site_wrong_site', /belongs to site [0-9a-f]{32}, not this one/);
});

void test('a record re-signed under a member name by someone else fails the signature check', () => {
  // The stranger names "front" as signer: the codec accepts the form, the roster's key refuses it.
  const impostor = { ...newMemberIdentity('front') };
  const forged = sealPersonRecord(site, impostor, { rid: newRid(), hlc: { wall: 1, counter: 0 }, personKey: randomBytes(32), plaintext: profile });
  refusedBySite(() => verifyRecord(forged, verify), 'site_signature', /not made by front/);
});

void test('a wrong site key, or an unknown epoch, does not open a verified record', () => {
  const verified = verifyRecord(person(), verify);
  refusedBySite(() => openPersonRecord(verified, () => randomBytes(32)), 'site_open', /does not open: .*failed authentication/);
  refusedBySite(() => openPersonRecord(verified, () => undefined), 'site_epoch_unknown', /epoch 1, whose site key this member does not hold/);
});

void test('a wrapped key or payload moved into another record does not open, even re-signed by a member', () => {
  const a = decodeRecord(person({ rid: newRid() }));
  const b = decodeRecord(person({ rid: newRid(), hlc: { wall: 2_000, counter: 0 } }));
  // A member (or a bug) splicing a's sealed parts under b's header: the authenticated data binds them to rid and version.
  for (const moved of [
    { ...b, wrappedKey: a.wrappedKey },
    { ...b, payload: a.payload },
    { ...b, wrappedKey: a.wrappedKey, payload: a.payload },
  ]) {
    const resigned = encodeRecord({
      ...moved,
      signer: 'back',
      signature: signWithDomain(back.signingPrivate, 'facegate-site-record-v1', encodeUnsigned({ ...moved, signer: 'back' })),
    });
    const verified = verifyRecord(resigned, verify);
    refusedBySite(() => openPersonRecord(verified, keyOf), 'site_open', /does not open/);
  }
});

void test('a tombstone is signed, carries nothing to open, and is refused by openPersonRecord', () => {
  const rid = newRid();
  const tomb = verifyRecord(makeTombstone(site, back, rid, { wall: 5_000, counter: 1 }), verify);
  assert.equal(tomb.kind, 'tombstone');
  assert.deepEqual(tomb.rid, rid);
  refusedBySite(() => openPersonRecord(tomb, keyOf), 'site_tombstone', /is a tombstone/);
  const flipped = Buffer.from(makeTombstone(site, back, rid, { wall: 5_000, counter: 1 }));
  flipped[30]! ^= 0x80; // the rid: a tombstone cannot be moved to another person
  refusedBySite(() => verifyRecord(flipped, verify), 'site_signature', /signature does not verify/);
});

void test('a member identity survives export and import, and signs records the roster accepts', () => {
  const again = importMemberIdentity(exportMemberIdentity(front));
  assert.deepEqual(again.signingKey, front.signingKey);
  assert.deepEqual(again.exchangeKey, front.exchangeKey);
  const bytes = sealPersonRecord(site, again, { rid: newRid(), hlc: { wall: 9, counter: 0 }, personKey: randomBytes(32), plaintext: profile });
  assert.equal(verifyRecord(bytes, verify).signer, 'front');
  const swapped = exportMemberIdentity(front);
  refusedBySite(() => importMemberIdentity({ ...swapped, signing: swapped.exchange }), 'site_key', /does not hold an Ed25519 and an X25519 key/);
  refusedBySite(() => newMemberIdentity('No Spaces'), 'site_member_id', /must match/);
});

void test("an old version's payload under a newer header does not open, even with the same person key", () => {
  const rid = newRid();
  const personKey = randomBytes(32);
  const v1 = decodeRecord(person({ rid, personKey, hlc: { wall: 1_000, counter: 0 } }));
  const v2 = decodeRecord(person({ rid, personKey, hlc: { wall: 2_000, counter: 0 } }));
  const moved = { ...v2, payload: v1.payload };
  const resigned = encodeRecord({ ...moved, signature: signWithDomain(front.signingPrivate, 'facegate-site-record-v1', encodeUnsigned(moved)) });
  refusedBySite(() => openPersonRecord(verifyRecord(resigned, verify), keyOf), 'site_open', /does not open/);
  // The honest v2 opens with the same key: only the version binding refused the moved payload.
  assert.deepEqual(openPersonRecord(verifyRecord(encodeRecord(v2), verify), keyOf).plaintext, profile);
});
