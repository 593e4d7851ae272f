import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus, type BusEvents } from '../../../daemon/core/index.ts';
import { SdNotify, Watchdog } from '../../../daemon/health/index.ts';
import { FakeClock } from '../../fakes/clock.ts';
import { memoryLogger } from '../../support/logger.ts';
import { notifySocket } from '../../support/sd-notify.ts';
import { tempDir } from '../../support/tmp.ts';
import { eventually } from '../../support/within.ts';

// Issue 19: the watchdog's reason to exist is the ping it does not send. Real systemd-notify, a real
// notify socket; the stall is on a fake monotonic clock, the ping interval is real (500 ms, the floor).
void test('a stalled work loop withholds the systemd watchdog ping until it beats again', async () => {
  const sock = await notifySocket(tempDir());
  after(() => sock.close());
  const pings = (): number =>
    sock
      .messages()
      .split('\n')
      .filter((m) => m.includes('WATCHDOG=1')).length;
  const { log, lines } = memoryLogger('warn');
  const withheld = (): Record<string, unknown>[] => lines().filter((l) => l.msg === 'work loop stalled; withholding the systemd watchdog ping');
  const clock = new FakeClock();
  const bus = new EventBus<BusEvents>(log);
  const notify = new SdNotify({ NOTIFY_SOCKET: sock.path });
  const dog = new Watchdog({ notify, bus, clock, log, stallMs: 10_000, intervalMs: 1000, sources: ['camera', 'analysis'] });
  dog.start();
  after(() => dog.stop());

  await eventually(10_000, () => pings() >= 2, 'pings while both loops are fresh');
  assert.deepEqual(withheld(), []);

  clock.advance(10_001);
  bus.emit('heartbeat', { source: 'camera', at: clock.monotonic() });
  bus.emit('heartbeat', { source: 'not-watched', at: clock.monotonic() });
  assert.deepEqual(dog.stalled(), ['analysis'], 'only the loop without a heartbeat; an unknown source is ignored');
  await eventually(5_000, () => withheld().length >= 3, 'three withheld pings');
  // A ping sent just before the stall may still be on its way; after two more withheld ones it is not.
  const during = pings();
  await eventually(5_000, () => withheld().length >= 5, 'two more withheld pings');
  assert.equal(pings(), during, 'no WATCHDOG=1 while the analysis loop is stalled');
  assert.deepEqual(withheld().at(-1)?.stalled, ['analysis']);

  bus.emit('heartbeat', { source: 'analysis', at: clock.monotonic() });
  assert.deepEqual(dog.stalled(), []);
  await eventually(10_000, () => pings() >= during + 2, 'pings again once the loop beats');

  dog.stop();
  const stopped = pings();
  const warned = withheld().length;
  await new Promise((r) => setTimeout(r, 1200));
  assert.equal(pings(), stopped, 'stop() ends the pings');
  assert.equal(withheld().length, warned);
});

void test('without WATCHDOG_USEC there is no timer: nothing is sent, and heartbeats are still tracked', async () => {
  const sock = await notifySocket(tempDir());
  after(() => sock.close());
  const { log } = memoryLogger('warn');
  const clock = new FakeClock();
  const bus = new EventBus<BusEvents>(log);
  const dog = new Watchdog({ notify: new SdNotify({ NOTIFY_SOCKET: sock.path }), bus, clock, log, stallMs: 1000, intervalMs: null, sources: ['camera'] });
  dog.start();
  clock.advance(1001);
  assert.deepEqual(dog.stalled(), ['camera']);
  bus.emit('heartbeat', { source: 'camera', at: clock.monotonic() });
  assert.deepEqual(dog.stalled(), []);
  await new Promise((r) => setTimeout(r, 1200));
  assert.equal(sock.messages(), '');
  dog.stop();
});
