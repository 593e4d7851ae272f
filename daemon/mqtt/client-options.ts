import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { IClientOptions } from 'mqtt';
import { FacegateError } from '../core/index.ts';
import type { Config } from '../config/index.ts';

export type MqttConfig = Config['mqtt'];

/** The host name reduced to what MQTT client ids and HA object ids accept. */
export function safeHostname(name: string = hostname()): string {
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return cleaned.slice(0, 40) || 'facegate';
}

export function defaultClientId(config: MqttConfig): string {
  return config.client_id ?? `facegate-${safeHostname()}`;
}

function readPem(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new FacegateError('mqtt_tls', `mqtt.tls.${what} ${path}: ${why}`, { exitCode: 78, cause: err });
  }
}

export interface Will {
  topic: string;
  payload: string;
}

/**
 * mqtt.js options from the config: credentials, client id, keepalive, TLS files and the last will.
 * Reconnection is mqtt.js's own; QoS 1 messages in flight are kept and resent by it after a reconnect.
 */
export function clientOptions(config: MqttConfig, will: Will, clientId: string = defaultClientId(config)): IClientOptions {
  const { tls } = config;
  if ((tls.cert_file === null) !== (tls.key_file === null)) {
    throw new FacegateError('mqtt_tls', 'mqtt.tls.cert_file and mqtt.tls.key_file go together: set both or neither', { exitCode: 78 });
  }
  const options: IClientOptions = {
    clientId,
    protocolVersion: 4,
    clean: true,
    keepalive: config.keepalive_s,
    reconnectPeriod: config.reconnect_s * 1000,
    connectTimeout: 10_000,
    queueQoSZero: false,
    will: { topic: will.topic, payload: Buffer.from(will.payload), qos: 1, retain: true },
    rejectUnauthorized: tls.reject_unauthorized,
  };
  if (config.username !== null) options.username = config.username;
  if (config.password !== null) options.password = config.password;
  if (tls.ca_file !== null) options.ca = readPem(tls.ca_file, 'ca_file');
  if (tls.cert_file !== null) options.cert = readPem(tls.cert_file, 'cert_file');
  if (tls.key_file !== null) options.key = readPem(tls.key_file, 'key_file');
  return options;
}
