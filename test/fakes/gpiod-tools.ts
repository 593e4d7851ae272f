import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Fake libgpiod tools (gpiodetect, gpioset, gpioget, gpiomon) on PATH, in the 1.6 or the 2.x
 * dialect, for machines without /dev/gpiochip. The hardware boundary only: each line's level is
 * a file (`lines/<chip>-<offset>`), each tool records its arguments (`calls`) and its pid
 * (`pids/<tool>-<chip>-<offset>`), gpioset keeps holding until its stdin ends (2.x) or it is
 * signalled (1.6), and gpiomon prints an edge in its version's `%o %e` format whenever a level
 * file changes.
 */
export interface FakeGpiod {
  dir: string;
  env: NodeJS.ProcessEnv;
  /** Every tool run so far: its name and arguments. */
  calls(): string[][];
  level(chip: string, offset: number): string | null;
  set(chip: string, offset: number, level: 0 | 1): void;
  /** The tool's pid once it runs (a monitor's once it watches: every change after that is an edge). */
  pid(tool: 'gpioset' | 'gpiomon' | 'gpiod-line', chip: string, offset: number): number | null;
  /** Makes the line taken by another process: requests of it fail with EBUSY. */
  busy(chip: string, offset: number): void;
  /** Resolves once every tool that ever ran has exited (before the test's directory goes). */
  exited(timeoutMs?: number): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * python3-libgpiod's 1.x API over the same level files, for gpiod-line.py (PYTHONPATH puts it
 * first); without `pythonGpiod` a module that fails to import, as where the package is missing.
 */
const PYTHON_GPIOD = `import os, time
LINE_REQ_DIR_OUT = 3
LINE_REQ_EV_BOTH_EDGES = 6
LINE_REQ_FLAG_BIAS_PULL_DOWN = 16
LINE_REQ_FLAG_BIAS_PULL_UP = 32
_DIR = os.environ["FAKE_GPIOD"]


def _log(*words):
    with open(_DIR + "/calls", "a") as f:
        f.write("\\t".join(["python-gpiod", *map(str, words)]) + "\\n")


class LineEvent:
    RISING_EDGE = 1
    FALLING_EDGE = 2

    def __init__(self, kind):
        self.type = kind


class Line:
    def __init__(self, chip, offset):
        self._chip, self._offset = chip, offset
        self._file = f"{_DIR}/lines/{chip}-{offset}"

    def request(self, consumer, type, flags=0, default_val=0):
        _log("request", self._chip, self._offset, consumer, type, flags)
        if os.path.exists(f"{_DIR}/busy-{self._chip}-{self._offset}"):
            raise OSError(16, "Device or resource busy")
        if type == LINE_REQ_DIR_OUT:
            self.set_value(default_val)
        self._last = self.get_value()
        with open(f"{_DIR}/pids/gpiod-line-{self._chip}-{self._offset}", "w") as f:
            f.write(str(os.getpid()))

    def set_value(self, value):
        with open(self._file, "w") as f:
            f.write(str(value))
        _log("set", self._chip, self._offset, value)

    def get_value(self):
        try:
            with open(self._file) as f:
                return int(f.read().strip() or 0)
        except FileNotFoundError:
            return 0

    def event_wait(self, sec=0):
        until = time.monotonic() + sec
        while time.monotonic() < until:
            if self.get_value() != self._last:
                return True
            time.sleep(0.01)
        return False

    def event_read(self):
        self._last = self.get_value()
        return LineEvent(LineEvent.RISING_EDGE if self._last else LineEvent.FALLING_EDGE)


class Chip:
    def __init__(self, name):
        self._name = name

    def get_line(self, offset):
        return Line(self._name, offset)
`;

// The whole line in one write: tools start side by side, and appends made word by word interleave.
const ARGS = 'call="$(basename "$0")"; for a in "$@"; do call="$call$(printf "\\t")$a"; done; printf "%s\\n" "$call" >> "$FAKE_GPIOD/calls"';

/** The last argument that is not an option is the offset (or offset=level); 2.x names the chip with --chip, 1.6 before the offset. */
const CHIP_OFFSET = `
chip=""; offset=""; level=""; prev=""
for a in "$@"; do
  case "$prev" in --chip|-c) chip="$a";; esac
  case "$a" in gpiochip*) [ "$prev" = "--chip" ] || chip="$a";; [0-9]*=[01]) offset="\${a%%=*}"; level="\${a##*=}";; [0-9]*) offset="$a";; esac
  prev="$a"
done`;

function scripts(major: 1 | 2, chips: string): Record<string, string> {
  const version = major === 2 ? 'v2.1.3' : 'v1.6.3';
  const falling = major === 2 ? '2' : '0';
  return {
    gpiodetect: `#!/bin/bash
${ARGS}
if [ "$1" = "--version" ]; then echo "gpiodetect (libgpiod) ${version}"; exit 0; fi
cat <<'CHIPS'
${chips}
CHIPS
`,
    gpioget: `#!/bin/bash
${ARGS}
${CHIP_OFFSET}
f="$FAKE_GPIOD/lines/$chip-$offset"
if [ -e "$FAKE_GPIOD/busy-$chip-$offset" ]; then echo "gpioget: unable to request lines: Device or resource busy" >&2; exit 1; fi
[ -e "$f" ] && cat "$f" || echo 0
`,
    gpioset: `#!/bin/bash
${ARGS}
${CHIP_OFFSET}
if [ -e "$FAKE_GPIOD/busy-$chip-$offset" ]; then echo "gpioset: error setting the GPIO line values: Device or resource busy" >&2; exit 1; fi
# The level first, then the pid file that says "holding": a test that sees the pid reads the level set.
printf "%s" "$level" > "$FAKE_GPIOD/lines/$chip-$offset"
echo $$ > "$FAKE_GPIOD/pids/gpioset-$chip-$offset"
${
  major === 2
    ? `while read -r cmd arg; do
  printf "stdin\\t%s\\t%s\\n" "$cmd" "$arg" >> "$FAKE_GPIOD/calls"
  case "$cmd" in set) printf "%s" "\${arg##*=}" > "$FAKE_GPIOD/lines/$chip-$offset";; esac
done`
    : `trap 'exit 0' TERM INT
while :; do sleep 0.05; done`
}
`,
    gpiomon: `#!/bin/bash
${ARGS}
${CHIP_OFFSET}
f="$FAKE_GPIOD/lines/$chip-$offset"
last="$(cat "$f" 2>/dev/null || echo 0)"
# The pid file says "watching": from here on every change is an edge.
echo $$ > "$FAKE_GPIOD/pids/gpiomon-$chip-$offset"
while :; do
  now="$(cat "$f" 2>/dev/null || echo 0)"
  if [ "$now" != "$last" ]; then
    if [ "$now" = "1" ]; then echo "$offset 1"; else echo "$offset ${falling}"; fi
    last="$now"
  fi
  sleep 0.01
done
`,
  };
}

export function makeFakeGpiod(dir: string, major: 1 | 2, chips: string[], options: { pythonGpiod?: boolean } = {}): FakeGpiod {
  const bin = join(dir, 'bin');
  const python = join(dir, 'python');
  for (const d of [bin, python, join(dir, 'lines'), join(dir, 'pids')]) mkdirSync(d, { recursive: true });
  writeFileSync(join(python, 'gpiod.py'), options.pythonGpiod ? PYTHON_GPIOD : 'raise ImportError("python3-libgpiod is not installed")\n');
  writeFileSync(join(dir, 'calls'), '');
  for (const [name, text] of Object.entries(scripts(major, chips.join('\n')))) {
    writeFileSync(join(bin, name), text);
    chmodSync(join(bin, name), 0o755);
  }
  const file = (chip: string, offset: number) => join(dir, 'lines', `${chip}-${offset}`);
  return {
    dir,
    env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, PYTHONPATH: python, FAKE_GPIOD: dir },
    calls: () =>
      readFileSync(join(dir, 'calls'), 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => l.split('\t')),
    level: (chip, offset) => (existsSync(file(chip, offset)) ? readFileSync(file(chip, offset), 'utf8').trim() : null),
    set: (chip, offset, level) => writeFileSync(file(chip, offset), String(level)),
    busy: (chip, offset) => writeFileSync(join(dir, `busy-${chip}-${offset}`), ''),
    pid: (tool, chip, offset) => {
      const name = `${tool}-${chip}-${offset}`;
      return readdirSync(join(dir, 'pids')).includes(name) ? Number(readFileSync(join(dir, 'pids', name), 'utf8').trim()) : null;
    },
    async exited(timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      const pids = () => readdirSync(join(dir, 'pids')).map((n) => Number(readFileSync(join(dir, 'pids', n), 'utf8').trim()));
      while (pids().some(alive)) {
        if (Date.now() > until) throw new Error(`fake gpiod tools still running: ${pids().filter(alive).join(', ')}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}
