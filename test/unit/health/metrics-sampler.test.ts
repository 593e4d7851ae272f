// The metrics sampler on a fake clock, writing to a real SQLite store, the temperature read by
// cpuTemperature from a fake thermal-zone tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricsSampler, cpuTemperature, type BoardReading } from '../../../daemon/health/index.ts';
import { MetricSamples, openDatabase } from '../../../daemon/store/index.ts';
import { FakeClock } from '../../fakes/clock.ts';
import { memoryLogger } from '../../support/logger.ts';
import { fakeThermal } from '../../support/thermal.ts';
import { tempDir } from '../../support/tmp.ts';

const MINUTE = 60_000;
/** Lets a tick's file reads and write finish (they run on the real event loop; the clock only fires the timer). */
const settle = () => new Promise((r) => setTimeout(r, 20));

function rig(read: () => Promise<BoardReading>) {
  const clock = new FakeClock('2026-06-10T12:00:00Z');
  const samples = new MetricSamples(openDatabase(tempDir()));
  const { log, lines } = memoryLogger('warn');
  const sampler = new MetricsSampler({ clock, log, intervalMs: MINUTE, read, write: (s) => void samples.add(s) });
  const stored = () => samples.averaged(0, clock.now() + 1, 1);
  /** Waits (up to 5 s) until `n` samples are stored. */
  const storedCount = async (n: number) => {
    const deadline = Date.now() + 5000;
    while (stored().length < n && Date.now() < deadline) await settle();
    return stored().length;
  };
  return { clock, sampler, stored, storedCount, lines };
}

test('one sample per interval: camera fps, frames analysed per second since the last sample, the thermal zone temperature', async () => {
  const thermal = fakeThermal([['cpu-thermal', '47250']]);
  let analysed = 1000;
  const { clock, sampler, stored, storedCount } = rig(async () => ({ cameraFps: 7.996, analysed, temperatureC: await cpuTemperature(thermal) }));
  await sampler.start();
  assert.deepEqual(stored(), [], 'the first reading is only the baseline');
  analysed += 120;
  clock.advance(MINUTE);
  assert.equal(await storedCount(1), 1);
  assert.deepEqual(stored(), [{ at: Date.parse('2026-06-10T12:01:00Z'), cameraFps: 8, analysisFps: 2, temperatureC: 47.3 }]);
  analysed += 30;
  clock.advance(MINUTE);
  assert.equal(await storedCount(2), 2);
  assert.equal(stored()[1]!.analysisFps, 0.5);
  sampler.stop();
  clock.advance(10 * MINUTE);
  await settle();
  assert.equal(stored().length, 2, 'nothing after stop');
  assert.equal(clock.pending, 0);
});

test('no rate from a counter that went back or is missing; no camera, no sensor: nulls', async () => {
  let reading: BoardReading = { cameraFps: null, analysed: 50, temperatureC: null };
  const { clock, sampler, stored, storedCount } = rig(async () => reading);
  await sampler.start();
  reading = { ...reading, analysed: 10 };
  clock.advance(MINUTE);
  await storedCount(1);
  reading = { ...reading, analysed: null };
  clock.advance(MINUTE);
  await storedCount(2);
  assert.deepEqual(
    stored().map((s) => [s.cameraFps, s.analysisFps, s.temperatureC]),
    [
      [null, null, null],
      [null, null, null],
    ],
  );
  sampler.stop();
});

test('a failing read is logged and skipped; the sampler keeps its interval', async () => {
  let fail = false;
  const { clock, sampler, storedCount, lines } = rig(async () => {
    if (fail) throw new Error('sensor gone');
    return { cameraFps: 5, analysed: 0, temperatureC: 40 };
  });
  await sampler.start();
  fail = true;
  clock.advance(MINUTE);
  await settle();
  assert.equal(clock.pending, 1, 'the next tick is armed after the failed one');
  fail = false;
  clock.advance(MINUTE);
  assert.equal(await storedCount(1), 1, 'the tick after the failure stored its sample');
  assert.ok(lines().some((l) => /could not be read/.test(String(l.msg))));
  sampler.stop();
});

test('what a tick costs: thermal zones read and one row written, measured (the default is one a minute)', async () => {
  const thermal = fakeThermal([
    ['acpitz', '30000'],
    ['cpu-thermal', '50000'],
  ]);
  const { sampler, stored } = rig(async () => ({ cameraFps: 8, analysed: 0, temperatureC: await cpuTemperature(thermal) }));
  await sampler.start();
  const n = 200;
  const cpu = process.cpuUsage();
  for (let i = 0; i < n; i++) await sampler.sample();
  const used = process.cpuUsage(cpu);
  const msPerTick = (used.user + used.system) / 1000 / n;
  assert.equal(stored().length, 1, 'same fake instant: each sample replaced the last');
  // Reported, not asserted as a speed: at one tick a minute this is the sampler's whole CPU share.
  console.log(`metrics sampler: ${msPerTick.toFixed(3)} ms CPU per tick = ${((msPerTick / MINUTE) * 100).toFixed(5)} % at 60 s`);
  assert.ok(msPerTick > 0);
  sampler.stop();
});
