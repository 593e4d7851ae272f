import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isolatedEnv, startFacegate } from '../../support/daemon.ts';
import { startMosquitto } from '../../support/mosquitto.ts';
import { tempDir } from '../../support/tmp.ts';
import { Listener } from './harness.ts';

void test('the real daemon (main.ts wiring) comes online on the broker, publishes discovery, takes commands and says offline on SIGTERM', async () => {
  const broker = await startMosquitto();
  const listener = await Listener.open(broker.url, ['facegate/#', 'homeassistant/#']);
  const daemon = startFacegate(['run'], isolatedEnv(tempDir(), { FACEGATE_MQTT__URL: broker.url, FACEGATE_MQTT__DISCOVERY__NODE_ID: 'testgate' }));
  try {
    await listener.until(() => listener.on('facegate/front/availability').at(-1)?.payload === 'online', 'online', 90_000);
    await listener.until(() => listener.messages.some((m) => m.topic === 'homeassistant/device/testgate/config'), 'discovery');
    const device = JSON.parse(listener.messages.find((m) => m.topic === 'homeassistant/device/testgate/config')!.payload) as {
      components: Record<string, { platform: string }>;
    };
    assert.equal(device.components.front_lock?.platform, 'lock', "one device config with the door's lock in it (the default form)");
    // The door room's status (simulated lock here) is on the retained state topic.
    await listener.until(() => listener.on('facegate/front/state').length > 0, 'door state');
    assert.equal((JSON.parse(listener.on('facegate/front/state')[0]?.payload ?? '{}') as { lock: string }).lock, 'locked');
    // Unlocking is off by default: the refusal comes back as a public event through the store and the outbox.
    await listener.publish('facegate/front/lock/set', 'UNLOCK');
    await listener.until(() => listener.on('facegate/front/event').some((m) => m.payload.includes('"command_rejected"')), 'command_rejected event');
    const event = JSON.parse(listener.on('facegate/front/event').find((m) => m.payload.includes('command_rejected'))?.payload ?? '{}') as Record<
      string,
      unknown
    >;
    assert.equal(event.reason, 'lock: unlock_disabled');
    daemon.child.kill('SIGTERM');
    assert.equal(await daemon.exited, 0);
    await listener.until(() => listener.on('facegate/front/availability').at(-1)?.payload === 'offline', 'offline');
  } finally {
    daemon.child.kill('SIGKILL');
    await listener.close();
    await broker.stop();
  }
});
