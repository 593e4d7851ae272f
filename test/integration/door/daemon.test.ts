import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventStore, openDatabase } from '../../../daemon/store/index.ts';
import { startDaemon } from '../../../daemon/main.ts';
import { isolatedEnv } from '../../support/daemon.ts';
import { tempDir } from '../../support/tmp.ts';

void test('in the daemon: a granted decision pulses the door; stop relocks it and the events are stored', async () => {
  const dataDir = tempDir();
  const config = join(dataDir, 'config.yaml');
  writeFileSync(config, 'doors:\n  - id: front\n    name: Front\n    driver: simulated\n    unlock_pulse_ms: 60000\n');
  const daemon = await startDaemon({ configFile: config, env: isolatedEnv(dataDir, { FACEGATE_DAEMON__LOG_LEVEL: 'warn' }) });
  try {
    const base = { reason: 'match' as const, personId: 'p1', score: 0.9, liveness: 0.99, at: Date.now() };
    daemon.bus.emit('decision', { ...base, door: 'front', granted: false, reason: 'unknown' });
    assert.equal(daemon.doors.status('front').lock, 'locked', 'a denial does nothing');
    daemon.bus.emit('decision', { ...base, door: 'garage', granted: true });
    assert.equal(daemon.doors.status('front').lock, 'locked', 'a grant for another door does nothing here');
    daemon.bus.emit('decision', { ...base, door: 'front', granted: true });
    assert.equal(daemon.doors.status('front').lock, 'unlocked');
    assert.equal(daemon.doors.lines()[0]?.level, 1);
  } finally {
    await daemon.stop('test');
  }
  assert.equal(daemon.doors.simulatedGpio.level('front.lock'), 0, 'relocked on stop');
  const db = openDatabase(dataDir);
  try {
    const types = new EventStore(db).query({}).map((r) => `${r.event.type}:${r.event.reason ?? ''}`);
    assert.equal(types.filter((t) => t === 'door_unlocked:face').length, 1, `one grant, one unlock: ${types.join(' ')}`);
    assert.ok(types.includes('door_locked:stop'), types.join(' '));
    const actuations = db.prepare("SELECT action, target FROM audit_log WHERE action LIKE 'door.actuate.%'").all();
    assert.deepEqual(actuations, [{ action: 'door.actuate.unlock', target: 'front' }], 'one grant, one audit row');
  } finally {
    db.close();
  }
});
