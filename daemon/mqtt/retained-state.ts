import type { MqttClient } from 'mqtt';
import type { DoorStatus } from '../core/index.ts';
import type { CommandHandler } from './commands.ts';
import { DOOR_ID, type Topics } from './topics.ts';

/** The events counted per door for Home Assistant's sensors. */
const COUNTED = ['unknown_face', 'spoof_suspected'] as const;

/**
 * The latest-value topics (door state, last decision, camera connectivity, counts, security level):
 * kept while the broker is away, published retained when they change and again at each connection.
 */
export class RetainedState {
  readonly #topics: Topics;
  /** The service's broker connection; null while there is none. */
  readonly #client: () => MqttClient | null;
  readonly #lastStatus = new Map<string, string>();
  readonly #lastDecision = new Map<string, string>();
  /** Other latest-value topics (camera connectivity, counts): kept, and published again at each connection. */
  readonly #latest = new Map<string, string>();
  readonly #counts = new Map<string, Record<(typeof COUNTED)[number], number>>();
  #decisionsScheduled = false;

  constructor(topics: Topics, client: () => MqttClient | null) {
    this.#topics = topics;
    this.#client = client;
  }

  /** A configured door's counts, from 0. */
  startCounting(door: string): void {
    this.#counts.set(door, { unknown_face: 0, spoof_suspected: 0 });
    this.#publishCounts(door);
  }

  /** Everything kept, published again on a new connection. */
  republish(client: MqttClient): void {
    for (const [door, json] of this.#lastStatus) client.publish(this.#topics.state(door), json, { qos: 1, retain: true });
    for (const [door, json] of this.#lastDecision) client.publish(this.#topics.decision(door), json, { qos: 1, retain: true });
    for (const [topic, json] of this.#latest) client.publish(topic, json, { qos: 1, retain: true });
  }

  /**
   * After a refused lock, lockdown or security-level command the state goes out again: a Home
   * Assistant lock, switch or select waiting for a change settles on it.
   */
  settle(route: ReturnType<CommandHandler['route']>): void {
    const client = this.#client();
    if (route?.command === 'security_level') {
      const level = this.#latest.get(this.#topics.securityLevel());
      if (level !== undefined && client?.connected) client.publish(this.#topics.securityLevel(), level, { qos: 1, retain: true });
      return;
    }
    const json = (route?.command === 'lock' || route?.command === 'lockdown') && route.door !== null ? this.#lastStatus.get(route.door) : undefined;
    if (json !== undefined && client?.connected) client.publish(this.#topics.state(route!.door!), json, { qos: 1, retain: true });
  }

  /** A latest-value topic: kept for the next connection, published now when connected (unchanged: not again). */
  retain(topic: string, json: string): void {
    if (this.#latest.get(topic) === json) return;
    this.#latest.set(topic, json);
    const client = this.#client();
    if (client?.connected) client.publish(topic, json, { qos: 1, retain: true });
  }

  /** One more counted event at a configured door (its counts start at 0 in startCounting()). */
  count(door: string, type: string): void {
    const counts = this.#counts.get(door);
    const key = COUNTED.find((k) => k === type);
    if (!counts || !key) return;
    counts[key] += 1;
    this.#publishCounts(door);
  }

  #publishCounts(door: string): void {
    this.retain(this.#topics.counts(door), JSON.stringify(this.#counts.get(door)));
  }

  /** A door's last decision, for its retained topic. */
  decided(door: string, json: string): void {
    this.#lastDecision.set(door, json);
    this.#scheduleDecisions();
  }

  /** The retained last decision is a latest-value topic: a burst of decisions publishes only the last one. */
  #scheduleDecisions(): void {
    if (this.#decisionsScheduled) return;
    this.#decisionsScheduled = true;
    setImmediate(() => {
      this.#decisionsScheduled = false;
      const client = this.#client();
      if (!client?.connected) return;
      for (const [door, json] of this.#lastDecision) client.publish(this.#topics.decision(door), json, { qos: 1, retain: true });
    });
  }

  doorStatus(status: DoorStatus): void {
    if (!DOOR_ID.test(String(status.door))) return;
    const json = JSON.stringify({
      lock: status.lock,
      position: status.position,
      mode: status.mode,
      alarm: status.alarm,
      held_unlocked_until: status.heldUnlockedUntil,
    });
    this.#lastStatus.set(status.door, json);
    const client = this.#client();
    if (client?.connected) client.publish(this.#topics.state(status.door), json, { qos: 1, retain: true });
  }
}
