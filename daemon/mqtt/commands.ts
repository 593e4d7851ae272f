import { makeEvent, type BusEvents, type Clock, type DoorControl, type EventBus, type Logger } from '../core/index.ts';
import { SECURITY_LEVELS, type SecurityLevel } from '../identity/index.ts';
import type { MqttConfig } from './client-options.ts';
import { opensTheDoor, parseCommandPayload, type CommandName, type ParsedCommand } from './command-parser.ts';
import { signatureValid, type NonceBook } from './signature.ts';
import type { Topics } from './topics.ts';

/** The site's access.security_level, as the security-level command sees and changes it. */
export interface SecurityLevelControl {
  current(): SecurityLevel;
  /** Changes it as an admin would (kept, audited, applied now); null: no admin room runs to keep it. */
  change: ((level: SecurityLevel, actor: string) => Promise<void>) | null;
}

export interface CommandOutcome {
  accepted: boolean;
  reason: string;
  /** A command carried out later (a setting kept by the admin room): how it ended. Never rejects. */
  settled?: Promise<{ accepted: boolean; reason: string }>;
}

export interface CommandHandlerOptions {
  config: MqttConfig['commands'];
  topics: Topics;
  doorIds: readonly string[];
  doorControl: (door: string) => DoorControl | undefined;
  nonces: NonceBook;
  bus: EventBus<BusEvents>;
  log: Logger;
  clock: Clock;
  republishDiscovery: () => void;
  /** Absent: the security-level command is refused (settings_unavailable). */
  securityLevel?: SecurityLevelControl;
  /** command_rejected events per minute at most; beyond that they are only counted in the log (a flood must not flood the store). */
  rejectionsPerMinute?: number;
}

const ACTOR = 'mqtt';
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Turns messages on the command topics into DoorControl calls. Every check happens before
 * anything is acted on; a refused command raises a `command_rejected` event and changes nothing.
 */
export class CommandHandler {
  readonly #o: CommandHandlerOptions;
  readonly #doors: Set<string>;
  readonly #perMinute: number;
  #windowStart = Number.NEGATIVE_INFINITY;
  #windowCount = 0;
  #suppressed = 0;
  #retainedIgnored = 0;
  readonly #retainedWarned = new Set<string>();

  constructor(options: CommandHandlerOptions) {
    this.#o = options;
    this.#doors = new Set(options.doorIds);
    this.#perMinute = options.rejectionsPerMinute ?? 30;
  }

  /**
   * Which command a topic names, or null when it is not a command topic. `trusted`: the topic ends
   * in the trusted broker user's name (commands.trusted_user), which the broker's ACL lets only
   * that user publish.
   */
  route(topic: string): { command: CommandName; door: string | null; trusted: boolean } | null {
    const { topics, config } = this.#o;
    if (topic === topics.republishDiscovery()) return { command: 'discovery', door: null, trusted: false };
    const prefix = `${topics.base}/`;
    if (!topic.startsWith(prefix)) return null;
    const parts = topic.slice(prefix.length).split('/');
    const trusted = parts.length === 4 && config.trusted_user !== null && parts[3] === config.trusted_user;
    if ((parts.length !== 3 && !trusted) || parts[2] !== 'set') return null;
    const [door, name] = parts as [string, string, string];
    if (door === 'bridge' && name === 'security_level') return { command: name, door: null, trusted };
    if (name !== 'lock' && name !== 'lockdown' && name !== 'hold') return null;
    return { command: name, door, trusted };
  }

  /** Retained command messages ignored since start. */
  get retainedIgnored(): number {
    return this.#retainedIgnored;
  }

  /**
   * Handles one message; returns what happened (for tests and the log). `retained` is the flag the
   * broker set: the message was stored and is handed to every (re)connecting subscriber.
   */
  handle(topic: string, payload: Buffer, retained = false): CommandOutcome {
    const route = this.route(topic);
    if (!route) return { accepted: false, reason: 'not_a_command' };
    // A command is an act of now. A retained one would be carried out again at every reconnect
    // (re-applying a lockdown an admin lifted, or opening the door at each restart). It is not a
    // command_rejected event either: that would repeat at every reconnect too.
    if (retained) return this.#ignoreRetained(topic);
    const door = route.door !== null && this.#doors.has(route.door) ? route.door : null;
    const reject = (reason: string) => this.#reject(route.command, door, reason, payload.length);

    if (payload.length > this.#o.config.max_payload_bytes) return reject('payload_too_large');
    if (route.door !== null && door === null) return reject('unknown_door');
    if (!this.#o.config.enabled) return reject('commands_disabled');
    let text: string;
    try {
      text = decoder.decode(payload);
    } catch {
      return reject('malformed');
    }
    const parsed = parseCommandPayload(route.command, text);
    if (!parsed.ok) return reject(parsed.reason);
    const refusal = this.#authorize(route.command, door, parsed.command, route.trusted);
    if (refusal) return reject(refusal);
    return this.#act(door, parsed.command, route.trusted, reject);
  }

  #authorize(command: CommandName, door: string | null, parsed: ParsedCommand, trusted: boolean): string | null {
    const { config, clock, nonces } = this.#o;
    // Lowering the security level lets more faces in: it needs what an unlock needs.
    const sensitive = opensTheDoor(parsed.action) || this.#lowersSecurity(parsed);
    if (sensitive && !config.unlock) return 'unlock_disabled';
    const sig = parsed.signature;
    // The trusted user's topic: the broker authenticated the sender and its ACL let only them publish here.
    // The security level is kept until changed again, an admin's act: never unauthenticated, whatever require_signature says.
    if (sig === null) return (sensitive && config.require_signature) || command === 'security_level' ? (trusted ? null : 'signature_required') : null;
    if (config.hmac_secret === null) return 'no_hmac_secret_configured';
    const fields = { door: door ?? '', command, action: parsed.text, ts: sig.ts, nonce: sig.nonce };
    if (!signatureValid(config.hmac_secret, fields, sig.sig)) return 'bad_signature';
    const windowMs = config.replay_window_s * 1000;
    if (Math.abs(clock.now() - sig.ts) > windowMs) return 'stale';
    if (!nonces.use(sig.nonce, clock.now(), windowMs * 2 + 60_000)) return 'replayed';
    return null;
  }

  #lowersSecurity(parsed: ParsedCommand): boolean {
    const current = this.#o.securityLevel?.current();
    return (
      parsed.action.command === 'security_level' && current !== undefined && SECURITY_LEVELS.indexOf(parsed.action.action) < SECURITY_LEVELS.indexOf(current)
    );
  }

  #act(door: string | null, parsed: ParsedCommand, trusted: boolean, reject: (reason: string) => CommandOutcome): CommandOutcome {
    const { action } = parsed;
    const signedTag = parsed.signature ? 'signed' : trusted ? `user:${this.#o.config.trusted_user ?? ''}` : 'unsigned';
    const actor = `${ACTOR}:${signedTag}`;
    if (action.command === 'discovery') {
      this.#o.republishDiscovery();
      return { accepted: true, reason: 'republish' };
    }
    if (action.command === 'security_level') return this.#changeSecurityLevel(action.action, actor, reject);
    const control = door === null ? undefined : this.#o.doorControl(door);
    if (!control) return reject('door_unavailable');
    switch (action.command) {
      case 'lock':
        if (action.action === 'LOCK') {
          control.holdUnlockedUntil(null, actor);
        } else if (!control.unlock({ kind: 'mqtt', actor })) {
          return reject('door_refused');
        }
        break;
      case 'lockdown':
        control.setLockdown(action.action === 'ON', actor);
        break;
      case 'hold':
        control.holdUnlockedUntil(action.action === 'OFF' ? null : new Date(this.#o.clock.now() + action.seconds * 1000), actor);
        break;
    }
    this.#o.log.info({ door, command: action.command, action: parsed.text, signed: parsed.signature !== null, actor }, 'MQTT command carried out');
    // For the audit log (main.ts): who had the door do what over MQTT.
    this.#o.bus.emit('mqtt:command', { door: door ?? '', command: action.command, action: parsed.text, actor });
    return { accepted: true, reason: parsed.text };
  }

  /** Through the admin room, which keeps and audits it (as settings.update by `actor`) and applies it live. */
  #changeSecurityLevel(level: SecurityLevel, actor: string, reject: (reason: string) => CommandOutcome): CommandOutcome {
    const control = this.#o.securityLevel;
    if (!control?.change) return reject('settings_unavailable');
    if (control.current() === level) return { accepted: true, reason: 'unchanged' };
    const settled = control.change(level, actor).then(
      () => {
        this.#o.log.info({ securityLevel: level, actor }, 'MQTT command carried out: security level changed');
        return { accepted: true, reason: level };
      },
      (err: unknown) => {
        this.#o.log.warn({ securityLevel: level, actor, err: (err as Error).message }, 'security level not changed');
        return this.#reject('security_level', null, 'setting_refused', 0);
      },
    );
    return { accepted: true, reason: 'pending', settled };
  }

  #ignoreRetained(topic: string): { accepted: false; reason: string } {
    this.#retainedIgnored += 1;
    if (!this.#retainedWarned.has(topic)) {
      this.#retainedWarned.add(topic);
      this.#o.log.warn(
        { topic },
        'retained command ignored (commands are never retained; clear it on the broker with an empty retained message to this topic)',
      );
    }
    return { accepted: false, reason: 'retained' };
  }

  #reject(command: CommandName, door: string | null, reason: string, bytes: number): { accepted: false; reason: string } {
    const { log, bus, clock, doorIds } = this.#o;
    log.warn({ command, door, reason, bytes }, 'MQTT command rejected');
    const now = clock.monotonic(); // the rate-limit minute is a duration
    if (now - this.#windowStart >= 60_000) {
      if (this.#suppressed > 0) log.warn({ suppressed: this.#suppressed }, 'command_rejected events not raised during the last minute (rate limit)');
      this.#windowStart = now;
      this.#windowCount = 0;
      this.#suppressed = 0;
    }
    if (this.#windowCount >= this.#perMinute) {
      this.#suppressed += 1;
      return { accepted: false, reason };
    }
    this.#windowCount += 1;
    // The event names a configured door only: an unknown door name from the topic is the sender's text, not ours to store.
    bus.emit('event', makeEvent({ door: door ?? doorIds[0] ?? 'unknown', type: 'command_rejected', reason: `${command}: ${reason}` }, now));
    return { accepted: false, reason };
  }
}
