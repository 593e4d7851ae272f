// Board temperature and CPU load read straight from the kernel. systeminformation gets the same
// figures by spawning a shell and tools (cat, sensors) on every call; forking a daemon of a few
// hundred MB for that cost about 0.5 s of CPU per reading here, more than the idle camera itself.
import { readdir, readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';

const byNumber = new Intl.Collator('en', { numeric: true }).compare;

/**
 * The CPU temperature in °C from the kernel's thermal zones: the zone whose type names the CPU
 * (cpu-thermal on a Pi, CPU-therm on a Jetson), else the SoC's, else the first; null without any.
 */
export async function cpuTemperature(root = '/sys/class/thermal'): Promise<number | null> {
  let names: string[];
  try {
    names = (await readdir(root)).filter((n) => n.startsWith('thermal_zone')).sort(byNumber);
  } catch {
    return null;
  }
  const zones = await Promise.all(
    names.map(async (name) => {
      try {
        const [type, temp] = await Promise.all([readFile(join(root, name, 'type'), 'utf8'), readFile(join(root, name, 'temp'), 'utf8')]);
        const celsius = Number.parseInt(temp, 10) / 1000;
        return Number.isFinite(celsius) && celsius > 0 ? { type: type.trim().toLowerCase(), celsius } : null;
      } catch {
        return null; // a zone whose sensor cannot be read right now
      }
    }),
  );
  const known = zones.filter((z): z is { type: string; celsius: number } => z !== null);
  const zone = known.find((z) => z.type.includes('cpu')) ?? known.find((z) => z.type.includes('soc')) ?? known[0];
  return zone ? Math.round(zone.celsius * 10) / 10 : null;
}

type CpuTimes = ReturnType<typeof cpus>[number]['times'];

/** The board's CPU load in % between two readings, from the kernel's per-core counters (os.cpus()). */
export class CpuLoad {
  readonly #read: () => CpuTimes[];
  #last: { busy: number; total: number } | null = null;

  constructor(read: () => CpuTimes[] = () => cpus().map((c) => c.times)) {
    this.#read = read;
  }

  /** Load since the previous call (since boot on the first); null when the counters did not move. */
  sample(): number | null {
    let busy = 0;
    let total = 0;
    for (const t of this.#read()) {
      busy += t.user + t.nice + t.sys + t.irq;
      total += t.user + t.nice + t.sys + t.irq + t.idle;
    }
    const last = this.#last;
    this.#last = { busy, total };
    const dTotal = total - (last?.total ?? 0);
    return dTotal > 0 ? Math.min(100, Math.max(0, (100 * (busy - (last?.busy ?? 0))) / dTotal)) : null;
  }
}
