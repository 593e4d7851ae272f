// Enrollment, matching and a decision with the real vision pipeline (models from node_modules) on
// LFW photos from ../shared/data: the one place identity meets real faces in the tests.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { Value } from '@sinclair/typebox/value';
import { createAccess, validateSchedule } from '../../../daemon/access/index.ts';
import { ConfigSchema, embeddedDefaults, type Config } from '../../../daemon/config/index.ts';
import { EventBus, type AccessDecision, type BusEvents, type TrackVerdict } from '../../../daemon/core/index.ts';
import { EnrollmentRefusedError, createIdentity, identitySettings, type Identity } from '../../../daemon/identity/index.ts';
import { openPrivacy } from '../../../daemon/privacy/index.ts';
import { EventStore, openDatabase } from '../../../daemon/store/index.ts';
import { createVisionPipeline, type VisionPipeline } from '../../../daemon/vision/index.ts';
import { memoryLogger } from '../../support/logger.ts';
import { FakeClock } from '../../fakes/clock.ts';

const LFW = fileURLToPath(new URL('../../../../shared/data/lfw-dev/', import.meta.url));
const img = (rel: string): Buffer => readFileSync(`${LFW}${rel}`);

let vision: VisionPipeline;
let identity: Identity;
let bus: EventBus<BusEvents>;
let closeDb: () => void;
const { log } = memoryLogger('warn');

before(async () => {
  vision = await createVisionPipeline(embeddedDefaults().vision, log);
  // Made here, not with tempDir(): its after() hook would run when this before() hook ends.
  const dir = mkdtempSync(join(tmpdir(), 'facegate-identity-'));
  const db = openDatabase(dir);
  closeDb = () => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  };
  const privacy = openPrivacy({ db, dataDir: dir, env: {}, log });
  // No PAD model in this test: photos are judged on everything but liveness, and a cosine threshold
  // is given so the test does not depend on what eval measured.
  const config = Value.Default(ConfigSchema, { identity: { match_threshold: 0.3, enroll: { require_liveness: false } } }) as Config;
  bus = new EventBus<BusEvents>(log);
  identity = createIdentity({
    db,
    events: new EventStore(db),
    personKeys: privacy.persons,
    pseudonyms: privacy.pseudonyms,
    audit: privacy.audit,
    consents: privacy.consents,
    snapshots: privacy.snapshots,
    analyzeImage: (bytes) => vision.analyzeImage(bytes),
    model: config.vision.embedder.model,
    settings: identitySettings(config),
    validateSchedule,
    door: 'front',
    log,
    bus,
    clock: new FakeClock('2026-01-05T12:00:00Z'),
  });
  identity.start();
});

after(async () => {
  identity.stop();
  closeDb();
  await vision.close();
});

async function reasonFor(bytes: Uint8Array): Promise<string | null> {
  try {
    await identity.enroll({ displayName: 'Nobody', actor: 'test', photos: [{ name: 'x', bytes }] });
    return null;
  } catch (err) {
    assert.ok(err instanceof EnrollmentRefusedError, String(err));
    return err.photos[0]!.reason;
  }
}

void test('real photos enroll, match their person and reject a stranger', async () => {
  const adrien = await identity.enroll({
    personId: 'adrien',
    displayName: 'Adrien Brody',
    actor: 'test',
    photos: [{ name: '0001', bytes: img('Adrien_Brody/Adrien_Brody_0001.jpg') }],
  });
  assert.equal(adrien.photos[0]!.reason, null, adrien.photos[0]!.detail ?? '');
  const abel = await identity.enroll({
    personId: 'abel',
    displayName: 'Abel Pacheco',
    actor: 'test',
    photos: [{ name: '0002', bytes: img('Abel_Pacheco/Abel_Pacheco_0002.jpg') }],
  });
  assert.equal(abel.photos[0]!.reason, null, abel.photos[0]!.detail ?? '');
  const embeddingOf = async (rel: string): Promise<Float32Array> => {
    const e = (await vision.analyzeImage(img(rel))).faces[0]?.embedding;
    assert.ok(e, `a face in ${rel}`);
    return e;
  };
  assert.equal(identity.match(await embeddingOf('Adrien_Brody/Adrien_Brody_0010.jpg')).personId, 'adrien');
  assert.equal(identity.match(await embeddingOf('Abel_Pacheco/Abel_Pacheco_0001.jpg')).personId, 'abel');
  const stranger = identity.match(await embeddingOf('Abdullah_Gul/Abdullah_Gul_0001.jpg'));
  assert.equal(stranger.personId, null);
  assert.ok(stranger.score < 0.3);
});

void test('real bad photos are refused with their reason', async () => {
  const face = img('Adrien_Brody/Adrien_Brody_0001.jpg');
  assert.equal(await reasonFor(Buffer.from('%PDF-1.4 not a photo')), 'not_an_image');
  assert.equal(await reasonFor(Buffer.concat([face.subarray(0, 200)])), 'unreadable_image');
  const grey = await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 128, g: 128, b: 128 } } })
    .jpeg()
    .toBuffer();
  assert.equal(await reasonFor(grey), 'no_face');
  const small = await sharp(face).resize(110, 110).jpeg().toBuffer();
  assert.equal(await reasonFor(small), 'face_too_small');
  const two = await sharp({ create: { width: 500, height: 250, channels: 3, background: { r: 0, g: 0, b: 0 } } })
    .composite([
      { input: face, left: 0, top: 0 },
      { input: img('Amber_Tamblyn/Amber_Tamblyn_0001.jpg'), left: 250, top: 0 },
    ])
    .jpeg()
    .toBuffer();
  assert.equal(await reasonFor(two), 'several_faces');
});

void test('frames of a real face become one verdict and a decision; no PAD score means no entry', async () => {
  const verdicts: TrackVerdict[] = [];
  const decisions: AccessDecision[] = [];
  bus.on('verdict', (v) => verdicts.push(v));
  bus.on('decision', (d) => decisions.push(d));
  const access = createAccess({
    bus,
    clock: new FakeClock('2026-01-05T12:00:00Z'),
    log,
    settings: { livenessMin: 0.5, lockoutAttempts: 5, lockoutWindowMs: 60_000, lockoutCooldownMs: 60_000 },
    lookupPerson: (id) => identity.people.access(id),
    subjectOf: (id) => `p_${id.length}`,
  });
  access.start();
  const analysis = await vision.analyzeImage(img('Adrien_Brody/Adrien_Brody_0010.jpg'));
  for (let i = 0; i < 5; i++) bus.emit('analysis', { ...analysis, frameSeq: i, capturedAt: 1000 + i * 100, capturedMono: 500 + i * 100 });
  access.stop();
  assert.equal(verdicts.length, 1, 'one track, one verdict');
  assert.equal(verdicts[0]!.personId, 'adrien');
  assert.equal(decisions.length, 1);
  assert.deepEqual([decisions[0]!.granted, decisions[0]!.reason], [false, 'liveness_unknown']);
});
