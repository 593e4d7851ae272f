import { EventStore, MetricSamples, readDashboard, type Database } from './deps.ts';
import type { EventsService } from './services.ts';

/**
 * The reads admin answers from a database connection of its own (the admin worker's): the events
 * list, a door's calibration report, the dashboard and a person's figures (given their pseudonym).
 * Stored events are already pseudonymous and the samples are the board's, so no call to the main
 * thread is needed for them.
 */
export function storeReads(db: Database): EventsService {
  const events = new EventStore(db);
  const samples = new MetricSamples(db);
  return {
    query: (q) => events.query(q),
    calibration: (door, days, t) => events.calibration(door, days, t),
    dashboard: (range, now) => readDashboard({ events, samples }, range, now),
    personStats: (subject, days, threshold) => events.personStats(subject, days, threshold),
  };
}
