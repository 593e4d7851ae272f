// `facegate enroll` as a user runs it: a real process, the real vision pipeline and PAD model,
// a real data directory. The photo is from ../shared/data (LFW).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InstanceLock, openDatabase } from '../../../daemon/store/index.ts';
import { tempDir } from '../../support/tmp.ts';

const BIN = fileURLToPath(new URL('../../../bin/facegate.js', import.meta.url));
const LFW = fileURLToPath(new URL('../../../../shared/data/lfw-dev/', import.meta.url));

function facegate(args: string[], dataDir: string): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, FACEGATE_DAEMON__DATA_DIR: dataDir }, encoding: 'utf8', timeout: 240_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

void test('usage mistakes are refused before anything is opened', () => {
  const data = tempDir();
  const empty = tempDir();
  const r1 = facegate(['enroll', empty, '--name', 'X'], data);
  assert.equal(r1.code, 64);
  assert.match(r1.err, /no \.jpg, \.jpeg, \.png or \.webp photos in/);
  writeFileSync(join(empty, 'a.jpg'), 'x');
  const r3 = facegate(['enroll', empty, '--name', 'X', '--consent', 'because:yes:1'], data);
  assert.equal(r3.code, 64);
  assert.match(r3.err, /--consent must be BASIS:METHOD:NOTICE_VERSION/);
});

void test('a folder of photos becomes one person; bad files are listed with their reason', () => {
  const data = tempDir();
  const photos = join(tempDir(), 'alice');
  mkdirSync(photos);
  copyFileSync(join(LFW, 'Adrien_Brody/Adrien_Brody_0001.jpg'), join(photos, '1.jpg'));
  writeFileSync(join(photos, 'notes.jpg'), 'not a photo at all');
  const r = facegate(['enroll', photos, '--name', 'Adrien Brody', '--id', 'adrien', '--json'], data);
  assert.equal(r.code, 0, r.err);
  const result = JSON.parse(r.out) as { personId: string; created: boolean; photos: { name: string; reason: string | null }[] };
  assert.equal(result.personId, 'adrien');
  assert.equal(result.created, true);
  assert.deepEqual(
    result.photos.map((p) => [p.name.split('/').pop(), p.reason]),
    [
      ['1.jpg', null],
      ['notes.jpg', 'not_an_image'],
    ],
  );
  const db = openDatabase(data);
  try {
    assert.equal((db.prepare('SELECT count(*) AS n FROM templates WHERE person_id = ?').get('adrien') as { n: number }).n, 1);
  } finally {
    db.close();
  }
});

void test('it refuses while a daemon holds the data directory', () => {
  const data = tempDir();
  const photos = tempDir();
  writeFileSync(join(photos, 'a.jpg'), 'x');
  const lock = InstanceLock.acquire(data);
  try {
    const r = facegate(['enroll', photos, '--name', 'X'], data);
    assert.equal(r.code, 75);
    assert.match(r.err, /already using data directory .*enroll through the admin panel, or stop the daemon first/);
  } finally {
    lock.release();
  }
});
