import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { parseGpiodetect, parseToolsVersion } from '../../../daemon/door/gpiod-tools.ts';

void test('gpiodetect lines as both libgpiod versions print them; anything else is no chip', () => {
  assert.deepEqual(parseGpiodetect('gpiochip0 [pinctrl-bcm2711] (58 lines)\ngpiochip1 [raspberrypi-exp-gpio] (8 lines)\n'), [
    { name: 'gpiochip0', label: 'pinctrl-bcm2711', lines: 58 },
    { name: 'gpiochip1', label: 'raspberrypi-exp-gpio', lines: 8 },
  ]);
  assert.deepEqual(parseGpiodetect('gpiochip2 [tegra234-gpio-aon] (32 lines)'), [{ name: 'gpiochip2', label: 'tegra234-gpio-aon', lines: 32 }]);
  assert.deepEqual(parseGpiodetect('gpiodetect: unable to access GPIO chips: Permission denied\n'), []);
});

void test("the tools' version tells 1.6 from 2.x; older than 1.5 (no bias, no format) or unknown is none", () => {
  assert.deepEqual(parseToolsVersion('gpiodetect (libgpiod) v1.6.3\nCopyright (C) 2017-2018 Bartosz Golaszewski'), { major: 1, version: '1.6.3' });
  assert.deepEqual(parseToolsVersion('gpiodetect (libgpiod) v2.1.3'), { major: 2, version: '2.1.3' });
  assert.deepEqual(parseToolsVersion('gpiodetect (libgpiod) v2.2'), { major: 2, version: '2.2' });
  assert.equal(parseToolsVersion('gpiodetect (libgpiod) v1.4.1'), null);
  assert.equal(parseToolsVersion('gpiodetect v3.0'), null);
});

void test("the gpiod tools this machine has (Debian's package gpiod) parse", (t) => {
  let text: string;
  try {
    text = execFileSync('gpiodetect', ['--version'], { encoding: 'utf8' });
  } catch {
    t.skip('gpiodetect is not installed here (Debian package gpiod)');
    return;
  }
  const v = parseToolsVersion(text);
  assert.ok(v, `parsed: ${text.split('\n')[0]}`);
  assert.ok(v.major === 1 || v.major === 2);
});
