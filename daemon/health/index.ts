export { SdNotify } from './sd-notify.ts';
export { Watchdog } from './watchdog.ts';
export { BoardMonitor } from './board-metrics.ts';
export type { BoardMetrics } from './board-metrics.ts';
export { CpuLoad, cpuTemperature } from './board-probe.ts';
