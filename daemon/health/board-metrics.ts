import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import si from 'systeminformation';
import type { Logger, Service } from '../core/index.ts';

export interface BoardMetrics {
  /** CPU temperature in °C, or null where the board does not expose one. */
  temperatureC: number | null;
  cpuPct: number;
  load1: number;
  memUsedPct: number;
  /** Free space on the file system holding the data directory, in percent. */
  diskFreePct: number | null;
  /** Raspberry Pi under-voltage / throttling flags from `vcgencmd get_throttled`, else null. */
  throttled: { now: boolean; underVoltage: boolean; sinceBoot: boolean; raw: string } | null;
  sampledAt: number;
}

function readThrottled(): Promise<BoardMetrics['throttled']> {
  return new Promise((resolve) => {
    execFile('vcgencmd', ['get_throttled'], { timeout: 2000 }, (err, stdout) => {
      const m = /throttled=(0x[0-9a-f]+)/i.exec(stdout ?? '');
      if (err || !m) return resolve(null);
      const bits = Number.parseInt(m[1] as string, 16);
      // Bit 0: under-voltage now, bit 2: throttled now, bits 16-19: the same since boot.
      resolve({ underVoltage: (bits & 0x1) !== 0, now: (bits & 0x4) !== 0, sinceBoot: (bits & 0xf0000) !== 0, raw: m[1] as string });
    });
  });
}

/**
 * Samples the board's health with systeminformation on an interval, so that the admin API and
 * Home Assistant sensors read the last sample instead of each spawning their own probes.
 */
export class BoardMonitor implements Service {
  readonly #dataDir: string;
  readonly #intervalMs: number;
  readonly #log: Logger;
  #last: BoardMetrics | null = null;
  #timer: NodeJS.Timeout | null = null;

  constructor(opts: { dataDir: string; intervalMs?: number; log: Logger }) {
    this.#dataDir = resolve(opts.dataDir);
    this.#intervalMs = opts.intervalMs ?? 30_000;
    this.#log = opts.log;
  }

  async sample(): Promise<BoardMetrics> {
    const [temp, load, mem, disks, throttled] = await Promise.all([
      si.cpuTemperature().catch(() => null),
      si.currentLoad().catch(() => null),
      si.mem().catch(() => null),
      si.fsSize().catch(() => []),
      readThrottled(),
    ]);
    // The file system holding the data directory: the longest mount point that contains it.
    const disk = disks
      .filter((d) => this.#dataDir === d.mount || this.#dataDir.startsWith(d.mount.endsWith('/') ? d.mount : `${d.mount}/`))
      .sort((a, b) => b.mount.length - a.mount.length)[0];
    const metrics: BoardMetrics = {
      temperatureC: temp && Number.isFinite(temp.main) && temp.main !== null && temp.main > 0 ? temp.main : null,
      cpuPct: load?.currentLoad ?? 0,
      load1: load?.avgLoad ?? 0,
      memUsedPct: mem && mem.total > 0 ? (100 * mem.active) / mem.total : 0,
      diskFreePct: disk && disk.size > 0 ? (100 * disk.available) / disk.size : null,
      throttled,
      sampledAt: Date.now(),
    };
    this.#last = metrics;
    return metrics;
  }

  /** The latest sample (null before the first one completes). */
  latest(): BoardMetrics | null {
    return this.#last;
  }

  async start(): Promise<void> {
    await this.sample().catch((err: unknown) => this.#log.warn({ err }, 'board metrics unavailable'));
    this.#timer = setInterval(() => {
      this.sample()
        .then((m) => {
          if (m.throttled?.underVoltage) this.#log.warn({ throttled: m.throttled }, 'under-voltage: use a stronger power supply');
        })
        .catch((err: unknown) => this.#log.warn({ err }, 'board metrics unavailable'));
    }, this.#intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
  }
}
