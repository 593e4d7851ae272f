export { SdNotify } from './sd-notify.ts';
export { Watchdog } from './watchdog.ts';
export { CpuLoad, cpuTemperature } from './board-probe.ts';
export { memoryTuning, DAEMON_NODE_FLAGS, DAEMON_ENV, DAEMON_SETTINGS_TEXT } from './memory-tuning.ts';
export type { MemoryTuning } from './memory-tuning.ts';
export { MetricsSampler } from './metrics-sampler.ts';
export type { BoardReading, MetricsSamplerOptions } from './metrics-sampler.ts';
