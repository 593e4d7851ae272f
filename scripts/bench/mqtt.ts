// MQTT: events per second through the anonymizing publisher and its SQLite outbox to a real
// Mosquitto (QoS 1, each event deleted from the outbox on PUBACK), and how fast the outbox drains
// once the broker is back after an outage. Needs /usr/sbin/mosquitto (scripts/dev.sh test installs it).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'mqtt';
import type { BenchPart } from './types.ts';
import { embeddedDefaults } from '../../daemon/config/index.ts';
import { EventBus, createLogger, makeEvent, type BusEvents } from '../../daemon/core/index.ts';
import { MqttService } from '../../daemon/mqtt/index.ts';
import { openDatabase } from '../../daemon/store/index.ts';
import { startMosquitto } from '../../test/support/mosquitto.ts';

const EVENTS = 5000;

const part: BenchPart = {
  name: 'mqtt',
  async run(log) {
    const broker = await startMosquitto();
    const dir = mkdtempSync(join(tmpdir(), 'facegate-bench-mqtt-'));
    const db = openDatabase(dir);
    const quiet = createLogger({ level: 'error' });
    const bus = new EventBus<BusEvents>(quiet);
    const defaults = embeddedDefaults().mqtt;
    const service = new MqttService({
      config: { ...defaults, url: broker.url, reconnect_s: 1, outbox_max: EVENTS * 2, discovery: { ...defaults.discovery, enabled: false } },
      doors: [{ id: 'front', name: 'Front door' }],
      db,
      dataDir: dir,
      bus,
      log: quiet,
      doorControl: () => undefined,
    });
    let received = 0;
    let waiting: { n: number; resolve: () => void } | null = null;
    const sub = connect(broker.url, { protocolVersion: 4, reconnectPeriod: 100 });
    sub.on('message', () => {
      received += 1;
      if (waiting && received >= waiting.n) waiting.resolve();
    });
    const receivedAll = (n: number) =>
      new Promise<void>((resolve) => {
        if (received >= n) resolve();
        else waiting = { n, resolve };
      });
    const raise = (n: number) => {
      for (let i = 0; i < n; i++)
        bus.emit(
          'event:stored',
          makeEvent({ door: 'front', type: 'access_denied', subject: 'p_0123456789abcdef', score: 0.42, liveness: 0.9, reason: 'unknown' }),
        );
    };
    try {
      await new Promise<void>((resolve) => sub.once('connect', () => resolve()));
      await sub.subscribeAsync('facegate/front/event', { qos: 1 });
      await service.start();
      await service.whenConnected();

      log(`mqtt: ${EVENTS} events through the publisher`);
      let t0 = performance.now();
      raise(EVENTS);
      await Promise.all([service.publisher.whenIdle(), receivedAll(EVENTS)]);
      const eventsPerS = EVENTS / ((performance.now() - t0) / 1000);

      log(`mqtt: broker down, ${EVENTS} events into the outbox, broker back`);
      await broker.stop();
      while (service.connected) await new Promise((r) => setTimeout(r, 5));
      raise(EVENTS);
      await broker.start();
      while (!service.connected) await new Promise((r) => setTimeout(r, 2));
      t0 = performance.now();
      await service.publisher.whenIdle();
      const drainPerS = EVENTS / ((performance.now() - t0) / 1000);
      return { 'mqtt.events_per_s': Math.round(eventsPerS), 'mqtt.outbox_drain_per_s': Math.round(drainPerS) };
    } finally {
      await service.stop();
      await sub.endAsync(true);
      await broker.stop();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default part;
