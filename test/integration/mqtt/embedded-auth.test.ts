import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, statSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { connect } from 'mqtt';
import { makeEvent } from '../../../daemon/core/index.ts';
import { freePort } from '../../support/mosquitto.ts';
import { tempDir } from '../../support/tmp.ts';
import { Listener, eventually, startHarness } from './harness.ts';

const CREDENTIALS = 'mqtt-embedded.json';

interface Credentials {
  username: string;
  password: string;
}

function readCredentials(dataDir: string): Credentials {
  return JSON.parse(readFileSync(join(dataDir, CREDENTIALS), 'utf8')) as Credentials;
}

/** How the broker answers a connection attempt: 'accepted', or mqtt.js's error (CONNACK refusal, refused socket). */
function tryConnect(url: string, auth: Partial<Credentials> = {}): Promise<string> {
  return new Promise((resolve) => {
    const c = connect(url, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 5000, ...auth });
    c.once('connect', () => {
      c.end(true);
      resolve('accepted');
    });
    c.once('error', (err) => {
      c.end(true);
      resolve(err.message);
    });
  });
}

void test("the embedded broker refuses anonymous and wrong credentials; facegate's own client and the 0600 file's credentials work", async () => {
  const dataDir = tempDir();
  const port = await freePort();
  const url = `mqtt://127.0.0.1:${port}`;
  const h = await startHarness({ dataDir, mqtt: { embedded_port: port, discovery: { enabled: false } } });
  try {
    // facegate's own client is connected (startHarness waited for it), with credentials made at first start.
    assert.equal(h.service.connected, true);
    const file = join(dataDir, CREDENTIALS);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const creds = readCredentials(dataDir);
    assert.equal(creds.username, 'facegate');
    assert.ok(creds.password.length >= 32, 'a long random password');

    assert.match(await tryConnect(url), /Bad username or password|Not authorized/);
    assert.match(await tryConnect(url, { username: creds.username, password: 'guess' }), /Bad username or password|Not authorized/);
    assert.match(await tryConnect(url, { username: 'someone', password: creds.password }), /Bad username or password|Not authorized/);

    // A local hub with the file's credentials gets the events and can send commands.
    const hub = await Listener.open(`mqtt://${creds.username}:${encodeURIComponent(creds.password)}@127.0.0.1:${port}`, ['facegate/#']);
    try {
      h.bus.emit('event', makeEvent({ door: 'front', type: 'door_opened' }));
      await hub.until(() => hub.on('facegate/front/event').length > 0, 'the event');
      await hub.publish('facegate/front/lock/set', 'LOCK');
      await eventually(() => h.door.calls.length === 1, 'the LOCK');
    } finally {
      await hub.close();
    }

    // Still loopback only: the machine's other addresses do not answer.
    const lan = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal);
    if (lan) assert.match(await tryConnect(`mqtt://${lan.address}:${port}`), /ECONNREFUSED/);
  } finally {
    await h.stop();
  }
});

void test('the credentials stay the same across restarts; a file others could read is replaced by new ones', async () => {
  const dataDir = tempDir();
  const first = await startHarness({ dataDir, mqtt: { embedded_port: 0, discovery: { enabled: false } } });
  await first.stop();
  const creds = readCredentials(dataDir);

  const second = await startHarness({ dataDir, mqtt: { embedded_port: 0, discovery: { enabled: false } } });
  await second.stop();
  assert.deepEqual(readCredentials(dataDir), creds, 'a local hub configured once keeps working');

  // Readable by others: the password may be known, so it is not used again.
  chmodSync(join(dataDir, CREDENTIALS), 0o644);
  const third = await startHarness({ dataDir, mqtt: { embedded_port: 0, discovery: { enabled: false } } });
  try {
    assert.equal(third.service.connected, true);
    assert.equal(statSync(join(dataDir, CREDENTIALS)).mode & 0o777, 0o600);
    assert.notEqual(readCredentials(dataDir).password, creds.password);
    assert.ok(
      third.logLines().some((l) => l.level === 40 && String(l.msg).includes('readable by group or others')),
      'it says why',
    );
    assert.ok(!JSON.stringify(third.logLines()).includes(readCredentials(dataDir).password), 'the password is never logged');
  } finally {
    await third.stop();
  }
});
