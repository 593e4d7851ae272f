import { Type, type TProperties } from '@sinclair/typebox';

const Numbering = Type.Union([Type.Literal('bcm'), Type.Literal('board'), Type.Literal('line'), Type.Literal('sysfs')], {
  default: 'bcm',
  description:
    'bcm: Raspberry Pi GPIO number; board: physical header pin (Pi, Jetson Nano); line: offset on the gpiochip named by chip; sysfs: the raw /sys/class/gpio number.',
});

const Chip = Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()], {
  default: null,
  description: 'gpiochip label for numbering line (e.g. tegra234-gpio, see /sys/class/gpio/gpiochip*/label); unused otherwise.',
});

const Pin = (dflt?: number) =>
  Type.Integer({ minimum: 0, maximum: 4095, ...(dflt === undefined ? {} : { default: dflt }), description: 'The pin, read as numbering says.' });

const LockOutput = Type.Object(
  {
    pin: Pin(17),
    numbering: Numbering,
    chip: Chip,
    active_low: Type.Boolean({ default: false, description: 'true for relay boards that switch on a low input.' }),
    type: Type.Union([Type.Literal('fail_secure'), Type.Literal('fail_safe')], {
      default: 'fail_secure',
      description: 'fail_secure: locked while unpowered (electric strike); fail_safe: locked while powered (maglock).',
    }),
  },
  { additionalProperties: false, default: {}, description: 'The lock relay output.' },
);

function input<T extends TProperties>(what: string, contact: 'no' | 'nc', debounceMs: number, extra: T) {
  return Type.Union(
    [
      Type.Object(
        {
          pin: Pin(),
          numbering: Numbering,
          chip: Chip,
          contact: Type.Union([Type.Literal('no'), Type.Literal('nc')], {
            default: contact,
            description: 'no: the switch closes when active; nc: it opens when active.',
          }),
          pull: Type.Union([Type.Literal('up'), Type.Literal('down')], {
            default: 'up',
            description: 'The pull resistor on the line (set it in config.txt or on the board): with up, a closed switch reads 0.',
          }),
          debounce_ms: Type.Integer({
            minimum: 0,
            maximum: 1000,
            default: debounceMs,
            description: 'A change counts once the line has been steady this long.',
          }),
          ...extra,
        },
        { additionalProperties: false },
      ),
      Type.Null(),
    ],
    { default: null, description: `${what}; null when not wired.` },
  );
}

export const DoorEntry = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9_-]{1,32}$', description: 'Used in MQTT topics and events.' }),
    name: Type.String({ minLength: 1, maxLength: 64 }),
    driver: Type.Union([Type.Literal('auto'), Type.Literal('onoff'), Type.Literal('gpiod'), Type.Literal('simulated')], {
      default: 'auto',
      description:
        "auto: onoff where /sys/class/gpio exists, else gpiod where libgpiod's tools see a /dev/gpiochip, else simulated (with a warning). gpiod: the character device through libgpiod 1.6 / 2.x tools.",
    }),
    unlock_pulse_ms: Type.Integer({ minimum: 100, maximum: 60000, default: 3000, description: 'Strike time.' }),
    lock: LockOutput,
    relock_on_close: Type.Boolean({
      default: true,
      description: 'Relock as soon as the door closes after an entry, before the strike time ends (needs door_contact).',
    }),
    held_open_s: Type.Integer({ minimum: 1, maximum: 3600, default: 30, description: 'Open longer than this raises door_held_open (needs door_contact).' }),
    door_contact: input('Door position switch: active = door open', 'nc', 50, {}),
    exit_button: input('Request-to-exit button: active = pressed', 'no', 30, {
      unlocks: Type.Boolean({
        default: true,
        description: 'true: a press unlocks; false: the lock opens mechanically and a press only keeps the next opening from counting as forced.',
      }),
    }),
    tamper: input('Tamper switch on the reader or lock enclosure: active = tampered', 'nc', 50, {}),
  },
  { additionalProperties: false },
);

export const DoorsSection = Type.Array(DoorEntry, {
  minItems: 1,
  maxItems: 8,
  default: [{ id: 'front', name: 'Front door' }],
});
