import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'mqtt';
import { makeEvent } from '../../../daemon/core/index.ts';
import { startMosquitto, type Mosquitto } from '../../support/mosquitto.ts';
import { tempDir } from '../../support/tmp.ts';
import { eventually, startHarness } from './harness.ts';

let dir: string;
let broker: Mosquitto;
let url: string;

/** A throwaway CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl (EC P-256: fast). */
function makePki(at: string): void {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: at, stdio: 'ignore' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  for (const ca of ['ca', 'other-ca']) ssl('req', '-x509', ...ec, '-keyout', `${ca}.key`, '-out', `${ca}.crt`, '-days', '2', '-subj', `/CN=${ca}`);
  writeFileSync(join(at, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  for (const who of ['server', 'client']) {
    ssl('req', ...ec, '-keyout', `${who}.key`, '-out', `${who}.csr`, '-subj', `/CN=${who === 'server' ? '127.0.0.1' : 'facegate'}`);
    ssl(
      'x509',
      '-req',
      '-in',
      `${who}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${who}.crt`,
      '-days',
      '2',
      ...(who === 'server' ? ['-extfile', 'san.ext'] : []),
    );
  }
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'facegate-pki-'));
  makePki(dir);
  broker = await startMosquitto({
    extraConfig: [`cafile ${dir}/ca.crt`, `certfile ${dir}/server.crt`, `keyfile ${dir}/server.key`, 'require_certificate true'].join('\n'),
  });
  url = `mqtts://127.0.0.1:${broker.port}`;
});
after(async () => {
  await broker?.stop();
  rmSync(dir, { recursive: true, force: true });
});

void test('mqtts with a private CA and a client certificate: events arrive', async () => {
  const tls = { ca_file: `${dir}/ca.crt`, cert_file: `${dir}/client.crt`, key_file: `${dir}/client.key` };
  const h = await startHarness({ dataDir: tempDir(), mqtt: { url, tls, discovery: { enabled: false } } });
  const sub = connect(url, { ca: readFileSync(tls.ca_file), cert: readFileSync(tls.cert_file), key: readFileSync(tls.key_file), protocolVersion: 4 });
  try {
    const got: string[] = [];
    sub.on('message', (_t, p) => got.push(p.toString()));
    await new Promise<void>((resolve) => sub.once('connect', () => resolve()));
    await sub.subscribeAsync('facegate/front/event', { qos: 1 });
    const e = makeEvent({ door: 'front', type: 'door_closed' });
    h.bus.emit('event', e);
    await eventually(() => got.length > 0, 'the event over TLS');
    assert.equal((JSON.parse(got[0] ?? '{}') as { id: string }).id, e.id);
  } finally {
    await sub.endAsync(true);
    await h.stop();
  }
});

void test('a broker certificate from another CA is refused: no connection, the reason in the log, events kept', async () => {
  const tls = { ca_file: `${dir}/other-ca.crt`, cert_file: `${dir}/client.crt`, key_file: `${dir}/client.key` };
  const h = await startHarness({ dataDir: tempDir(), mqtt: { url, tls, reconnect_s: 1, discovery: { enabled: false } }, waitConnected: false });
  try {
    await eventually(() => h.logLines().some((l) => /certificate/i.test(String(l.why))), 'a certificate error in the log');
    h.bus.emit('event', makeEvent({ door: 'front', type: 'door_closed' }));
    assert.equal(h.service.connected, false);
    assert.equal(h.service.publisher.pending(), 1);
  } finally {
    await h.stop();
  }
});

void test('TLS settings that cannot work are clear errors', async () => {
  await assert.rejects(
    startHarness({ dataDir: tempDir(), mqtt: { url, tls: { cert_file: `${dir}/client.crt` } }, waitConnected: false }),
    /cert_file and mqtt\.tls\.key_file go together/,
  );
  await assert.rejects(
    startHarness({ dataDir: tempDir(), mqtt: { url, tls: { ca_file: `${dir}/missing.crt` } }, waitConnected: false }),
    /mqtt\.tls\.ca_file .*missing\.crt: no such file/,
  );
});
