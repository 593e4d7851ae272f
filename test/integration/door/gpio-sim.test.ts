import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventBus, type BusEvents } from '../../../daemon/core/index.ts';
import { embeddedDefaults } from '../../../daemon/config/index.ts';
import { createDoors, type DoorConfig } from '../../../daemon/door/index.ts';
import { FakeClock } from '../../fakes/clock.ts';
import { memoryLogger } from '../../support/logger.ts';
import { eventually } from '../../support/within.ts';

// Issue 23: the gpiod driver on a real character device, the kernel's gpio-sim, with Debian's real
// libgpiod tools. Only where the machine allows it: the module, configfs and root.
const CONFIGFS = '/sys/kernel/config/gpio-sim';

function whyNot(): string | null {
  if (process.getuid?.() !== 0) return 'gpio-sim needs root';
  if (!existsSync(CONFIGFS)) {
    try {
      execFileSync('modprobe', ['gpio-sim'], { stdio: 'ignore' });
    } catch {
      // Reported below.
    }
  }
  if (!existsSync(CONFIGFS)) return `no ${CONFIGFS}: the gpio-sim module (CONFIG_GPIO_SIM) or configfs is not available on this kernel`;
  try {
    execFileSync('gpiodetect', ['--version'], { stdio: 'ignore' });
  } catch {
    return "libgpiod's tools are not installed (Debian package gpiod)";
  }
  return null;
}

const reason = whyNot();
if (reason) console.log(`# gpio-sim test skipped: ${reason}`);

void test('gpio-sim: the lock line is held by facegate at its levels, and a pulled input is an edge the door sees', { skip: reason ?? false }, async () => {
  const dev = join(CONFIGFS, `facegate-${process.pid}`);
  const bank = join(dev, 'gpio-bank0');
  mkdirSync(dev);
  mkdirSync(bank);
  writeFileSync(join(bank, 'num_lines'), '8');
  writeFileSync(join(bank, 'label'), 'facegate-sim');
  writeFileSync(join(dev, 'live'), '1');
  const chip = readFileSync(join(bank, 'chip_name'), 'utf8').trim();
  const line = (offset: number, attr: string) =>
    join('/sys/devices/platform', readFileSync(join(dev, 'dev_name'), 'utf8').trim(), chip, `sim_gpio${offset}`, attr);
  const base = embeddedDefaults().doors[0] as DoorConfig;
  const config: DoorConfig = {
    ...base,
    driver: 'gpiod',
    lock: { ...base.lock, pin: 1, numbering: 'line', chip: 'facegate-sim', active_low: true },
    door_contact: { pin: 2, numbering: 'line', chip: 'facegate-sim', contact: 'nc', pull: 'down', debounce_ms: 20 },
  };
  const { log } = memoryLogger();
  const clock = new FakeClock();
  const bus = new EventBus<BusEvents>(log);
  const doors = createDoors({ config: { doors: [config] }, bus, log, clock, sysfsRoot: '/nonexistent', exitHandler: false });
  try {
    writeFileSync(line(2, 'pull'), 'pull-down');
    doors.start();
    await eventually(5000, () => readFileSync(line(1, 'value'), 'utf8').trim() === '1', 'the lock at its locked level');
    assert.match(execFileSync('gpioinfo', [chip], { encoding: 'utf8' }), /line\s+1:.*"(facegate|gpioset)"/, 'the line is held');
    doors.get('front').unlock({ kind: 'face' });
    await eventually(5000, () => readFileSync(line(1, 'value'), 'utf8').trim() === '0', 'unlocked');
    writeFileSync(line(2, 'pull'), 'pull-up');
    await eventually(5000, () => doors.lines().some((l) => l.role === 'door_contact' && l.level === 1), 'the edge');
    clock.advance(30);
    assert.equal(doors.status('front').position, 'open');
  } finally {
    doors.stop();
    writeFileSync(join(dev, 'live'), '0');
    rmdirSync(bank);
    rmdirSync(dev);
  }
});
