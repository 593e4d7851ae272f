import { connect, type MqttClient } from 'mqtt';
import { embeddedDefaults, mergeLayers, type Config } from '../../../daemon/config/index.ts';
import { EventBus, type BusEvents, type Clock, type DoorStatus, type FacegateEvent, type Logger } from '../../../daemon/core/index.ts';
import { EventStore, openDatabase, type Database } from '../../../daemon/store/index.ts';
import { MqttService, type DiscoveryDoor, type MetricsProvider, type MqttServiceOptions } from '../../../daemon/mqtt/index.ts';
import { RecordingDoorControl } from '../../fakes/recording-door-control.ts';
import { memoryLogger } from '../../support/logger.ts';

export type MqttOverrides = Record<string, unknown>;

export interface Harness {
  service: MqttService;
  bus: EventBus<BusEvents>;
  db: Database;
  door: RecordingDoorControl;
  config: Config;
  log: Logger;
  logLines: () => Record<string, unknown>[];
  /** Events raised on the bus ('event'), e.g. command_rejected. */
  raised: FacegateEvent[];
  stop(): Promise<void>;
}

/** An MqttService as main.ts builds it, on a real SQLite file, with the store → event:stored step main.ts does. */
export async function startHarness(opts: {
  dataDir: string;
  mqtt: MqttOverrides;
  doors?: DiscoveryDoor[];
  metrics?: MetricsProvider;
  clock?: Clock;
  doorStatuses?: () => DoorStatus[];
  waitConnected?: boolean;
  configurationUrl?: string;
  camera?: MqttServiceOptions['camera'];
}): Promise<Harness> {
  const base = embeddedDefaults();
  const config = mergeLayers(base as unknown as Record<string, unknown>, { mqtt: opts.mqtt }) as unknown as Config;
  const doors = opts.doors ?? [{ id: 'front', name: 'Front door' }];
  const { log, lines } = memoryLogger('debug');
  const db = openDatabase(opts.dataDir);
  const bus = new EventBus<BusEvents>(log);
  const store = new EventStore(db);
  const raised: FacegateEvent[] = [];
  bus.on('event', (e) => {
    raised.push(e);
    store.append(e);
    bus.emit('event:stored', e);
  });
  const door = new RecordingDoorControl(doors[0]?.id);
  let service: MqttService;
  try {
    service = new MqttService({
      config: config.mqtt,
      doors,
      db,
      dataDir: opts.dataDir,
      bus,
      log,
      doorControl: (id) => (id === door.id ? door : undefined),
      ...(opts.metrics ? { metrics: opts.metrics } : {}),
      ...(opts.clock ? { clock: opts.clock } : {}),
      ...(opts.doorStatuses ? { doorStatuses: opts.doorStatuses } : {}),
      ...(opts.configurationUrl ? { configurationUrl: opts.configurationUrl } : {}),
      ...(opts.camera ? { camera: opts.camera } : {}),
    });
    await service.start();
  } catch (err) {
    db.close();
    throw err;
  }
  if (opts.waitConnected !== false) await service.whenConnected();
  return {
    service,
    bus,
    db,
    door,
    config,
    log,
    logLines: lines,
    raised,
    async stop() {
      await service.stop();
      db.close();
    },
  };
}

/** Two doors for the discovery tests: the front with its contact and tamper switch wired, the garage only its lock. */
export const FRONT_WIRED_GARAGE_BARE: DiscoveryDoor[] = [
  { id: 'front', name: 'Front door', door_contact: { pin: 17 }, tamper: { pin: 27 } },
  { id: 'garage', name: 'Garage' },
];

export interface Received {
  topic: string;
  payload: string;
  retain: boolean;
}

/** A plain MQTT client that records every message it sees on its subscriptions. */
export class Listener {
  readonly client: MqttClient;
  readonly messages: Received[] = [];
  #waiters: { check: () => boolean; resolve: () => void }[] = [];

  private constructor(client: MqttClient) {
    this.client = client;
    client.on('message', (topic, payload, packet) => {
      // A redelivery from the broker to this listener (its own ack was lost) says nothing about the publisher.
      if (packet.dup) return;
      this.messages.push({ topic, payload: payload.toString('utf8'), retain: packet.retain });
      this.#waiters = this.#waiters.filter((w) => {
        if (!w.check()) return true;
        w.resolve();
        return false;
      });
    });
  }

  /** With `session`, the listener keeps a persistent session (clean: false) under that client id: with a persistent broker it misses nothing while away. */
  static async open(url: string, filters: string[] = ['#'], session?: string): Promise<Listener> {
    const client = connect(url, { reconnectPeriod: 200, protocolVersion: 4, ...(session ? { clean: false, clientId: session } : { clean: true }) });
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    const listener = new Listener(client);
    await client.subscribeAsync(filters, { qos: 1 });
    return listener;
  }

  on(topic: string): Received[] {
    return this.messages.filter((m) => m.topic === topic);
  }

  /** Waits until check() holds; fails with `what` after timeoutMs (a hang guard, not a speed assertion). */
  until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; saw ${this.messages.length} messages`)), timeoutMs);
      this.#waiters.push({
        check,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  async publish(topic: string, payload: string | Buffer, retain = false): Promise<void> {
    await this.client.publishAsync(topic, payload, { qos: 1, retain });
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}

/** Polls a condition that does not come with a message (e.g. a DoorControl call). */
export async function eventually(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
