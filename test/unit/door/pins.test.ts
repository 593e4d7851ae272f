import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { listChips, resolvePin, type PinSpec } from '../../../daemon/door/index.ts';
import { BOARDS, makeSysfsTree } from '../../fakes/sysfs-gpio.ts';
import { tempDir } from '../../support/tmp.ts';

const bcm = (pin: number): PinSpec => ({ pin, numbering: 'bcm', chip: null });
const board = (pin: number): PinSpec => ({ pin, numbering: 'board', chip: null });
const line = (pin: number, chip: string): PinSpec => ({ pin, numbering: 'line', chip });
const sysfs = (pin: number): PinSpec => ({ pin, numbering: 'sysfs', chip: null });

function chipsOf(name: keyof typeof BOARDS) {
  const root = join(tempDir(), name);
  makeSysfsTree(root, BOARDS[name]);
  return listChips(root);
}

void test('listChips reads base, label and ngpio of every gpiochip; none when there is no tree', () => {
  assert.deepEqual(chipsOf('pi4Kernel66'), BOARDS.pi4Kernel66);
  assert.deepEqual(listChips(join(tempDir(), 'missing')), []);
});

void test('Pi 4 on an older kernel (base 0): BCM and header pins are the sysfs numbers', () => {
  const chips = chipsOf('pi4');
  assert.equal(resolvePin(bcm(17), chips).gpio, 17);
  assert.equal(resolvePin(board(11), chips).gpio, 17);
  assert.equal(resolvePin(board(40), chips).gpio, 21);
  assert.equal(resolvePin(board(27), chips).gpio, 0);
  assert.deepEqual(resolvePin(bcm(4), chips), { gpio: 4, chip: 'pinctrl-bcm2711', offset: 4, describe: 'bcm 4' });
});

void test('Pi 4 on kernel 6.6 (base 512): BCM 17 is sysfs 529, not 17', () => {
  const chips = chipsOf('pi4Kernel66');
  assert.equal(resolvePin(bcm(17), chips).gpio, 529);
  assert.equal(resolvePin(board(11), chips).gpio, 529);
  assert.equal(resolvePin(bcm(0), chips).gpio, 512);
  assert.equal(resolvePin(sysfs(529), chips).offset, 17);
  assert.equal(resolvePin(line(3, 'raspberrypi-exp-gpio'), chips).gpio, 573);
  assert.throws(() => resolvePin(sysfs(17), chips), { code: 'door_pin', message: /no gpiochip covers sysfs GPIO 17/ });
});

void test('Pi 5: the header is on pinctrl-rp1, not on the SoC chip with the lowest base', () => {
  const chips = chipsOf('pi5');
  assert.deepEqual(resolvePin(bcm(17), chips), { gpio: 588, chip: 'pinctrl-rp1', offset: 17, describe: 'bcm 17' });
  assert.equal(resolvePin(board(7), chips).gpio, 575);
});

void test('Jetson Nano: header pins map to tegra-gpio lines; BCM numbering is refused with the chips found', () => {
  const chips = chipsOf('jetsonNano');
  assert.deepEqual(resolvePin(board(7), chips), { gpio: 216, chip: 'tegra-gpio', offset: 216, describe: 'board 7' });
  assert.equal(resolvePin(board(12), chips).gpio, 79);
  assert.equal(resolvePin(board(40), chips).gpio, 78);
  assert.equal(resolvePin(line(50, 'tegra-gpio'), chips).gpio, 50);
  assert.throws(() => resolvePin(bcm(17), chips), {
    code: 'door_pin',
    message: /bcm numbering needs a Raspberry Pi GPIO chip .*chips found: tegra-gpio \(base 0\), max77620-gpio \(base 504\)/,
  });
  assert.throws(() => resolvePin(board(3), chips), { code: 'door_pin', message: /not a GPIO/ });
});

void test('Jetson Orin: chip label + line offset, on whatever base the kernel chose', () => {
  const chips = chipsOf('jetsonOrin');
  assert.deepEqual(resolvePin(line(85, 'tegra234-gpio'), chips), { gpio: 433, chip: 'tegra234-gpio', offset: 85, describe: 'line 85 of tegra234-gpio' });
  assert.equal(resolvePin(line(5, 'tegra234-gpio-aon'), chips).gpio, 321);
  assert.throws(() => resolvePin(line(164, 'tegra234-gpio'), chips), { code: 'door_pin', message: /chip tegra234-gpio has lines 0–163, not 164/ });
  assert.throws(() => resolvePin(line(1, 'tegra194-gpio'), chips), { code: 'door_pin', message: /no gpiochip labelled "tegra194-gpio"/ });
  assert.throws(() => resolvePin(board(7), chips), { code: 'door_pin', message: /board numbering knows the Raspberry Pi and Jetson Nano headers/ });
});

void test('bad pins: negative, fractional, beyond the header, unknown numbering', () => {
  const chips = chipsOf('pi4');
  assert.throws(() => resolvePin(bcm(-1), chips), { code: 'door_pin' });
  assert.throws(() => resolvePin(bcm(1.5), chips), { code: 'door_pin' });
  assert.throws(() => resolvePin(bcm(28), chips), { code: 'door_pin', message: /0–27/ });
  assert.throws(() => resolvePin(board(0), chips), { code: 'door_pin', message: /1–40/ });
  assert.throws(() => resolvePin({ pin: 1, numbering: 'wiringpi' as never, chip: null }, chips), { code: 'door_pin', message: /unknown numbering "wiringpi"/ });
  assert.throws(() => resolvePin(bcm(17), []), { code: 'door_pin', message: /no gpiochip found/ });
});
