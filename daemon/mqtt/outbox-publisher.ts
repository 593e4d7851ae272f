import type { MqttClient } from 'mqtt';
import type { Logger } from '../core/index.ts';
import type { Outbox } from './outbox.ts';

export interface OutboxPublisherOptions {
  outbox: Outbox;
  qos: 0 | 1 | 2;
  log: Logger;
  /** Messages handed to the client before their acknowledgement; mqtt.js keeps them in order on one connection. */
  window?: number;
}

/**
 * Moves messages from the outbox to the broker, oldest first. A message leaves the outbox only
 * on the broker's acknowledgement (PUBACK for QoS 1), so a crash or an outage loses nothing.
 * While the connection is down, messages already handed over stay in mqtt.js's store and are
 * resent by it on reconnect, before anything newer: each goes out once, in order.
 */
export class OutboxPublisher {
  readonly #outbox: Outbox;
  readonly #qos: 0 | 1 | 2;
  readonly #log: Logger;
  readonly #window: number;
  #client: MqttClient | null = null;
  /** Highest outbox seq handed to the client in this process. */
  #lastSent = 0;
  #inflight = 0;
  #idleWaiters: (() => void)[] = [];
  /** Acknowledged seqs not yet deleted: deleted together on the next turn of the event loop. */
  #acked: number[] = [];
  #flushScheduled = false;
  #detached = false;

  constructor(options: OutboxPublisherOptions) {
    this.#outbox = options.outbox;
    this.#qos = options.qos;
    this.#log = options.log;
    this.#window = options.window ?? 128;
  }

  /** Starts draining through this client; mqtt.js emits 'connect' after resending what it held. */
  attach(client: MqttClient): void {
    this.#client = client;
    this.#detached = false;
    client.on('connect', () => this.kick());
  }

  /** Stops using the client; acknowledgements already received are recorded, later ones are not (they are resent after a restart). */
  detach(): void {
    this.#client = null;
    this.flushAcked();
    this.#detached = true;
  }

  push(topic: string, payload: string): void {
    const { dropped } = this.#outbox.enqueue(topic, payload);
    if (dropped > 0) {
      this.#log.warn(
        { dropped, droppedTotal: this.#outbox.droppedTotal(), outboxMax: this.#outbox.max },
        'MQTT outbox full while the broker is unreachable: oldest events dropped',
      );
    }
    this.kick();
  }

  /** Messages not yet acknowledged by the broker. */
  pending(): number {
    return this.#outbox.size();
  }

  /** Resolves once the outbox is empty and nothing is in flight. */
  whenIdle(): Promise<void> {
    if (this.#inflight === 0 && this.#outbox.size() === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  kick(): void {
    const client = this.#client;
    if (!client || !client.connected || client.disconnecting) return;
    // Refill in batches, not one query per acknowledgement.
    if (this.#inflight > this.#window / 2) return;
    while (this.#inflight < this.#window) {
      const rows = this.#outbox.after(this.#lastSent, this.#window - this.#inflight);
      if (rows.length === 0) break;
      for (const row of rows) {
        this.#lastSent = row.seq;
        this.#inflight += 1;
        client.publish(row.topic, row.payload, { qos: this.#qos, retain: false }, (err) => {
          this.#inflight -= 1;
          if (err) {
            // Not acknowledged: it stays in the outbox and is sent again (a duplicate is better than a loss).
            this.#lastSent = Math.min(this.#lastSent, row.seq - 1);
            this.#log.warn({ err: err.message, seq: row.seq }, 'MQTT publish failed; the event stays in the outbox');
          } else {
            this.#acked.push(row.seq);
            this.#scheduleFlush();
          }
          this.kick();
        });
      }
    }
    this.#notifyIdle();
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => {
      this.#flushScheduled = false;
      this.flushAcked();
      this.#notifyIdle();
    });
  }

  /** Deletes what the broker acknowledged; also called on stop so nothing delivered is sent twice after a restart. */
  flushAcked(): void {
    if (this.#detached) return;
    const acked = this.#acked;
    this.#acked = [];
    this.#outbox.deliveredMany(acked);
  }

  #notifyIdle(): void {
    if (this.#idleWaiters.length === 0 || this.#inflight > 0 || this.#acked.length > 0 || this.#outbox.size() > 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w();
  }
}
