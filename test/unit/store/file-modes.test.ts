import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DB_FILE, InstanceLock, openDatabase, prepareDataDir } from '../../../daemon/store/index.ts';
import { memoryLogger } from '../../support/logger.ts';
import { tempDir } from '../../support/tmp.ts';

// Issue 17 item 10: the data directory holds biometric data and keys; its modes are enforced at
// every start, not only when it is made.
const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);
const STORE_FILES = [DB_FILE, `${DB_FILE}-wal`, `${DB_FILE}-shm`, 'daemon.lock'];

/** What main.ts does at start, up to an open database. */
function start(dataDir: string, log = memoryLogger('warn').log): { close: () => void } {
  prepareDataDir(dataDir, log);
  const lock = InstanceLock.acquire(dataDir);
  const db = lock.openDatabase();
  return {
    close: () => {
      db.close();
      lock.release();
    },
  };
}

test('a new data directory, its database (with -wal and -shm) and lock file are 0700/0600 even under umask 022', () => {
  const before = process.umask(0o022);
  try {
    const dataDir = join(tempDir(), 'data');
    const running = start(dataDir);
    assert.equal(mode(dataDir), '700');
    for (const f of STORE_FILES) {
      assert.ok(existsSync(join(dataDir, f)), `${f} exists while the daemon runs`);
      assert.equal(mode(join(dataDir, f)), '600', f);
    }
    running.close();
  } finally {
    process.umask(before);
  }
});

test('an existing data directory whose modes were loosened is tightened again at the next start, with a warning naming each path', () => {
  const dataDir = join(tempDir(), 'data');
  start(dataDir).close();
  // A crashed daemon leaves -wal and -shm behind: an open connection keeps them on disk.
  const leftOver = openDatabase(dataDir);
  leftOver.prepare('SELECT 1').get();
  chmodSync(dataDir, 0o755);
  for (const f of STORE_FILES) chmodSync(join(dataDir, f), 0o644);
  chmodSync(join(dataDir, `${DB_FILE}-wal`), 0o666);

  const { log, lines } = memoryLogger('warn');
  const running = start(dataDir, log);
  assert.equal(mode(dataDir), '700');
  for (const f of STORE_FILES) assert.equal(mode(join(dataDir, f)), '600', f);

  const warned = lines()
    .filter((l) => l.level === 40)
    .map((l) => `${String(l.msg)} ${JSON.stringify(l)}`)
    .join('\n');
  assert.ok(warned.includes(`"path":"${dataDir}"`) && warned.includes('"was":"755"'), warned);
  for (const f of STORE_FILES) assert.ok(warned.includes(`"path":"${join(dataDir, f)}"`), `${f} named in: ${warned}`);
  assert.ok(warned.includes('"was":"666"'), warned);
  running.close();
  leftOver.close();

  // Nothing is too open now: the next start says nothing.
  const quiet = memoryLogger('warn');
  start(dataDir, quiet.log).close();
  assert.deepEqual(quiet.lines(), []);
});

test('group read alone is too open, and is removed also when the caller gives no log (the CLIs)', () => {
  const dataDir = join(tempDir(), 'data');
  start(dataDir).close();
  chmodSync(join(dataDir, DB_FILE), 0o640);
  prepareDataDir(dataDir);
  assert.equal(mode(join(dataDir, DB_FILE)), '600');
});
