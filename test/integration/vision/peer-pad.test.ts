import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import * as tf from '../../../daemon/vision/tf.ts';
import { createFaceFinder, type FaceFinder, type FoundFace } from '../../../scripts/pad/dataset.ts';
import { createHumanPadPeers, humanFaceSquare, type PeerPad } from '../../../scripts/pad/peer-pad.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/pad/${name}`, import.meta.url));
// NUAA frames: a live face, and a printed photograph of a face held to the camera.
const LIVE = 'live__0001_00_00_01_0.jpg';
const PRINT = 'spoof__0002_01_00_01_0.jpg';

let finder: FaceFinder;
let faces: { name: string; face: FoundFace }[];
let baseline: number;
let peers: Awaited<ReturnType<typeof createHumanPadPeers>> | null = null;

before(async () => {
  finder = await createFaceFinder();
  faces = [];
  for (const name of [LIVE, PRINT]) {
    const face = await finder.find(fixture(name));
    assert.ok(face, `no face found in ${name}`);
    faces.push({ name, face });
  }
  baseline = tf.memory().numTensors;
  peers = await createHumanPadPeers();
});
after(() => {
  peers?.dispose();
});

test("Human's crop square: the detector box enlarged 1.4x about its centre, squared on its longer side, rounded", () => {
  assert.deepEqual(humanFaceSquare({ x: 100, y: 50, width: 100, height: 80 }), [80, 20, 220, 160]);
});

test('human-antispoof and human-liveness load from the pinned manifest and give P(live) in [0, 1] on a live and a printed-photo face, leaving no tensor', async () => {
  assert.ok(peers);
  const models: PeerPad[] = [peers.antispoof, peers.liveness];
  assert.deepEqual(
    models.map((m) => m.name),
    ['human-antispoof', 'human-liveness'],
  );
  const loaded = tf.memory().numTensors;
  for (const { name, face } of faces) {
    for (const m of models) {
      const p = await m.score(face.image, face.box);
      assert.ok(Number.isFinite(p) && p >= 0 && p <= 1, `${m.name} on ${name}: ${p}`);
    }
  }
  assert.equal(tf.memory().numTensors, loaded, 'scoring left tensors behind');
});

test('a malformed frame is refused before any tensor is made', async () => {
  assert.ok(peers);
  const loaded = tf.memory().numTensors;
  await assert.rejects(peers.antispoof.score({ width: 10, height: 10, data: new Uint8Array(12) }, { x: 0, y: 0, width: 5, height: 5 }), /RGB bytes/);
  assert.equal(tf.memory().numTensors, loaded);
});

test("dispose() frees both models' weights", () => {
  assert.ok(peers);
  assert.ok(tf.memory().numTensors > baseline);
  peers.dispose();
  peers = null;
  assert.equal(tf.memory().numTensors, baseline);
});
