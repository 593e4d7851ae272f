#!/usr/bin/python3
"""One GPIO line for facegate on libgpiod 1.x (python3-libgpiod), whose tools cannot hold a line
across level changes or name a consumer. Run by daemon/door/gpiod.ts, one process per line:

  gpiod-line.py out <chip> <offset> <level> <consumer>   requests the output once at <level>,
      prints "ready", then takes "set 0" / "set 1" lines on stdin; exits at the end of stdin.
  gpiod-line.py in <chip> <offset> <as-is|pull-up|pull-down> <consumer>   requests both edges,
      prints "level <0|1>" at once and after every edge, until killed.
"""
import sys

import gpiod

BIAS = {
    "as-is": 0,
    "pull-up": gpiod.LINE_REQ_FLAG_BIAS_PULL_UP,
    "pull-down": gpiod.LINE_REQ_FLAG_BIAS_PULL_DOWN,
}


def main(argv):
    mode, chip_name, offset, arg, consumer = argv[1:6]
    line = gpiod.Chip(chip_name).get_line(int(offset))
    if mode == "out":
        line.request(consumer=consumer, type=gpiod.LINE_REQ_DIR_OUT, default_val=int(arg))
        print("ready", flush=True)
        for text in sys.stdin:
            words = text.split()
            if len(words) == 2 and words[0] == "set" and words[1] in ("0", "1"):
                line.set_value(int(words[1]))
            else:
                print(f"not a command: {text.strip()[:40]}", file=sys.stderr, flush=True)
        return 0
    line.request(consumer=consumer, type=gpiod.LINE_REQ_EV_BOTH_EDGES, flags=BIAS[arg])
    print(f"level {line.get_value()}", flush=True)
    while True:
        if line.event_wait(sec=60):
            event = line.event_read()
            print(f"level {1 if event.type == gpiod.LineEvent.RISING_EDGE else 0}", flush=True)


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except KeyboardInterrupt:
        sys.exit(0)
    except (OSError, ValueError) as err:
        print(f"{type(err).__name__}: {err}", file=sys.stderr, flush=True)
        sys.exit(1)
