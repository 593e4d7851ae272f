import { createServer, type Server } from 'node:net';
import { Aedes, type AuthenticateError } from 'aedes';
import { FacegateError, type Logger } from '../core/index.ts';
import { credentialsMatch, type BrokerCredentials } from './embedded-credentials.ts';

export const EMBEDDED_HOST = '127.0.0.1';

/**
 * The broker facegate starts when no url is configured, so it runs out of the box.
 * It listens on loopback only: nothing on the network can publish commands to it. On the machine
 * itself only a client with its credentials may connect (another local user is not trusted).
 */
export class EmbeddedBroker {
  readonly #port: number;
  readonly #log: Logger;
  readonly #credentials: BrokerCredentials;
  #broker: Aedes | null = null;
  #server: Server | null = null;

  constructor(port: number, credentials: BrokerCredentials, log: Logger) {
    this.#port = port;
    this.#credentials = credentials;
    this.#log = log;
  }

  /** The port it listens on (the configured one, or the one picked when 0 was asked for). */
  get port(): number {
    const address = this.#server?.address();
    return typeof address === 'object' && address !== null ? address.port : this.#port;
  }

  get url(): string {
    return `mqtt://${EMBEDDED_HOST}:${this.port}`;
  }

  async start(): Promise<void> {
    const broker = await Aedes.createBroker({
      drainTimeout: 10_000,
      heartbeatInterval: 3_600_000,
      authenticate: (client, username, password, done) => {
        if (credentialsMatch(this.#credentials, username, password)) return done(null, true);
        this.#log.warn({ client: client.id }, 'embedded broker: connection refused, wrong or no credentials');
        // 4 = CONNACK "bad user name or password" (AuthErrorCode is a const enum, not importable here).
        done(Object.assign(new Error('bad user name or password'), { returnCode: 4 }) as AuthenticateError, false);
      },
    });
    broker.on('clientError', (client, err) => this.#log.debug({ client: client.id, err: err.message }, 'embedded broker: client error'));
    const server = createServer(broker.handle);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.#port, EMBEDDED_HOST, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      const code = (err as NodeJS.ErrnoException).code;
      const why =
        code === 'EADDRINUSE'
          ? `port ${this.#port} is already in use (another broker, e.g. mosquitto, may be running): set mqtt.url to that broker, or mqtt.embedded_port to a free port`
          : code === 'EACCES'
            ? `not allowed to listen on port ${this.#port}`
            : (err as Error).message;
      throw new FacegateError('mqtt_embedded_broker', `embedded MQTT broker on ${EMBEDDED_HOST}:${this.#port}: ${why}`, { exitCode: 69, cause: err });
    }
    server.on('error', (err) => this.#log.error({ err }, 'embedded broker: server error'));
    this.#broker = broker;
    this.#server = server;
    this.#log.info({ url: this.url }, 'no mqtt.url configured: embedded MQTT broker listening on loopback');
  }

  async stop(): Promise<void> {
    const server = this.#server;
    const broker = this.#broker;
    this.#server = null;
    this.#broker = null;
    if (broker) await new Promise<void>((resolve) => broker.close(() => resolve()));
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
