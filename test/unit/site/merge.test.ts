import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  compareVersions,
  makeTombstone,
  merge,
  newMemberIdentity,
  newRid,
  publicOf,
  sealPersonRecord,
  SiteLedger,
  verifyRecord,
  type Hlc,
  type MemberPublic,
  type VerifiedRecord,
} from '../../../daemon/site/index.ts';

const site = { siteId: randomBytes(16), epoch: 1, siteKey: randomBytes(32) };
const doors = ['a', 'b', 'c'].map((id) => newMemberIdentity(id));
const verify = { siteId: site.siteId, members: new Map<string, MemberPublic>(doors.map((m) => [m.id, publicOf(m)])) };

function record(rid: Buffer, door: number, hlc: Hlc, kind: 'person' | 'tombstone' = 'person'): VerifiedRecord {
  const member = doors[door]!;
  const bytes =
    kind === 'person'
      ? sealPersonRecord(site, member, { rid, hlc, personKey: randomBytes(32), plaintext: Buffer.from(`v${hlc.wall}`) })
      : makeTombstone(site, member, rid, hlc);
  return verifyRecord(bytes, verify);
}

/** A seeded shuffle (mulberry32), so a failing order can be reproduced from its seed. */
function shuffled<T>(items: T[], seed: number): T[] {
  let s = seed >>> 0;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

void test('the newer version wins; an older one (a replay) and the same one change nothing', () => {
  const rid = newRid();
  const v1 = record(rid, 0, { wall: 1_000, counter: 0 });
  const v2 = record(rid, 1, { wall: 1_000, counter: 1 });
  const ledger = new SiteLedger<VerifiedRecord>();
  assert.equal(ledger.apply('p', v1), 'accepted');
  assert.equal(ledger.apply('p', v2), 'accepted');
  assert.equal(ledger.apply('p', v1), 'stale');
  assert.equal(ledger.apply('p', v2), 'duplicate');
  assert.equal(ledger.get('p'), v2);
});

void test('equal clock values are ordered by signer id, then by digest, so two members never disagree', () => {
  const rid = newRid();
  const hlc = { wall: 7, counter: 3 };
  const fromA = record(rid, 0, hlc);
  const fromB = record(rid, 1, hlc);
  assert.ok(compareVersions(fromB, fromA) > 0);
  assert.equal(merge(fromA, fromB).keep, fromB);
  assert.equal(merge(fromB, fromA).keep, fromB);
  const twin = record(rid, 0, hlc); // same signer, same clock, other bytes: only a faulty member makes it
  const winner = Buffer.compare(twin.digest, fromA.digest) > 0 ? twin : fromA;
  assert.equal(merge(fromA, twin).keep, winner);
  assert.equal(merge(twin, fromA).keep, winner);
});

void test('a tombstone replaces any record, even a newer one, and blocks every later person record', () => {
  const rid = newRid();
  const ledger = new SiteLedger<VerifiedRecord>();
  const newer = record(rid, 0, { wall: 9_000, counter: 0 });
  const tomb = record(rid, 1, { wall: 5_000, counter: 0 }, 'tombstone');
  assert.equal(ledger.apply('p', newer), 'accepted');
  assert.equal(ledger.apply('p', tomb), 'accepted');
  assert.ok(ledger.isErased('p'));
  // Re-delivery of the erased version, an even newer edit, a clock far ahead: all refused.
  assert.equal(ledger.apply('p', newer), 'erased');
  assert.equal(ledger.apply('p', record(rid, 2, { wall: 99_000, counter: 0 })), 'erased');
  assert.equal(ledger.get('p'), tomb);
  // A second tombstone: the greater one is kept, so members agree on who erased and when.
  const later = record(rid, 2, { wall: 6_000, counter: 0 }, 'tombstone');
  assert.equal(ledger.apply('p', later), 'accepted');
  assert.equal(ledger.apply('p', tomb), 'stale');
  assert.equal(ledger.get('p'), later);
  assert.ok(ledger.isErased('p'));
});

void test('any order of arrival, with duplicates, ends in the same held record for every person', () => {
  const arrivals: Array<[string, VerifiedRecord]> = [];
  const expected = new Map<string, VerifiedRecord>();
  for (let p = 0; p < 6; p++) {
    const rid = newRid();
    const key = `p${p}`;
    const versions = [0, 1, 2, 3].map((i) => record(rid, i % 3, { wall: 1_000 + ((i * 7 + p) % 4), counter: i % 2 }));
    // p0, p1: no tombstone; p2, p3: one; p4, p5: two, one of them older than some edits.
    const tombs =
      p < 2
        ? []
        : p < 4
          ? [record(rid, p % 3, { wall: 1_001, counter: 0 }, 'tombstone')]
          : [record(rid, 0, { wall: 900, counter: 0 }, 'tombstone'), record(rid, 1, { wall: 1_002, counter: 5 }, 'tombstone')];
    const all = [...versions, ...tombs];
    const pool = tombs.length > 0 ? tombs : versions;
    expected.set(
      key,
      pool.reduce((best, r) => (compareVersions(r, best) > 0 ? r : best)),
    );
    for (const r of all) arrivals.push([key, r], [key, r]); // every record twice: MQTT QoS 1 redelivers
  }
  for (let seed = 1; seed <= 200; seed++) {
    const ledger = new SiteLedger<VerifiedRecord>();
    for (const [key, r] of shuffled(arrivals, seed)) ledger.apply(key, r);
    assert.equal(ledger.size, expected.size);
    for (const [key, want] of expected) assert.equal(ledger.get(key), want, `seed ${seed}, ${key}`);
  }
});
