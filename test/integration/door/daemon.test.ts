import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventStore, openDatabase } from '../../../daemon/store/index.ts';
import { startDaemon } from '../../../daemon/main.ts';
import { makeFakeGpiod } from '../../fakes/gpiod-tools.ts';
import { isolatedEnv, runFacegate } from '../../support/daemon.ts';
import { tempDir } from '../../support/tmp.ts';

void test('in the daemon: a granted decision pulses the door; stop relocks it and the events are stored', async () => {
  const dataDir = tempDir();
  const config = join(dataDir, 'config.yaml');
  writeFileSync(config, 'doors:\n  - id: front\n    name: Front\n    driver: simulated\n    unlock_pulse_ms: 60000\n');
  const daemon = await startDaemon({ configFile: config, env: isolatedEnv(dataDir, { FACEGATE_DAEMON__LOG_LEVEL: 'warn' }) });
  try {
    const base = { reason: 'match' as const, personId: 'p1', score: 0.9, liveness: 0.99, at: Date.now(), eventId: 'e1', frameAt: 0 };
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

void test('in the daemon: a door on driver gpiod whose lock line another process holds stops the start-up, saying which line and why; free, it starts on the character device', async () => {
  const dataDir = tempDir();
  const config = join(dataDir, 'config.yaml');
  writeFileSync(config, 'doors:\n  - id: front\n    name: Front\n    driver: gpiod\n    lock: { pin: 17 }\n');
  const fake = makeFakeGpiod(join(dataDir, 'gpio'), 2, ['gpiochip0 [pinctrl-bcm2711] (58 lines)']);
  const env = isolatedEnv(dataDir, {
    FACEGATE_DAEMON__LOG_LEVEL: 'silent',
    FACEGATE_DAEMON__SYSFS_GPIO_ROOT: join(dataDir, 'no-sysfs'),
    PATH: fake.env.PATH,
    PYTHONPATH: fake.env.PYTHONPATH,
    FAKE_GPIOD: fake.dir,
  });
  fake.busy('gpiochip0', 17);
  // As the CLI runs it: the refusal reaches stderr and the exit code.
  const refused = await runFacegate(['run', '--config', config], env);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /bcm 17 \(pinctrl-bcm2711 line 17\): gpioset could not hold the output: .*busy/);
  rmSync(join(fake.dir, 'busy-gpiochip0-17'));
  const daemon = await startDaemon({ configFile: config, env });
  try {
    assert.equal(daemon.doors.lines()[0]?.driver, 'gpiod');
    assert.equal(fake.level('gpiochip0', 17), '0', 'held at the locked level (active high)');
  } finally {
    await daemon.stop('test');
    await fake.exited();
  }
});
