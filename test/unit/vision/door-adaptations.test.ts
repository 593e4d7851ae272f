// A door's accepted PAD adaptation in the database (issue 26): accepted, replaced, removed; an id
// that is not a door, a door without the camera, a file the door cannot use: refused, nothing
// changed; a changed row, other models or another camera: kept, but not used, and said why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { embeddedDefaults } from '../../../daemon/config/index.ts';
import { openDatabase } from '../../../daemon/store/index.ts';
import { DoorPadAdaptations, cameraDescriptor, sha256Hex, type DoorPadAdaptationsOptions } from '../../../daemon/vision/pad/index.ts';
import { FakeClock } from '../../fakes/clock.ts';
import { craftedAdaptation, versions } from '../../support/pad-adaptation.ts';
import { tempDir } from '../../support/tmp.ts';

const file = craftedAdaptation();
const bytes = (f: unknown = file) => new TextEncoder().encode(JSON.stringify(f));

function store(over: Partial<DoorPadAdaptationsOptions> = {}, db = openDatabase(tempDir('facegate-adapt-'))) {
  const o: DoorPadAdaptationsOptions = {
    db,
    doors: ['front', 'back'],
    cameraDoor: 'front',
    camera: 'v4l2:/dev/video0 640x480',
    versions,
    clock: new FakeClock('2026-12-07T10:00:00Z'),
    ...over,
  };
  return { s: new DoorPadAdaptations(o), db };
}

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    return (err as { code: string }).code;
  }
  return 'accepted';
};

test('accepted, used, replaced and removed; the row keeps who, when and the camera, and the file pinned by its sha256', () => {
  const { s, db } = store();
  assert.equal(s.status('front').state, 'none');
  assert.equal(s.inUse(), null);

  const first = s.accept('front', bytes(), 'admin:owner');
  assert.equal(first.replaced, false);
  assert.equal(first.status.state, 'active');
  assert.equal(first.status.problem, null);
  assert.equal(first.status.sha256, sha256Hex(bytes()));
  assert.deepEqual(
    [first.status.acceptedBy, first.status.acceptedAt, first.status.camera],
    ['admin:owner', '2026-12-07T10:00:00.000Z', 'v4l2:/dev/video0 640x480'],
  );
  assert.deepEqual(s.inUse()?.thresholds, file.thresholds);
  assert.deepEqual(s.problems(), []);

  const other = { ...file, createdAt: '2026-12-08T00:00:00.000Z' };
  const second = s.accept('front', bytes(other), 'admin:second');
  assert.equal(second.replaced, true);
  assert.equal(s.inUse()?.createdAt, other.createdAt);
  assert.equal((db.prepare('SELECT COUNT(*) AS n FROM pad_adaptations').get() as { n: number }).n, 1);

  assert.equal(s.remove('front'), true);
  assert.equal(s.remove('front'), false);
  assert.equal(s.status('front').state, 'none');
  assert.equal(s.inUse(), null);
});

test('an id that is no door, a door the camera does not watch, or a file the door cannot use: refused, and what was kept stays', () => {
  const { s } = store();
  s.accept('front', bytes(), 'admin:owner');
  const kept = s.status('front').sha256;
  assert.equal(
    codeOf(() => s.accept('garage', bytes(), 'admin:owner')),
    'unknown_door',
  );
  assert.equal(
    codeOf(() => s.status('garage')),
    'unknown_door',
  );
  assert.equal(
    codeOf(() => s.remove('garage')),
    'unknown_door',
  );
  assert.equal(
    codeOf(() => s.accept('back', bytes(), 'admin:owner')),
    'pad_adaptation_door',
  );
  assert.equal(s.status('back').state, 'none');
  for (const [bad, code] of [
    [new TextEncoder().encode('{"format": "facegate-pad-adaptation", '), 'PAD_ADAPTATION_INVALID'],
    [bytes({ ...file, clearSpoofCnn: 0.0001 }), 'PAD_ADAPTATION_INVALID'],
    [bytes({ ...file, thresholds: { ...file.thresholds, balanced: 1.5 } }), 'PAD_ADAPTATION_INVALID'],
    [bytes({ ...file, models: { ...file.models, texture: 'f'.repeat(64) } }), 'PAD_ADAPTATION_STALE'],
  ] as const)
    assert.equal(
      codeOf(() => s.accept('front', bad, 'admin:owner')),
      code,
    );
  assert.equal(s.status('front').sha256, kept);
  assert.equal(s.status('front').state, 'active');
});

test('a row changed since it was accepted, other shipped models, another camera or camera door: kept but not used, and said why', () => {
  const dir = tempDir('facegate-adapt-');
  const { s, db } = store({}, openDatabase(dir));
  s.accept('front', bytes(), 'admin:owner');

  const otherModels = store({ versions: { ...versions, cnn: '0'.repeat(64) } }, db).s;
  assert.equal(otherModels.status('front').state, 'stale');
  assert.match(otherModels.status('front').problem ?? '', /other cnn model files/);
  assert.equal(otherModels.inUse(), null);
  assert.equal(otherModels.status('front').file?.createdAt, file.createdAt, 'a stale adaptation still shows its figures');
  assert.deepEqual(otherModels.problems(), [`door front: PAD adaptation stale, the shipped model judges (${otherModels.status('front').problem})`]);

  const otherCamera = store({ camera: 'v4l2:/dev/video0 1280x720' }, db).s;
  assert.equal(otherCamera.status('front').state, 'stale');
  assert.match(otherCamera.status('front').problem ?? '', /accepted on camera "v4l2:\/dev\/video0 640x480"; the camera is now "v4l2:\/dev\/video0 1280x720"/);
  assert.equal(otherCamera.inUse(), null);

  const cameraMoved = store({ cameraDoor: 'back' }, db).s;
  assert.equal(cameraMoved.status('front').state, 'stale');
  assert.equal(cameraMoved.inUse(), null);

  // Someone edits the stored file (a looser threshold): its bytes no longer match the pin.
  const looser = Buffer.from(JSON.stringify({ ...file, thresholds: { ...file.thresholds, balanced: 0.01 } }));
  db.prepare("UPDATE pad_adaptations SET file = ? WHERE door = 'front'").run(looser);
  const st = s.status('front');
  assert.equal(st.state, 'invalid');
  assert.match(st.problem ?? '', /has changed since it was accepted/);
  assert.equal(st.file, null);
  assert.equal(s.inUse(), null);
  assert.equal(s.problems().length, 1);
  // Garbage in the row is the same: not used, said why, and the daemon's other doors are untouched.
  db.prepare("UPDATE pad_adaptations SET file = ?, sha256 = ? WHERE door = 'front'").run(Buffer.from('{not json'), sha256Hex(Buffer.from('{not json')));
  assert.equal(s.status('front').state, 'invalid');
  assert.match(s.status('front').problem ?? '', /not JSON/);
  assert.equal(s.status('back').state, 'none');
});

test('the camera descriptor: source, device and size; a network camera by host and path, its password left out', () => {
  const c = embeddedDefaults().camera;
  assert.equal(cameraDescriptor({ ...c, source: 'v4l2', v4l2: { ...c.v4l2, device: '/dev/video2' } }), 'v4l2:/dev/video2 640x480');
  assert.equal(cameraDescriptor({ ...c, source: 'libcamera', width: 1280, height: 720 }), 'libcamera:camera 0 1280x720');
  const rtsp = cameraDescriptor({ ...c, source: 'rtsp', network: { ...c.network, url: 'rtsp://door:s3cret@10.0.0.5:554/stream1' } });
  assert.equal(rtsp, 'rtsp:10.0.0.5:554/stream1 640x480');
  assert.ok(!rtsp.includes('s3cret'));
  assert.equal(cameraDescriptor({ ...c, source: 'http', network: { ...c.network, url: 'not a url' } }), 'http:unset 640x480');
  assert.equal(cameraDescriptor({ ...c, source: 'none' }), 'none:none 640x480');
});
