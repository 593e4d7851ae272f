// The broker away for a minute while the door decides: the decisions wait in the outbox and
// arrive afterwards, each once, in the order they were stored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { buildScenario, ENROLL_DIR } from '../../scripts/e2e/scenario.ts';
import { isolatedEnv, runFacegate, startFacegate } from '../support/daemon.ts';
import { startMosquitto } from '../support/mosquitto.ts';
import { tempDir } from '../support/tmp.ts';
import { Listener } from '../integration/mqtt/harness.ts';

void test('broker down for a minute during the scenario: events delivered afterwards, once each, in stored order; the door decided meanwhile', async () => {
  const dataDir = tempDir();
  const scenario = await buildScenario(join(tempDir(), 'frames'));
  // Persistent: the listener's subscription survives the outage, so nothing published after the restart is missed.
  const broker = await startMosquitto({ persistent: true });
  const listener = await Listener.open(broker.url, ['facegate/front/event'], 'outage-listener');
  const env = isolatedEnv(dataDir, {
    FACEGATE_MQTT__URL: broker.url,
    FACEGATE_MQTT__RECONNECT_S: '1',
    FACEGATE_CAMERA__SOURCE: 'replay',
    FACEGATE_CAMERA__REPLAY__PATH: scenario.dir,
    FACEGATE_CAMERA__REPLAY__LOOP: 'false',
  });
  assert.equal((await runFacegate(['enroll', ENROLL_DIR, '--name', 'Door Tester'], env)).code, 0);
  const daemon = startFacegate(['run'], env);
  try {
    await daemon.waitForLog((l) => l.msg === 'MQTT connected', 60_000);
    await broker.stop();
    const downAt = Date.now();
    // The whole story plays while the broker is away.
    await daemon.waitForLog((l) => l.msg === 'camera source finished', 180_000);
    assert.equal(daemon.logs.filter((l) => l.msg === 'unlocked').length, 1, 'the door opened once without the broker');
    await new Promise((r) => setTimeout(r, Math.max(0, 60_000 - (Date.now() - downAt))));
    const seenBefore = listener.on('facegate/front/event').length;
    await broker.start();
    await listener.until(
      () => listener.on('facegate/front/event').some((m) => m.payload.includes('"spoof_suspected"')),
      'spoof_suspected after the outage',
      60_000,
    );
    await new Promise((r) => setTimeout(r, 2000));

    const got = listener
      .on('facegate/front/event')
      .slice(seenBefore)
      .map((m) => JSON.parse(m.payload) as { id: string; type: string });
    const ids = got.map((e) => e.id);
    assert.equal(new Set(ids).size, ids.length, 'no event twice');
    const db = new Database(join(dataDir, 'facegate.db'), { readonly: true });
    const stored = db.prepare('SELECT id FROM events WHERE ts >= ? ORDER BY seq').all(new Date(downAt).toISOString()) as { id: string }[];
    db.close();
    // Everything stored during the outage arrived, in the store's order.
    const storedIds = stored.map((r) => r.id);
    assert.deepEqual(
      ids.filter((id) => storedIds.includes(id)),
      storedIds,
    );
    const types = got.map((e) => e.type);
    assert.equal(types.filter((t) => t === 'access_granted').length, 1);
    assert.ok(
      types.indexOf('access_granted') < types.indexOf('unknown_face') && types.indexOf('unknown_face') < types.indexOf('spoof_suspected'),
      types.join(','),
    );
    daemon.child.kill('SIGTERM');
    assert.equal(await daemon.exited, 0);
  } finally {
    daemon.child.kill('SIGKILL');
    await listener.close();
    await broker.stop();
  }
});
