import type { Database, Statement } from 'better-sqlite3';

/** How long samples are kept: the dashboard's longest range. */
export const SAMPLE_RETENTION_MS = 7 * 86_400_000;

/** One reading of the board's figures; a figure the board could not give is null. */
export interface MetricSample {
  /** Epoch ms. */
  at: number;
  cameraFps: number | null;
  analysisFps: number | null;
  temperatureC: number | null;
}

/** The sampled history of camera fps, analysis rate and board temperature (table metric_samples). */
export class MetricSamples {
  readonly #db: Database;
  readonly #insert: Statement;
  readonly #purge: Statement;

  constructor(db: Database) {
    this.#db = db;
    // A second reading in the same millisecond replaces the first rather than failing the sampler.
    this.#insert = db.prepare(
      'INSERT OR REPLACE INTO metric_samples (at, camera_fps, analysis_fps, temperature_c) VALUES (@at, @cameraFps, @analysisFps, @temperatureC)',
    );
    this.#purge = db.prepare('DELETE FROM metric_samples WHERE at < ?');
  }

  /** Stores one sample and drops those past SAMPLE_RETENTION_MS before it; returns how many went. */
  add(sample: MetricSample): number {
    this.#insert.run(sample);
    return this.purgeBefore(sample.at - SAMPLE_RETENTION_MS);
  }

  /** Deletes samples taken before `cutoff` (epoch ms); returns how many went. */
  purgeBefore(cutoff: number): number {
    return this.#purge.run(cutoff).changes;
  }

  /**
   * The samples in [from, to) averaged over steps of `stepMs` from `from`, oldest first; a step
   * without a sample is left out, a figure null in all its samples stays null.
   */
  averaged(from: number, to: number, stepMs: number): MetricSample[] {
    // better-sqlite3 binds every JS number as REAL: the CAST makes the division an integer step index.
    const sql = `SELECT CAST((at - @from) / @step AS INTEGER) AS k, avg(camera_fps) AS cameraFps, avg(analysis_fps) AS analysisFps,
                 avg(temperature_c) AS temperatureC FROM metric_samples WHERE at >= @from AND at < @to GROUP BY k ORDER BY k`;
    const rows = this.#db.prepare(sql).all({ from, to, step: stepMs }) as (Omit<MetricSample, 'at'> & { k: number })[];
    return rows.map(({ k, ...figures }) => ({ at: from + k * stepMs, ...figures }));
  }
}
