import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  HybridClock,
  makeTombstone,
  newMemberIdentity,
  newRid,
  publicOf,
  sealPersonRecord,
  SiteReplicator,
  type MemberPublic,
  type SiteTransport,
} from '../../../daemon/site/index.ts';

const site = { siteId: randomBytes(16), epoch: 1, siteKey: randomBytes(32) };
const self = newMemberIdentity('here');
const peer = newMemberIdentity('there');
const roster = new Map<string, MemberPublic>([self, peer].map((m) => [m.id, publicOf(m)]));
const now = 1_765_000_000_000;

/** A transport that keeps what is published and lets the test deliver messages by hand. */
function memoryTransport(): SiteTransport & {
  published: Array<{ topic: string; payload: Buffer; retain: boolean }>;
  deliver(topic: string, payload: Buffer): void;
} {
  const listeners = new Set<(topic: string, payload: Buffer) => void>();
  const published: Array<{ topic: string; payload: Buffer; retain: boolean }> = [];
  return {
    published,
    publish: async (topic, payload, { retain }) => void published.push({ topic, payload, retain }),
    subscribe: async () => undefined,
    onMessage(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    deliver: (topic, payload) => listeners.forEach((l) => l(topic, payload)),
  };
}

async function setUp(): Promise<{ r: SiteReplicator; t: ReturnType<typeof memoryTransport>; people: string[]; erased: string[] }> {
  const t = memoryTransport();
  const people: string[] = [];
  const erased: string[] = [];
  const r = new SiteReplicator({
    base: 'facegate/',
    site,
    self,
    members: roster,
    clock: new HybridClock({ now: () => now }),
    transport: t,
    onPerson: (p) => people.push(p.rid),
    onErased: (rid) => erased.push(rid),
  });
  await r.start();
  return { r, t, people, erased };
}

void test('share publishes a retained record; erase a retained tombstone and clears the record; the person cannot be shared again', async () => {
  const { r, t } = await setUp();
  const rid = newRid().toString('hex');
  await r.share(rid, randomBytes(32), Buffer.from('data'));
  await r.erase(rid);
  const root = `facegate/site/${site.siteId.toString('hex')}`;
  assert.deepEqual(
    t.published.map((m) => [m.topic, m.retain, m.payload.length > 0]),
    [
      [`${root}/person/${rid}`, true, true],
      [`${root}/tomb/${rid}`, true, true],
      [`${root}/person/${rid}`, true, false],
    ],
  );
  assert.ok(r.isErased(rid));
  await assert.rejects(r.share(rid, randomBytes(32), Buffer.from('again')), (err: unknown) => (err as { code?: string }).code === 'site_local_refused');
});

void test('a tombstone from a clock far ahead is applied; a person record from it is refused', async () => {
  const { r, t, people, erased } = await setUp();
  const ahead = { wall: now + 3_600_000, counter: 0 };
  const ridA = newRid();
  const ridB = newRid();
  t.deliver(
    r.topics.person(ridA.toString('hex')),
    sealPersonRecord(site, peer, { rid: ridA, hlc: ahead, personKey: randomBytes(32), plaintext: Buffer.from('p') }),
  );
  t.deliver(r.topics.tomb(ridB.toString('hex')), makeTombstone(site, peer, ridB, ahead));
  assert.deepEqual(people, []);
  assert.equal(r.refused.get('site_clock_drift'), 1);
  assert.deepEqual(erased, [ridB.toString('hex')]);
  assert.ok(r.isErased(ridB.toString('hex')));
});

void test('a person record arriving after the tombstone is never handed on; a repeated tombstone is reported once', async () => {
  const { r, t, people, erased } = await setUp();
  const rid = newRid();
  const hex = rid.toString('hex');
  const record = sealPersonRecord(site, peer, { rid, hlc: { wall: now, counter: 1 }, personKey: randomBytes(32), plaintext: Buffer.from('p') });
  const tomb = makeTombstone(site, peer, rid, { wall: now - 10, counter: 0 });
  t.deliver(r.topics.tomb(hex), tomb);
  t.deliver(r.topics.tomb(hex), tomb);
  t.deliver(r.topics.person(hex), record);
  assert.deepEqual(people, []);
  assert.deepEqual(erased, [hex]);
  assert.equal(r.refused.get('erased'), 1);
});

void test('cleared records, foreign topics and a tombstone on a person topic are not taken in', async () => {
  const { r, t, people, erased } = await setUp();
  const rid = newRid();
  const hex = rid.toString('hex');
  t.deliver(r.topics.person(hex), Buffer.alloc(0));
  t.deliver(`facegate/front/event`, Buffer.from('{}'));
  t.deliver(`${r.topics.root}/person/not-a-rid`, Buffer.from('x'));
  t.deliver(r.topics.person(hex), makeTombstone(site, peer, rid, { wall: now, counter: 0 }));
  assert.deepEqual([people, erased], [[], []]);
  assert.deepEqual([...r.refused], [['site_topic_mismatch', 1]]);
  t.deliver(r.topics.person(hex), Buffer.from('garbage'));
  assert.equal(r.refused.get('site_malformed'), 1);
  r.stop();
  t.deliver(r.topics.person(hex), Buffer.from('garbage'));
  assert.equal(r.refused.get('site_malformed'), 1, 'a stopped replicator takes in nothing');
});
