import type { Database, Statement } from 'better-sqlite3';
import type { EventType, FacegateEvent } from '../core/index.ts';
import { DECISION_TYPES, calibrationReport, type CalibrationReport, type CalibrationThresholds, type DecisionScores } from './calibration.ts';
import { DECISION_EVENT_TYPES, type DecisionOutcome } from './dashboard.ts';
import { PERSON_DECISION_TYPES, personStats, type PersonDecision, type PersonStats } from './person-stats.ts';

const DAY_MS = 86_400_000;

/** The `days` before `now`, as the ISO bounds the queries compare `ts` with. */
function lastDays(days: number, now: number): { days: number; from: string; to: string } {
  return { days, from: new Date(now - days * DAY_MS).toISOString(), to: new Date(now).toISOString() };
}

const quoted = (types: readonly string[]): string => types.map((t) => `'${t}'`).join(', ');

export interface EventQuery {
  from?: string;
  to?: string;
  type?: EventType;
  door?: string;
  /** Return events older than this sequence number (paging backwards). */
  before?: number;
  limit?: number;
}

/** The event log: every public event, stored as its JSON body with indexed columns. */
export class EventStore {
  readonly #db: Database;
  readonly #insert: Statement;

  constructor(db: Database) {
    this.#db = db;
    this.#insert = db.prepare('INSERT INTO events (id, ts, door, type, subject, body) VALUES (@id, @ts, @door, @type, @subject, @body)');
  }

  append(event: FacegateEvent): number {
    const info = this.#insert.run({ id: event.id, ts: event.ts, door: event.door, type: event.type, subject: event.subject, body: JSON.stringify(event) });
    return Number(info.lastInsertRowid);
  }

  query(q: EventQuery = {}): { seq: number; event: FacegateEvent }[] {
    const where: string[] = [];
    const args: Record<string, unknown> = {};
    if (q.from) {
      where.push('ts >= @from');
      args.from = q.from;
    }
    if (q.to) {
      where.push('ts < @to');
      args.to = q.to;
    }
    if (q.type) {
      where.push('type = @type');
      args.type = q.type;
    }
    if (q.door) {
      where.push('door = @door');
      args.door = q.door;
    }
    if (q.before !== undefined) {
      where.push('seq < @before');
      args.before = q.before;
    }
    args.limit = Math.min(Math.max(q.limit ?? 50, 1), 1000);
    const sql = `SELECT seq, body FROM events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT @limit`;
    return (this.#db.prepare(sql).all(args) as { seq: number; body: string }[]).map((r) => ({ seq: r.seq, event: JSON.parse(r.body) as FacegateEvent }));
  }

  /** The outcome and two numbers of each face decision at a door from `from` to `to` (both included): the subject is not even read. */
  decisionScores(door: string, from: string, to: string): DecisionScores[] {
    const sql = `SELECT type, json_extract(body, '$.score') AS score, json_extract(body, '$.liveness') AS liveness FROM events WHERE type IN (${quoted(DECISION_TYPES)}) AND door = ? AND ts >= ? AND ts <= ?`;
    return this.#db.prepare(sql).all(door, from, to) as DecisionScores[];
  }

  /** The door's calibration report over the `days` before `now` (calibration.ts). */
  calibration(door: string, days: number, thresholds: CalibrationThresholds, now: number = Date.now()): CalibrationReport {
    const window = lastDays(days, now);
    return calibrationReport(this.decisionScores(door, window.from, window.to), thresholds, { door, ...window });
  }

  /** One subject's face decisions from `from` to `to` (both included): what personStats reads, nothing else. */
  decisionsOf(subject: string, from: string, to: string): PersonDecision[] {
    return this.#db
      .prepare(
        `SELECT ts, type, json_extract(body, '$.score') AS score, json_extract(body, '$.reason') AS reason, json_extract(body, '$.decision_ms') AS decision_ms
         FROM events WHERE subject = ? AND type IN (${quoted(PERSON_DECISION_TYPES)}) AND ts >= ? AND ts <= ?`,
      )
      .all(subject, from, to) as PersonDecision[];
  }

  /** One subject's figures over the `days` before `now`, against the match threshold that applies to them (person-stats.ts). */
  personStats(subject: string, days: number, threshold: number, now: number = Date.now()): PersonStats {
    const window = lastDays(days, now);
    return personStats(this.decisionsOf(subject, window.from, window.to), threshold, window);
  }

  /** Each door decision from `from` (included) to `to` (excluded): its time, type and reason, for the dashboard; the subject is not read. */
  decisionOutcomes(from: string, to: string): DecisionOutcome[] {
    const types = DECISION_EVENT_TYPES.map((t) => `'${t}'`).join(', ');
    const sql = `SELECT ts, type, json_extract(body, '$.reason') AS reason FROM events WHERE type IN (${types}) AND ts >= ? AND ts < ?`;
    return this.#db.prepare(sql).all(from, to) as DecisionOutcome[];
  }

  /** Every stored event of one subject (a person's pseudonym), oldest first: their subject-access export. */
  forSubject(subject: string): FacegateEvent[] {
    return (this.#db.prepare('SELECT body FROM events WHERE subject = ? ORDER BY seq').all(subject) as { body: string }[]).map(
      (r) => JSON.parse(r.body) as FacegateEvent,
    );
  }

  /** Deletes every event of one subject (erasure); returns how many went. */
  deleteSubject(subject: string): number {
    return this.#db.prepare('DELETE FROM events WHERE subject = ?').run(subject).changes;
  }

  /** Deletes events older than the cutoff; returns how many went. */
  purgeBefore(cutoffIso: string): number {
    return this.#db.prepare('DELETE FROM events WHERE ts < ?').run(cutoffIso).changes;
  }
}
