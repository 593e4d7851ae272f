import type { Migration } from './types.ts';

export const healthMigrations: Migration[] = [
  {
    // The dashboard's history of camera fps, analysis rate and board temperature: figures of the
    // board, nobody's data. `at` is epoch ms (integer buckets in SQL); kept 7 days (metric-samples.ts).
    id: 'health-001-metric-samples',
    up: `CREATE TABLE metric_samples (
           at INTEGER PRIMARY KEY,
           camera_fps REAL,
           analysis_fps REAL,
           temperature_c REAL
         ) STRICT;`,
  },
];
