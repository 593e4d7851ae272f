import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeEvent } from '../../../daemon/core/index.ts';
import { startMosquitto, type Mosquitto } from '../../support/mosquitto.ts';
import { tempDir } from '../../support/tmp.ts';
import { Listener, eventually, startHarness } from './harness.ts';

let broker: Mosquitto;

before(async () => {
  broker = await startMosquitto({ users: { facegate: 'right-password' } });
});
after(async () => {
  await broker?.stop();
});

void test('user name and password reach the broker; a wrong password is logged and events wait', async () => {
  const wrong = await startHarness({
    dataDir: tempDir(),
    mqtt: { url: broker.url, username: 'facegate', password: 'wrong', reconnect_s: 1, discovery: { enabled: false } },
    waitConnected: false,
  });
  try {
    await eventually(() => wrong.logLines().some((l) => /not authori[sz]ed/i.test(String(l.why))), 'the refusal in the log');
    wrong.bus.emit('event', makeEvent({ door: 'front', type: 'door_closed' }));
    assert.equal(wrong.service.connected, false);
    assert.equal(wrong.service.publisher.pending(), 1);
    assert.ok(!JSON.stringify(wrong.logLines()).includes('wrong"'), 'the password is not logged');
  } finally {
    await wrong.stop();
  }

  const right = await startHarness({
    dataDir: tempDir(),
    mqtt: { url: broker.url, username: 'facegate', password: 'right-password', discovery: { enabled: false } },
  });
  const listener = await Listener.open(broker.urlAs('facegate'), ['facegate/front/event']);
  try {
    const e = makeEvent({ door: 'front', type: 'door_opened' });
    right.bus.emit('event', e);
    await listener.until(() => listener.messages.length > 0, 'the event');
    assert.equal((JSON.parse(listener.messages[0]?.payload ?? '{}') as { id: string }).id, e.id);
  } finally {
    await listener.close();
    await right.stop();
  }
});
