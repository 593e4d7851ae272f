import { Type } from '@sinclair/typebox';

export const DaemonSection = Type.Object(
  {
    data_dir: Type.String({
      minLength: 1,
      default: './data',
      description: 'Where the database, keys and setup code live. Under systemd: /var/lib/facegate (StateDirectory).',
    }),
    log_level: Type.Union(
      [
        Type.Literal('fatal'),
        Type.Literal('error'),
        Type.Literal('warn'),
        Type.Literal('info'),
        Type.Literal('debug'),
        Type.Literal('trace'),
        Type.Literal('silent'),
      ],
      { default: 'info' },
    ),
    watchdog_stall_s: Type.Number({
      minimum: 1,
      maximum: 600,
      default: 20,
      description: 'The systemd watchdog is fed only while the work loop has ticked within this many seconds.',
    }),
    sysfs_gpio_root: Type.String({
      minLength: 1,
      default: '/sys/class/gpio',
      description: "Where the sysfs GPIO tree is, for the doors and the unit's fail-safe (ExecStopPost). Change it only where sysfs GPIO is mounted elsewhere.",
    }),
    thermal_root: Type.String({
      minLength: 1,
      default: '/sys/class/thermal',
      description: "Where the kernel's thermal zones are, for the board temperature. Change it only where they are mounted elsewhere.",
    }),
    metrics_sample_s: Type.Integer({
      minimum: 1,
      maximum: 3600,
      default: 60,
      description: "How often the dashboard's history of camera fps, analysis rate and board temperature takes a sample (kept 7 days).",
    }),
  },
  { additionalProperties: false, default: {} },
);
