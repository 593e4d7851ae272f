import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChipInfo } from '../../daemon/door/index.ts';

/** Boards as their /sys/class/gpio trees show them (bases and labels as the kernels number them). */
export const BOARDS = {
  /** Raspberry Pi 4, kernels before 6.6: the SoC chip starts at 0. */
  pi4: [
    { base: 0, label: 'pinctrl-bcm2711', ngpio: 58 },
    { base: 504, label: 'raspberrypi-exp-gpio', ngpio: 8 },
  ],
  /** Raspberry Pi 4 on Raspberry Pi OS with kernel ≥ 6.6: dynamic bases from 512. */
  pi4Kernel66: [
    { base: 512, label: 'pinctrl-bcm2711', ngpio: 58 },
    { base: 570, label: 'raspberrypi-exp-gpio', ngpio: 8 },
  ],
  /** Raspberry Pi 5, kernel 6.6: the header is on the RP1 chip. */
  pi5: [
    { base: 512, label: 'gpio-brcmstb@107d508500', ngpio: 32 },
    { base: 544, label: 'gpio-brcmstb@107d517c00', ngpio: 15 },
    { base: 571, label: 'pinctrl-rp1', ngpio: 54 },
  ],
  /** Jetson Nano (L4T 32): tegra-gpio at 0, the PMIC's GPIOs above. */
  jetsonNano: [
    { base: 0, label: 'tegra-gpio', ngpio: 256 },
    { base: 504, label: 'max77620-gpio', ngpio: 8 },
  ],
  /** Jetson Orin (L4T 35): main and always-on Tegra234 controllers. */
  jetsonOrin: [
    { base: 316, label: 'tegra234-gpio-aon', ngpio: 32 },
    { base: 348, label: 'tegra234-gpio', ngpio: 164 },
  ],
} satisfies Record<string, ChipInfo[]>;

/**
 * Writes a fake sysfs GPIO tree: gpiochipN/{base,label,ngpio}, export and unexport, and for each
 * line in `exported` a gpioN/ directory with direction, value, active_low and edge, as the kernel
 * makes them on export. Returns helpers to read and set line files.
 */
export function makeSysfsTree(root: string, chips: ChipInfo[], exported: number[] = [], initial: Record<number, '0' | '1'> = {}) {
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'export'), '');
  writeFileSync(join(root, 'unexport'), '');
  for (const c of chips) {
    const dir = join(root, `gpiochip${c.base}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'base'), `${c.base}\n`);
    writeFileSync(join(dir, 'label'), `${c.label}\n`);
    writeFileSync(join(dir, 'ngpio'), `${c.ngpio}\n`);
  }
  for (const n of exported) {
    const dir = join(root, `gpio${n}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'direction'), 'in\n');
    writeFileSync(join(dir, 'value'), `${initial[n] ?? '0'}\n`);
    writeFileSync(join(dir, 'active_low'), '0\n');
    writeFileSync(join(dir, 'edge'), 'none\n');
  }
  return {
    root,
    value: (n: number) => readFileSync(join(root, `gpio${n}`, 'value'), 'utf8').trim(),
    direction: (n: number) => readFileSync(join(root, `gpio${n}`, 'direction'), 'utf8').trim(),
    set: (n: number, v: '0' | '1') => writeFileSync(join(root, `gpio${n}`, 'value'), `${v}\n`),
    exportFile: () => readFileSync(join(root, 'export'), 'utf8'),
  };
}
