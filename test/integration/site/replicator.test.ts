import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connectAsync, type MqttClient } from 'mqtt';
import {
  HybridClock,
  mqttTransport,
  newMemberIdentity,
  newRid,
  publicOf,
  sealPersonRecord,
  SiteReplicator,
  type MemberIdentity,
  type MemberPublic,
  type ReceivedPerson,
} from '../../../daemon/site/index.ts';
import { startMosquitto, type Mosquitto } from '../../support/mosquitto.ts';
import { eventually } from '../../support/within.ts';

let broker: Mosquitto;
const clients: MqttClient[] = [];
/** Everything any client could read from the broker: the `#` subscriber's view of the test. */
const captured: Array<{ topic: string; payload: Buffer }> = [];

const site = { siteId: randomBytes(16), epoch: 1, siteKey: randomBytes(32) };
const a = newMemberIdentity('a');
const b = newMemberIdentity('b');
const c = newMemberIdentity('c');
const roster = new Map<string, MemberPublic>([a, b, c].map((m) => [m.id, publicOf(m)]));

interface Member {
  replicator: SiteReplicator;
  people: Map<string, ReceivedPerson>;
  erased: string[];
}

async function connect(): Promise<MqttClient> {
  const client = await connectAsync(broker.url, { reconnectPeriod: 200 });
  clients.push(client);
  return client;
}

async function member(self: MemberIdentity, siteKey = site.siteKey): Promise<Member> {
  const people = new Map<string, ReceivedPerson>();
  const erased: string[] = [];
  const replicator = new SiteReplicator({
    base: 'facegate',
    site: { ...site, siteKey },
    self,
    members: roster,
    clock: new HybridClock({ now: () => Date.now() }),
    transport: mqttTransport(await connect()),
    onPerson: (p) => people.set(p.rid, p),
    onErased: (rid) => erased.push(rid),
  });
  await replicator.start();
  return { replicator, people, erased };
}

/** A person as the daemon will serialize one: a name, a schedule, and an embedding's float bytes. */
function personData(name: string): { plaintext: Buffer; embedding: Buffer; schedule: string } {
  const embedding = Buffer.from(new Float32Array(Array.from({ length: 512 }, () => Math.random() * 2 - 1)).buffer);
  const schedule = 'mon-fri 07:30-18:45';
  const json = Buffer.from(JSON.stringify({ personId: `id-${name}`, name, schedule }));
  return { plaintext: Buffer.concat([json, embedding]), embedding, schedule };
}

before(async () => {
  broker = await startMosquitto();
  const spy = await connect();
  spy.on('message', (topic, payload) => captured.push({ topic, payload: Buffer.from(payload) }));
  await spy.subscribeAsync('#', { qos: 1 });
});

after(async () => {
  await Promise.all(clients.map((client) => client.endAsync(true)));
  await broker.stop();
});

void test('enroll on one member, every member has it; erase, every member shreds it, also one that connects later; the broker sees none of it', async () => {
  const A = await member(a);
  const B = await member(b);
  const ada = personData('Ada Lovelace');
  const grace = personData('Grace Hopper');
  const ridAda = newRid().toString('hex');
  const ridGrace = newRid().toString('hex');
  const adaKey = randomBytes(32);
  await A.replicator.share(ridAda, adaKey, ada.plaintext);
  await A.replicator.share(ridGrace, randomBytes(32), grace.plaintext);
  await eventually(5_000, () => B.people.has(ridAda) && B.people.has(ridGrace), 'B receives both people');
  assert.deepEqual(B.people.get(ridAda)!.plaintext, ada.plaintext);
  assert.deepEqual(B.people.get(ridAda)!.personKey, adaKey);
  assert.equal(B.people.get(ridAda)!.signer, 'a');

  await B.replicator.erase(ridAda);
  await eventually(5_000, () => A.erased.includes(ridAda), 'A applies the erasure from B');
  assert.ok(A.replicator.isErased(ridAda));

  // C was offline for all of it: the retained tombstone reaches it, the erased record does not.
  const C = await member(c);
  await eventually(5_000, () => C.people.has(ridGrace) && C.erased.includes(ridAda), 'C catches up from retained messages');
  assert.ok(!C.people.has(ridAda), 'C never received the erased person');
  assert.ok(C.replicator.isErased(ridAda));

  // Nothing a broker reader saw holds a name, a schedule, the person id, the person key or any 16 bytes of an embedding.
  const wire = Buffer.concat(captured.flatMap(({ topic, payload }) => [Buffer.from(topic), payload]));
  assert.ok(captured.length >= 4, `the capture saw the traffic (${captured.length} messages)`);
  for (const secret of ['Ada Lovelace', 'Grace Hopper', 'Lovelace', ada.schedule, 'id-Ada', '"name"']) {
    assert.equal(wire.indexOf(Buffer.from(secret)), -1, `${secret} is on the wire`);
  }
  assert.equal(wire.indexOf(adaKey), -1, 'the person key is on the wire');
  assert.equal(wire.indexOf(site.siteKey), -1, 'the site key is on the wire');
  for (const embedding of [ada.embedding, grace.embedding]) {
    for (let at = 0; at + 16 <= embedding.length; at += 16) {
      assert.equal(wire.indexOf(embedding.subarray(at, at + 16)), -1, `embedding bytes ${at}..${at + 16} are on the wire`);
    }
    assert.equal(wire.indexOf(Buffer.from(embedding.toString('base64').slice(0, 24))), -1, 'the embedding in base64 is on the wire');
  }
  A.replicator.stop();
  B.replicator.stop();
  C.replicator.stop();
});

void test('forged, replayed, misplaced and wrong-key records are refused and change nothing', async () => {
  const A = await member(a);
  const B = await member(b);
  const rid = newRid().toString('hex');
  const topic = B.replicator.topics.person(rid);
  const onWire = async (t: string): Promise<Buffer> => {
    await eventually(5_000, () => captured.some((m) => m.topic === t), `a record on ${t}`);
    return captured.filter((m) => m.topic === t).at(-1)!.payload;
  };
  await A.replicator.share(rid, randomBytes(32), personData('Katherine Johnson').plaintext);
  await eventually(5_000, () => B.people.has(rid), 'B receives v1');
  const v1 = await onWire(topic);
  const v1Person = B.people.get(rid)!;
  await A.replicator.share(rid, randomBytes(32), personData('Katherine Johnson').plaintext);
  await eventually(5_000, () => B.people.get(rid) !== v1Person, 'B receives v2');
  const v2 = B.people.get(rid)!;
  const other = newRid().toString('hex');
  await A.replicator.share(other, randomBytes(32), Buffer.from('other'));
  const otherBytes = await onWire(A.replicator.topics.person(other));

  const raw = await connect();
  const mallory = newMemberIdentity('mallory');
  const forged = sealPersonRecord(site, mallory, {
    rid: Buffer.from(rid, 'hex'),
    hlc: { wall: Date.now(), counter: 9 },
    personKey: randomBytes(32),
    plaintext: Buffer.from('x'),
  });
  await raw.publishAsync(topic, forged, { qos: 1 }); // signed by someone outside the roster
  await raw.publishAsync(topic, v1, { qos: 1 }); // a genuine but older version
  await raw.publishAsync(topic, otherBytes, { qos: 1 }); // another person's record on this topic
  const count = (reason: string): number => B.replicator.refused.get(reason) ?? 0;
  await eventually(
    5_000,
    () => count('site_unknown_signer') >= 1 && count('stale') >= 1 && count('site_topic_mismatch') >= 1,
    `B refuses all three (${JSON.stringify([...B.replicator.refused])})`,
  );
  assert.equal(B.people.get(rid), v2, 'B still holds v2');

  // A member holding the wrong site key takes in nothing it cannot open, and says why.
  const wrong = await member(newMemberIdentity('c'), randomBytes(32));
  await eventually(5_000, () => (wrong.replicator.refused.get('site_open') ?? 0) >= 2, 'the wrong-key member refuses the retained records');
  assert.equal(wrong.people.size, 0);
  for (const m of [A, B, wrong]) m.replicator.stop();
});
