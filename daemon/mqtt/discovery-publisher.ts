import type { MqttClient } from 'mqtt';
import { packageInfo, type Logger } from '../core/index.ts';
import type { MqttConfig } from './client-options.ts';
import { planDiscovery } from './discovery-plan.ts';
import type { DiscoveryRegistry } from './discovery-registry.ts';
import { deviceDiscoveryMessage, discoveryMessages, type DiscoveryInput } from './discovery.ts';

export interface DiscoveryPublisherOptions {
  /** mqtt.discovery: whether Home Assistant discovery is on, and in which mode. */
  discovery: Pick<MqttConfig['discovery'], 'enabled' | 'mode'>;
  /** What the entities describe; the version and homepage come from package.json at each publish. */
  entities: Omit<DiscoveryInput, 'version' | 'homepage'>;
  registry: DiscoveryRegistry;
  log: Logger;
}

/** Home Assistant discovery on a broker connection, and the record of what it published (for the next start). */
export class DiscoveryPublisher {
  readonly #o: DiscoveryPublisherOptions;

  constructor(options: DiscoveryPublisherOptions) {
    this.#o = options;
  }

  /**
   * Publishes every discovery config (retained) and clears the ones of entities that no longer exist.
   * With discovery turned off, everything published before is cleared, so Home Assistant drops it.
   */
  publish(client: MqttClient): void {
    const { registry, entities: input } = this.#o;
    const { enabled, mode } = this.#o.discovery;
    const { version, homepage } = packageInfo();
    const entities = enabled ? discoveryMessages({ ...input, version, homepage }) : [];
    const steps = planDiscovery({
      enabled,
      mode,
      entities,
      known: registry.topics(),
      deviceTopic: input.topics.discoveryDevice(input.node),
      device: deviceDiscoveryMessage,
    });
    for (const step of steps) {
      client.publish(step.topic, step.payload, { qos: 1, retain: true }, (err) => {
        if (err) return;
        this.#remember(() => {
          for (const r of step.records) registry.record(r);
          for (const f of step.forgets) registry.forget(f);
        });
      });
    }
    this.#o.log.debug({ configs: entities.length, mode, published: steps.length }, 'Home Assistant discovery published');
  }

  /** A registry write runs inside the MQTT client's callback: a full disk must not become an uncaught exception. */
  #remember(write: () => void): void {
    try {
      write();
    } catch (err) {
      this.#o.log.error({ err }, 'cannot record the published discovery topics (disk full?); they are published again at the next start');
    }
  }
}
