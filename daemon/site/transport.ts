import type { MqttClient } from 'mqtt';

/** What the replicator needs of a broker connection; main hands it the daemon's MQTT client. */
export interface SiteTransport {
  publish(topic: string, payload: Buffer, options: { retain: boolean }): Promise<void>;
  subscribe(filters: string[]): Promise<void>;
  /** Registers a listener for every message; returns a function that removes it. */
  onMessage(listener: (topic: string, payload: Buffer) => void): () => void;
}

/** A SiteTransport over an mqtt.js client: QoS 1 both ways, so a record is delivered at least once. */
export function mqttTransport(client: MqttClient): SiteTransport {
  return {
    async publish(topic, payload, options) {
      await client.publishAsync(topic, payload, { qos: 1, retain: options.retain });
    },
    async subscribe(filters) {
      await client.subscribeAsync(filters, { qos: 1 });
    },
    onMessage(listener) {
      const handler = (topic: string, payload: Buffer): void => listener(topic, payload);
      client.on('message', handler);
      return () => client.off('message', handler);
    },
  };
}
