import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CpuLoad, cpuTemperature } from '../../../daemon/health/index.ts';
import { join } from 'node:path';
import { fakeThermal as thermal } from '../../support/thermal.ts';
import { tempDir } from '../../support/tmp.ts';

void test('the CPU temperature comes from the thermal zone that names the CPU, else the first readable one; null without zones', async () => {
  assert.equal(
    await cpuTemperature(
      thermal([
        ['acpitz', '27800'],
        ['cpu-thermal', '51234'],
      ]),
    ),
    51.2,
  );
  assert.equal(
    await cpuTemperature(
      thermal([
        ['CPU-therm', '43500'],
        ['GPU-therm', '41000'],
      ]),
    ),
    43.5,
    'Jetson zone names',
  );
  assert.equal(
    await cpuTemperature(
      thermal([
        ['acpitz', 'garbage'],
        ['x86_pkg_temp', '60000'],
      ]),
    ),
    60,
    'an unreadable zone is passed over',
  );
  assert.equal(await cpuTemperature(thermal([])), null);
  assert.equal(await cpuTemperature(join(tempDir(), 'missing')), null);
});

void test('the CPU load is the busy share of the counters between two readings', () => {
  const times = (busy: number, idle: number) => [
    { user: busy, nice: 0, sys: 0, irq: 0, idle },
    { user: busy, nice: 0, sys: 0, irq: 0, idle },
  ];
  let now = times(100, 300);
  const load = new CpuLoad(() => now);
  assert.equal(load.sample(), 25, 'since boot on the first reading');
  now = times(190, 310);
  assert.equal(load.sample(), 90);
  assert.equal(load.sample(), null, 'the counters did not move');
  const real = new CpuLoad();
  real.sample();
  const pct = real.sample();
  assert.ok(pct === null || (pct >= 0 && pct <= 100), `this machine: ${pct}`);
});
