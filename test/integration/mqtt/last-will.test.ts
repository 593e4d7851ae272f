import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startMosquitto } from '../../support/mosquitto.ts';
import { tempDir } from '../../support/tmp.ts';
import { Listener } from './harness.ts';

const CHILD = fileURLToPath(new URL('./will-child.ts', import.meta.url));

void test('the last will marks every door offline when the daemon is SIGKILLed', async () => {
  const broker = await startMosquitto();
  const listener = await Listener.open(broker.url, ['facegate/+/availability']);
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, broker.url, tempDir()], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        if (d.toString().includes('ready')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`child exited early (${code})`)));
    });
    const last = (door: string) => listener.on(`facegate/${door}/availability`).at(-1)?.payload;
    await listener.until(() => last('front') === 'online' && last('back') === 'online', 'both doors online');
    child.kill('SIGKILL');
    await listener.until(() => last('front') === 'offline' && last('back') === 'offline', 'both doors offline');
    // Retained: whoever subscribes later learns the daemon is gone.
    const late = await Listener.open(broker.url, ['facegate/front/availability']);
    await late.until(() => late.messages.length > 0, 'retained offline');
    assert.deepEqual(
      late.messages.map((m) => [m.payload, m.retain]),
      [['offline', true]],
    );
    await late.close();
  } finally {
    child.kill('SIGKILL');
    await listener.close();
    await broker.stop();
  }
});
