// SIGKILL in the middle of work, then a restart: nothing stored is lost or corrupted, nobody is
// half-enrolled, and the lock output starts locked again.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { buildScenario, defaultSteps, ENROLL_DIR } from '../../../scripts/e2e/scenario.ts';
import { isolatedEnv, runFacegate, startFacegate } from '../../support/daemon.ts';
import { tempDir } from '../../support/tmp.ts';

function check(dataDir: string): { integrity: string; persons: number; personsWithoutTemplate: number; events: { type: string }[] } {
  const db = new Database(join(dataDir, 'facegate.db'), { readonly: true });
  try {
    return {
      integrity: (db.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check,
      persons: (db.prepare('SELECT count(*) AS n FROM persons').get() as { n: number }).n,
      personsWithoutTemplate: (
        db.prepare('SELECT count(*) AS n FROM persons p WHERE NOT EXISTS (SELECT 1 FROM templates t WHERE t.person_id = p.id)').get() as { n: number }
      ).n,
      events: db.prepare('SELECT type FROM events ORDER BY seq').all() as { type: string }[],
    };
  } finally {
    db.close();
  }
}

void test('SIGKILL of `facegate enroll` part-way through a folder leaves no half-enrolled person and an intact database; enrolling again works', async () => {
  const dataDir = tempDir();
  const photos = join(tempDir(), 'photos');
  mkdirSync(photos);
  // Twelve photos, so the kill lands somewhere inside the run.
  const files = readdirSync(ENROLL_DIR);
  for (let i = 0; i < 12; i++) copyFileSync(join(ENROLL_DIR, files[i % files.length]!), join(photos, `${String(i).padStart(2, '0')}.jpg`));
  const env = isolatedEnv(dataDir);
  assert.equal((await runFacegate(['enroll', ENROLL_DIR, '--name', 'First'], env)).code, 0, 'a first person so the database exists');

  const enroll = startFacegate(['enroll', photos, '--name', 'Interrupted'], env);
  const { child } = enroll;
  // Killed once its first photos are stored (more templates than the first person's three) and before the last.
  const db = new Database(join(dataDir, 'facegate.db'), { readonly: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if ((db.prepare('SELECT count(*) AS n FROM templates').get() as { n: number }).n > 3) {
          clearInterval(timer);
          resolve();
        }
      }, 10);
      child.once('exit', () => {
        clearInterval(timer);
        reject(new Error(`enroll ended before the kill: ${enroll.stderrTail()}`));
      });
    });
  } finally {
    db.close();
  }
  child.kill('SIGKILL');
  await enroll.exited;

  const after = check(dataDir);
  assert.equal(after.integrity, 'ok');
  assert.equal(after.personsWithoutTemplate, 0, 'no person without a template');
  assert.ok(after.persons === 1 || after.persons === 2, `persons: ${after.persons}`);

  // The data directory is usable: a new enrollment goes through and the daemon loads every person.
  assert.equal((await runFacegate(['enroll', ENROLL_DIR, '--name', 'Again'], env)).code, 0);
  const daemon = startFacegate(['run'], env);
  try {
    const gallery = await daemon.waitForLog((l) => l.msg === 'gallery loaded', 60_000);
    assert.equal(gallery.persons, after.persons + 1);
  } finally {
    daemon.child.kill('SIGTERM');
    await daemon.exited;
  }
});

void test('SIGKILL of the daemon while the lock is open and events are being written: the grant is stored, the database intact, and the restart claims the lock locked', async () => {
  const dataDir = tempDir();
  const scenario = await buildScenario(join(tempDir(), 'frames'), defaultSteps({ leadIn: 60, faceFrames: 40, gap: 10 }).slice(0, 2));
  const env = isolatedEnv(dataDir, { FACEGATE_CAMERA__SOURCE: 'replay', FACEGATE_CAMERA__REPLAY__PATH: scenario.dir, FACEGATE_CAMERA__REPLAY__LOOP: 'false' });
  assert.equal((await runFacegate(['enroll', ENROLL_DIR, '--name', 'Door Tester'], env)).code, 0);

  const first = startFacegate(['run'], env);
  // If the unlock never comes, the daemon must not outlive the test: its pipes would keep this file, and the run, waiting.
  after(() => {
    if (first.child.exitCode === null && first.child.signalCode === null) first.child.kill('SIGKILL');
  });
  await first.waitForLog((l) => l.msg === 'unlocked', 120_000);
  first.child.kill('SIGKILL');
  assert.equal(await first.exited, 'SIGKILL');
  const lines = first.logs.filter((l) => l.msg === 'GPIO line').map((l) => (l.gpio as { level: number }).level);
  assert.equal(lines.at(-1), 1, 'killed with the lock output open');

  const stored = check(dataDir);
  assert.equal(stored.integrity, 'ok');
  assert.ok(
    stored.events.some((e) => e.type === 'access_granted'),
    JSON.stringify(stored.events),
  );

  // The restart (systemd would run scripts/door-failsafe.ts first): the output is claimed locked before anything else, events kept.
  const second = startFacegate(['run'], isolatedEnv(dataDir));
  try {
    await second.waitForLog((l) => l.msg === 'facegate started', 60_000);
    const gpio = second.logs.filter((l) => l.msg === 'GPIO line').map((l) => l.gpio as { line: string; level: number });
    assert.ok(gpio.length > 0 && gpio.every((g) => g.level === 0), JSON.stringify(gpio));
    assert.ok(second.logs.some((l) => l.msg === 'door ready, locked'));
  } finally {
    second.child.kill('SIGTERM');
    assert.equal(await second.exited, 0);
  }
  const final = check(dataDir);
  assert.equal(final.integrity, 'ok');
  assert.ok(final.events.filter((e) => e.type === 'access_granted').length === 1, 'the grant is kept, once');
});
