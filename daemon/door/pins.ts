import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FacegateError } from '../core/index.ts';

/** How a configured pin number is read. */
export type Numbering = 'bcm' | 'board' | 'line' | 'sysfs';

export interface PinSpec {
  pin: number;
  numbering: Numbering;
  /** gpiochip label, for numbering 'line' (e.g. tegra234-gpio); ignored otherwise. */
  chip: string | null;
}

/** One gpiochip as sysfs describes it in /sys/class/gpio/gpiochipN/{base,label,ngpio}. */
export interface ChipInfo {
  base: number;
  label: string;
  ngpio: number;
}

export interface ResolvedPin {
  /** The global sysfs GPIO number (what /sys/class/gpio/export takes). */
  gpio: number;
  chip: string;
  /** The line offset inside its chip (what libgpiod tools take). */
  offset: number;
  /** The configured pin, for messages: "bcm 17". */
  describe: string;
}

export const DEFAULT_SYSFS_ROOT = '/sys/class/gpio';

/** Header pin → BCM GPIO on every Raspberry Pi with the 40-pin header (Pi 1 B+ to Pi 5). */
const PI_HEADER: Readonly<Record<number, number>> = {
  3: 2,
  5: 3,
  7: 4,
  8: 14,
  10: 15,
  11: 17,
  12: 18,
  13: 27,
  15: 22,
  16: 23,
  18: 24,
  19: 10,
  21: 9,
  22: 25,
  23: 11,
  24: 8,
  26: 7,
  27: 0,
  28: 1,
  29: 5,
  31: 6,
  32: 12,
  33: 13,
  35: 19,
  36: 16,
  37: 26,
  38: 20,
  40: 21,
};

/** Header pin → line of the `tegra-gpio` chip on a Jetson Nano / TX1 developer kit (as Jetson.GPIO numbers them). */
const JETSON_NANO_HEADER: Readonly<Record<number, number>> = {
  7: 216,
  11: 50,
  12: 79,
  13: 14,
  15: 194,
  16: 232,
  18: 15,
  19: 16,
  21: 17,
  22: 13,
  23: 18,
  24: 19,
  26: 20,
  29: 149,
  31: 200,
  32: 168,
  33: 38,
  35: 76,
  36: 51,
  37: 12,
  38: 77,
  40: 78,
};

/** The chip behind a Pi's header: RP1 on a Pi 5, the SoC's pinctrl on a Pi 0–4. */
const PI_HEADER_CHIPS = ['pinctrl-rp1', 'pinctrl-bcm2711', 'pinctrl-bcm2835'];

const HEADER_PINS = 40;

/** Reads every gpiochip under a sysfs GPIO root; an empty list when the tree is not there. */
export function listChips(root: string = DEFAULT_SYSFS_ROOT): ChipInfo[] {
  let names: string[];
  try {
    names = readdirSync(root).filter((n) => /^gpiochip\d+$/.test(n));
  } catch {
    return [];
  }
  const chips: ChipInfo[] = [];
  for (const name of names) {
    try {
      const read = (f: string): string => readFileSync(join(root, name, f), 'utf8').trim();
      const base = Number(read('base'));
      const ngpio = Number(read('ngpio'));
      if (!Number.isInteger(base) || !Number.isInteger(ngpio)) continue;
      chips.push({ base, label: read('label'), ngpio });
    } catch {
      // A chip directory we cannot read is not one we can drive; the others still resolve.
    }
  }
  return chips.sort((a, b) => a.base - b.base);
}

function describePin(spec: PinSpec): string {
  return spec.numbering === 'line' ? `line ${spec.pin} of ${spec.chip ?? '(no chip)'}` : `${spec.numbering} ${spec.pin}`;
}

function fail(spec: PinSpec, why: string): never {
  throw new FacegateError('door_pin', `GPIO ${describePin(spec)}: ${why}`, { exitCode: 78 });
}

function onChip(spec: PinSpec, chip: ChipInfo, offset: number): ResolvedPin {
  if (offset < 0 || offset >= chip.ngpio) fail(spec, `chip ${chip.label} has lines 0–${chip.ngpio - 1}, not ${offset}`);
  return { gpio: chip.base + offset, chip: chip.label, offset, describe: describePin(spec) };
}

function piChip(chips: ChipInfo[]): ChipInfo | undefined {
  for (const label of PI_HEADER_CHIPS) {
    const chip = chips.find((c) => c.label === label);
    if (chip) return chip;
  }
  return undefined;
}

function known(chips: ChipInfo[]): string {
  return chips.length === 0 ? 'no gpiochip found' : `chips found: ${chips.map((c) => `${c.label} (base ${c.base})`).join(', ')}`;
}

/**
 * Turns a configured pin into the sysfs GPIO number. Kernels from 6.6 on (Raspberry Pi OS) no
 * longer start the SoC's chip at 0 (e.g. base 512), so the number is always base + offset of the
 * chip found by its label, never the bare BCM number.
 */
export function resolvePin(spec: PinSpec, chips: ChipInfo[]): ResolvedPin {
  if (!Number.isInteger(spec.pin) || spec.pin < 0) fail(spec, 'a pin is a whole number ≥ 0');
  switch (spec.numbering) {
    case 'bcm': {
      const chip = piChip(chips);
      if (!chip)
        fail(spec, `bcm numbering needs a Raspberry Pi GPIO chip (${PI_HEADER_CHIPS.join(', ')}); ${known(chips)}. Use numbering: line with a chip label.`);
      if (spec.pin > 27) fail(spec, 'the Pi header carries BCM GPIO 0–27 only');
      return onChip(spec, chip, spec.pin);
    }
    case 'board': {
      if (spec.pin < 1 || spec.pin > HEADER_PINS) fail(spec, `the header has pins 1–${HEADER_PINS}`);
      const pi = piChip(chips);
      if (pi) {
        const bcm = PI_HEADER[spec.pin];
        if (bcm === undefined) fail(spec, 'that header pin is power or ground, not a GPIO');
        return onChip(spec, pi, bcm);
      }
      const tegra = chips.find((c) => c.label === 'tegra-gpio');
      if (tegra) {
        const line = JETSON_NANO_HEADER[spec.pin];
        if (line === undefined) fail(spec, 'that header pin is power, ground or a bus pin on a Jetson Nano, not a GPIO');
        return onChip(spec, tegra, line);
      }
      fail(spec, `board numbering knows the Raspberry Pi and Jetson Nano headers; ${known(chips)}. Use numbering: line with a chip label.`);
    }
    // falls through never: fail() throws
    case 'line': {
      if (!spec.chip) fail(spec, 'numbering line needs chip: the gpiochip label (see `gpioinfo` or /sys/class/gpio/gpiochip*/label)');
      const chip = chips.find((c) => c.label === spec.chip);
      if (!chip) fail(spec, `no gpiochip labelled "${spec.chip}"; ${known(chips)}`);
      return onChip(spec, chip, spec.pin);
    }
    case 'sysfs': {
      const chip = chips.find((c) => spec.pin >= c.base && spec.pin < c.base + c.ngpio);
      if (!chip) fail(spec, `no gpiochip covers sysfs GPIO ${spec.pin}; ${known(chips)}`);
      return { gpio: spec.pin, chip: chip.label, offset: spec.pin - chip.base, describe: describePin(spec) };
    }
    default:
      return fail(spec, `unknown numbering "${String(spec.numbering)}" (bcm, board, line or sysfs)`);
  }
}

/** What the simulated driver pretends to be when a config names a Pi pin: a Pi 4 on an old kernel. */
export const SIMULATED_PI_CHIPS: readonly ChipInfo[] = [{ base: 0, label: 'pinctrl-bcm2711', ngpio: 58 }];
