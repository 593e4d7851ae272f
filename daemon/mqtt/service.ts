import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { Database } from 'better-sqlite3';
import {
  FacegateError,
  systemClock,
  type BusEvents,
  type Clock,
  type DoorControl,
  type DoorStatus,
  type EventBus,
  type FacegateEvent,
  type Logger,
  type Service,
} from '../core/index.ts';
import { clientOptions, defaultClientId, safeHostname, type MqttConfig } from './client-options.ts';
import type { SecurityLevel } from '../identity/index.ts';
import { CommandHandler } from './commands.ts';
import { DiscoveryRegistry } from './discovery-registry.ts';
import { DiscoveryPublisher } from './discovery-publisher.ts';
import type { DiscoveryDoor } from './discovery.ts';
import { EmbeddedBroker } from './embedded-broker.ts';
import { embeddedCredentials, type BrokerCredentials } from './embedded-credentials.ts';
import { decisionPayload, publicEventPayload } from './event-payload.ts';
import { Outbox } from './outbox.ts';
import { OutboxPublisher } from './outbox-publisher.ts';
import { NonceBook } from './signature.ts';
import { RetainedState } from './retained-state.ts';
import { DOOR_ID, Topics } from './topics.ts';

/** Board figures for the Home Assistant sensors; null when not known (no camera, no sensor). */
export interface BoardMetrics {
  cameraFps: number | null;
  boardTemperatureC: number | null;
  cpuLoadPct: number | null;
}

/** Supplied by main.ts (from the kernel's counters and the camera); mqtt only publishes what it returns. */
export type MetricsProvider = () => Promise<BoardMetrics>;

export interface MqttServiceOptions {
  config: MqttConfig;
  doors: readonly DiscoveryDoor[];
  db: Database;
  /** Where the embedded broker's credentials file lives (daemon.data_dir). */
  dataDir: string;
  bus: EventBus<BusEvents>;
  log: Logger;
  /** The door room's control for a door id; undefined while no door driver runs for it. */
  doorControl: (door: string) => DoorControl | undefined;
  metrics?: MetricsProvider;
  /** The doors' present status, read at start: doors start first, so their first 'door:status' came before us. */
  doorStatuses?: () => DoorStatus[];
  clock?: Clock;
  /** The admin panel's address for Home Assistant's device page; null: no link. */
  configurationUrl?: string | null;
  /** The camera's door and whether it delivers frames now (read at start: the camera starts first); absent: no camera. */
  camera?: { door: string; connected: () => boolean };
  /**
   * The site's access.security_level at start, and how an authorized command changes it (the
   * admin room keeps and audits it); change null: shown only. Absent: neither shown nor changeable.
   */
  securityLevel?: { level: SecurityLevel; change: ((level: SecurityLevel, actor: string) => Promise<void>) | null };
}

const ONLINE = 'online';
const OFFLINE = 'offline';
const STOP_GRACE_MS = 2000;

function round(n: number | null, digits: number): number | null {
  if (n === null || !Number.isFinite(n)) return null;
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function publishAsync(client: MqttClient, topic: string, payload: string, retain: boolean): Promise<void> {
  return new Promise((resolve) => {
    client.publish(topic, payload, { qos: 1, retain }, () => resolve());
  });
}

function withTimeout(p: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    void p.finally(() => {
      clearTimeout(t);
      resolve();
    });
  });
}

/**
 * The MQTT edge: anonymized events through the persistent outbox, retained door state and
 * availability (offline as last will), Home Assistant discovery, and commands to the doors.
 * It never blocks the daemon on the broker: while the broker is away, events wait in the outbox.
 */
export class MqttService implements Service {
  readonly topics: Topics;
  readonly publisher: OutboxPublisher;
  /** Events waiting for the broker; main.ts reaches it for erasure and retention (it holds pseudonyms). */
  readonly outbox: Outbox;
  readonly #o: MqttServiceOptions;
  readonly #clock: Clock;
  readonly #clientId: string;
  readonly #discovery: DiscoveryPublisher;
  readonly #commands: CommandHandler;
  readonly #state: RetainedState;
  readonly #offBus: (() => void)[] = [];
  #broker: EmbeddedBroker | null = null;
  /** The embedded broker's user, for facegate's own connections to it; null with an external broker. */
  #embeddedAuth: BrokerCredentials | null = null;
  #client: MqttClient | null = null;
  /** One extra connection per further door, whose only job is that door's last will. */
  #willHolders: { door: string; client: MqttClient }[] = [];
  #metricsTimer: NodeJS.Timeout | null = null;
  #url: string | null = null;
  #problem: string | null = null;
  #reachable = false;
  #everConnected = false;
  #securityLevel: SecurityLevel | null;
  #connected: Promise<void>;
  #resolveConnected: () => void = () => undefined;

  constructor(options: MqttServiceOptions) {
    const { config } = options;
    if (options.doors.length === 0) throw new FacegateError('mqtt_config', 'mqtt: at least one door is needed');
    if (config.commands.unlock && config.commands.require_signature && config.commands.hmac_secret === null && config.commands.trusted_user === null) {
      throw new FacegateError(
        'mqtt_config',
        'mqtt.commands.unlock is on and require_signature too, but there is no mqtt.commands.hmac_secret: set it (best as the systemd credential mqtt.commands.hmac_secret) or turn unlock off',
        { exitCode: 78 },
      );
    }
    // Unreadable TLS files are a configuration error: found here, before anything starts.
    if (config.enabled) clientOptions(config, { topic: 'check', payload: OFFLINE });
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#clientId = defaultClientId(config);
    this.topics = new Topics(config.base_topic, config.discovery.prefix);
    this.#discovery = new DiscoveryPublisher({
      discovery: config.discovery,
      entities: {
        topics: this.topics,
        node: config.discovery.node_id ?? safeHostname(),
        doors: options.doors,
        commands: config.commands,
        configurationUrl: options.configurationUrl ?? null,
        cameraDoor: options.camera?.door ?? null,
        ...(options.securityLevel ? { securityLevel: { changeable: options.securityLevel.change !== null } } : {}),
      },
      registry: new DiscoveryRegistry(options.db),
      log: options.log,
    });
    this.#state = new RetainedState(this.topics, () => this.#client);
    this.outbox = new Outbox(options.db, config.outbox_max);
    this.publisher = new OutboxPublisher({ outbox: this.outbox, qos: config.qos, log: options.log });
    this.#securityLevel = options.securityLevel?.level ?? null;
    const level = options.securityLevel;
    this.#commands = new CommandHandler({
      config: config.commands,
      topics: this.topics,
      doorIds: options.doors.map((d) => d.id),
      doorControl: options.doorControl,
      nonces: new NonceBook(options.db),
      bus: options.bus,
      log: options.log,
      clock: this.#clock,
      republishDiscovery: () => this.publishDiscovery(),
      ...(level ? { securityLevel: { current: () => this.#securityLevel ?? level.level, change: level.change } } : {}),
    });
    this.#connected = new Promise((resolve) => {
      this.#resolveConnected = resolve;
    });
  }

  /** The broker URL in use (the embedded broker's when none is configured); null before start. */
  get url(): string | null {
    return this.#url;
  }

  /** Why MQTT is not running (e.g. the embedded broker's port is taken), or null. */
  get problem(): string | null {
    return this.#problem;
  }

  /** Whether the broker connection is up right now. */
  get connected(): boolean {
    return this.#client?.connected ?? false;
  }

  /** Counters for the metrics topic and tests. */
  stats(): { retainedCommandsIgnored: number } {
    return { retainedCommandsIgnored: this.#commands.retainedIgnored };
  }

  /** Resolves when the broker first accepted the connection and the command subscriptions. */
  whenConnected(): Promise<void> {
    return this.#connected;
  }

  async start(): Promise<void> {
    const { config, log, bus, doors } = this.#o;
    if (!config.enabled) {
      log.info('mqtt.enabled is false: no MQTT');
      return;
    }
    for (const status of this.#o.doorStatuses?.() ?? []) this.#state.doorStatus(status);
    for (const d of this.#o.doors) this.#state.startCounting(d.id);
    const camera = this.#o.camera;
    const cameraState = (connected: boolean) => {
      if (camera) this.#state.retain(this.topics.camera(camera.door), JSON.stringify({ connected }));
    };
    cameraState(camera?.connected() ?? false);
    if (this.#securityLevel !== null) this.#state.retain(this.topics.securityLevel(), this.#securityLevel);
    // Events go to the outbox from the start, whether or not a broker can be reached.
    this.#offBus.push(
      bus.on('event:stored', (event) => this.#onEvent(event)),
      bus.on('door:status', (status) => this.#state.doorStatus(status)),
      bus.on('camera:status', (c) => cameraState(c.state === 'running')),
    );
    let url = config.url;
    if (url === null) {
      let broker: EmbeddedBroker;
      try {
        this.#embeddedAuth = embeddedCredentials(this.#o.dataDir, log);
        broker = new EmbeddedBroker(config.embedded_port, this.#embeddedAuth, log);
        await broker.start();
      } catch (err) {
        // The door must keep working without MQTT: say why loudly, keep events in the outbox for later.
        this.#problem = (err as Error).message;
        log.error({ problem: this.#problem }, 'MQTT is not running: events are kept in the outbox until this is fixed and facegate restarted');
        return;
      }
      this.#broker = broker;
      url = broker.url;
    }
    this.#url = url;
    const [first, ...others] = doors as [DiscoveryDoor, ...DiscoveryDoor[]];
    const client = connect(url, { ...this.#options(first.id, this.#clientId), resubscribe: false });
    this.#client = client;
    this.publisher.attach(client);
    client.on('connect', () => this.#onConnect(client));
    client.on('message', (topic, payload, packet) => this.#onMessage(topic, payload, packet.retain));
    client.on('error', (err) => this.#onDown(err.message));
    client.on('close', () => this.#onDown('connection closed'));
    for (const door of others) {
      const holder = connect(url, this.#options(door.id, `${this.#clientId}-${door.id}`.slice(0, 64)));
      holder.on('connect', () => holder.publish(this.topics.availability(door.id), ONLINE, { qos: 1, retain: true }));
      holder.on('error', () => undefined); // the main connection reports broker trouble
      this.#willHolders.push({ door: door.id, client: holder });
    }

    if (this.#o.metrics) {
      this.#metricsTimer = setInterval(() => void this.publishMetrics(), config.metrics_interval_s * 1000);
      this.#metricsTimer.unref();
    }
    log.info({ url: redactUrl(url), clientId: this.#clientId, base: this.topics.base, pending: this.publisher.pending() }, 'MQTT client started');
  }

  async stop(): Promise<void> {
    for (const off of this.#offBus.splice(0)) off();
    if (this.#metricsTimer) clearInterval(this.#metricsTimer);
    this.#metricsTimer = null;
    const client = this.#client;
    this.#client = null;
    const all = [...(client ? [{ door: this.#o.doors[0]?.id ?? '', client }] : []), ...this.#willHolders.splice(0)];
    await Promise.all(
      all.map(async ({ door, client: c }) => {
        // A clean stop says offline itself; the last will covers only crashes.
        if (c.connected) await withTimeout(publishAsync(c, this.topics.availability(door), OFFLINE, true), STOP_GRACE_MS);
        await withTimeout(c.endAsync(!c.connected), STOP_GRACE_MS);
        c.end(true);
      }),
    );
    // After the connection ended: every acknowledgement that arrived is recorded, nothing touches the store later.
    this.publisher.detach();
    await this.#broker?.stop();
    this.#broker = null;
  }

  /** The level changed (from the panel or a command, main.ts tells): Home Assistant's select or sensor follows. */
  securityLevelChanged(level: SecurityLevel): void {
    this.#securityLevel = level;
    this.#state.retain(this.topics.securityLevel(), level);
  }

  /** Home Assistant discovery, when the broker connection is up. */
  publishDiscovery(): void {
    const client = this.#client;
    if (!client?.connected) return;
    this.#discovery.publish(client);
  }

  async publishMetrics(): Promise<void> {
    const { metrics, log } = this.#o;
    const client = this.#client;
    if (!metrics || !client?.connected) return;
    try {
      const m = await metrics();
      const body = {
        camera_fps: round(m.cameraFps, 1),
        board_temperature_c: round(m.boardTemperatureC, 1),
        cpu_load_pct: round(m.cpuLoadPct, 1),
        retained_commands_ignored: this.#commands.retainedIgnored,
      };
      client.publish(this.topics.metrics(), JSON.stringify(body), { qos: 0, retain: true });
    } catch (err) {
      log.warn({ err }, 'board metrics unavailable');
    }
  }

  #options(door: string, clientId: string): IClientOptions {
    const options = clientOptions(this.#o.config, { topic: this.topics.availability(door), payload: OFFLINE }, clientId);
    if (this.#embeddedAuth) Object.assign(options, this.#embeddedAuth);
    return options;
  }

  #onConnect(client: MqttClient): void {
    const { log, config, doors } = this.#o;
    log.info({ pending: this.publisher.pending() }, this.#everConnected ? 'MQTT broker reachable again' : 'MQTT connected');
    this.#reachable = true;
    this.#everConnected = true;
    const first = doors[0]?.id ?? '';
    client.publish(this.topics.availability(first), ONLINE, { qos: 1, retain: true });
    // Command topics are watched even when commands are off, so that attempts show up as command_rejected events.
    const filters = this.topics.commandFilters(config.commands.trusted_user);
    if (config.discovery.enabled) filters.push(this.topics.haStatus());
    this.publishDiscovery();
    this.#state.republish(client);
    void this.publishMetrics();
    client.subscribe(filters, { qos: 1 }, (err) => {
      if (err) log.error({ err: err.message }, 'MQTT subscribe failed: commands will not be received');
      else log.info({ filters: filters.length }, 'MQTT command topics subscribed');
      // Connected means ready for commands too.
      this.#resolveConnected();
    });
  }

  #onDown(why: string): void {
    if (!this.#reachable) {
      this.#o.log.debug({ why }, 'MQTT broker still unreachable');
      return;
    }
    this.#reachable = false;
    this.#o.log.warn({ why, url: this.#url && redactUrl(this.#url) }, 'MQTT broker unreachable: events wait in the outbox');
  }

  #onMessage(topic: string, payload: Buffer, retained: boolean): void {
    try {
      if (topic === this.topics.haStatus()) {
        if (payload.toString('utf8').trim() === ONLINE) this.publishDiscovery();
        return;
      }
      const outcome = this.#commands.handle(topic, payload, retained);
      if (!outcome.accepted && !retained) this.#state.settle(this.#commands.route(topic));
      void outcome.settled?.then((o) => {
        if (!o.accepted) this.#state.settle(this.#commands.route(topic));
      });
    } catch (err) {
      this.#o.log.error({ err, topic }, 'MQTT message handling failed; nothing was acted on');
    }
  }

  #onEvent(event: FacegateEvent): void {
    const { log, config } = this.#o;
    if (!DOOR_ID.test(String(event.door))) {
      log.warn({ door: String(event.door).slice(0, 40), type: event.type }, 'event with a door id not usable in a topic: not published');
      return;
    }
    const { json, withheld } = publicEventPayload(event, { publishAttributes: config.publish_attributes });
    if (withheld.length > 0) log.warn({ withheld, type: event.type }, 'event fields that did not look anonymous were withheld from MQTT');
    this.publisher.push(this.topics.event(event.door), json);
    this.#state.count(event.door, event.type);
    const decision = decisionPayload(event);
    if (decision !== null) this.#state.decided(event.door, decision);
  }
}

/** The URL without user:password, for the log. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return '(unparseable url)';
  }
}
