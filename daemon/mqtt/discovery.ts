import { EVENT_TYPES } from '../core/index.ts';
import { SECURITY_LEVELS } from '../identity/index.ts';
import type { Topics } from './topics.ts';

export interface DiscoveryDoor {
  id: string;
  name: string;
  /** The wired inputs (a door's config entry fits as it is): an entity is published only for what can feed it. */
  door_contact?: unknown;
  tamper?: unknown;
}

const wired = (input: unknown): boolean => input !== undefined && input !== null;

export interface DiscoveryInput {
  topics: Topics;
  /** Names this facegate: used in discovery topics, unique ids and the device identifier. */
  node: string;
  doors: readonly DiscoveryDoor[];
  version: string;
  /** What the commands section lets through: the lock advertises Open only when Home Assistant's OPEN would be carried out. Absent: the defaults (no unlocking). */
  commands?: { enabled: boolean; unlock: boolean; require_signature: boolean; trusted_user?: string | null };
  /** The admin panel, linked from Home Assistant's device page (Visit); null or absent: no link. */
  configurationUrl?: string | null;
  /** The project's homepage (package.json), the origin's support URL; null or absent: the panel's. */
  homepage?: string | null;
  /** The door the camera watches (its connectivity sensor goes there); null or absent: no camera. */
  cameraDoor?: string | null;
  /** The site's security level is published; changeable: an authorized command can change it (the admin room runs). Absent: no entity. */
  securityLevel?: { changeable: boolean };
}

/** The broker user Home Assistant publishes as, when its commands are trusted (commands.trusted_user). */
const trustedUser = (c: DiscoveryInput['commands']): string | null => c?.trusted_user ?? null;

/** Home Assistant cannot sign commands: it can open the door only when unsigned unlocking is allowed or its user is trusted. */
const haCanOpen = (c: DiscoveryInput['commands']): boolean => c !== undefined && c.enabled && c.unlock && (!c.require_signature || trustedUser(c) !== null);

/** Home Assistant can change a setting only as the trusted user: it cannot sign. */
const haCanSet = (c: DiscoveryInput['commands']): boolean => c !== undefined && c.enabled && trustedUser(c) !== null;

export type HaComponent = 'lock' | 'switch' | 'select' | 'button' | 'binary_sensor' | 'sensor' | 'event' | 'device_automation';

export interface DiscoveryMessage {
  component: HaComponent;
  objectId: string;
  topic: string;
  payload: Record<string, unknown>;
}

/** Device triggers offered per door: the events an automation most often starts from. */
export const TRIGGER_TYPES = ['access_granted', 'access_denied', 'unknown_face', 'spoof_suspected', 'door_forced', 'door_held_open', 'tamper'] as const;

/** Whether the door's wiring can raise a trigger's event at all. */
function triggerFed(type: (typeof TRIGGER_TYPES)[number], contact: boolean, tamper: boolean): boolean {
  if (type === 'door_forced' || type === 'door_held_open') return contact;
  if (type === 'tamper') return tamper;
  return true;
}

/** HA entity ids are lower-case letters, digits and underscores. */
const entityIdPart = (s: string): string => s.toLowerCase().replace(/[^a-z0-9_]/g, '_');

/**
 * Home Assistant MQTT discovery for this facegate: one device, and per door a lock, an event
 * entity, a last-decision sensor and device triggers; with a door contact wired, a contact and an
 * alarm sensor (held open, forced) and their triggers; with a tamper switch wired, a tamper sensor
 * and its trigger. For the board, camera fps, temperature and CPU sensors. Pure: the same input
 * gives the same messages.
 */
export function discoveryMessages(input: DiscoveryInput): DiscoveryMessage[] {
  const { topics, node, doors, version } = input;
  const configurationUrl = input.configurationUrl ?? null;
  const device = {
    identifiers: [`facegate_${node}`],
    name: `facegate ${node}`,
    manufacturer: 'facegate',
    model: 'facegate edge daemon',
    sw_version: version,
    ...(configurationUrl ? { configuration_url: configurationUrl } : {}),
  };
  // Support: the project's homepage; without one, this device's own panel.
  const supportUrl = input.homepage ?? configurationUrl;
  const origin = { name: 'facegate', sw_version: version, ...(supportUrl ? { support_url: supportUrl } : {}) };
  const availability = (door: string) => [{ topic: topics.availability(door), payload_available: 'online', payload_not_available: 'offline' }];
  const messages: DiscoveryMessage[] = [];
  const add = (component: HaComponent, objectId: string, availableVia: string, body: Record<string, unknown>): void => {
    const payload: Record<string, unknown> = { ...body, device, origin };
    if (component !== 'device_automation') {
      Object.assign(payload, {
        unique_id: `facegate_${node}_${objectId}`,
        // HA 2025.10+ takes the entity id from here (object_id is deprecated): lock.facegate_<node>_front_lock.
        default_entity_id: `${component}.facegate_${entityIdPart(node)}_${entityIdPart(objectId)}`,
        availability: availability(availableVia),
        availability_mode: 'all',
      });
    }
    messages.push({ component, objectId, topic: topics.discoveryConfig(component, node, objectId), payload });
  };

  // With a trusted user, HA's presses go to that user's own topic (the broker's ACL gives it to them alone).
  const user = trustedUser(input.commands);

  for (const door of doors) {
    const state = topics.state(door.id);
    const contact = wired(door.door_contact);
    const tamper = wired(door.tamper);
    add('lock', `${door.id}_lock`, door.id, {
      name: `${door.name} lock`,
      command_topic: topics.commandSet(door.id, 'lock', user),
      state_topic: state,
      // jammed: the lock output could not be set to locked (door.ts); HA shows it as a fault, not as
      // unlocked. Open: unlocked with the contact reporting the door open (a door without one never is).
      value_template:
        "{{ 'LOCKED' if value_json.lock == 'locked' else ('JAMMED' if value_json.lock == 'jammed' else ('OPEN' if value_json.position == 'open' else 'UNLOCKED')) }}",
      payload_lock: 'LOCK',
      payload_unlock: 'UNLOCK',
      // The lock entity always has Unlock (HA's schema); a refused press raises command_rejected
      // and the state is published again, so HA's lock settles. Open only when it would work.
      ...(haCanOpen(input.commands) ? { payload_open: 'OPEN' } : {}),
      state_locked: 'LOCKED',
      state_unlocked: 'UNLOCKED',
      state_jammed: 'JAMMED',
      state_open: 'OPEN',
      optimistic: false,
      qos: 1,
    });
    if (contact) {
      add('binary_sensor', `${door.id}_contact`, door.id, {
        name: `${door.name} contact`,
        device_class: 'door',
        state_topic: state,
        // A position the contact has not reported yet is unknown in HA (None), not closed.
        value_template: "{{ 'ON' if value_json.position == 'open' else ('OFF' if value_json.position == 'closed' else None) }}",
        payload_on: 'ON',
        payload_off: 'OFF',
      });
    }
    if (tamper) {
      add('binary_sensor', `${door.id}_tamper`, door.id, {
        name: `${door.name} tamper`,
        device_class: 'tamper',
        state_topic: state,
        value_template: "{{ 'ON' if value_json.alarm == 'tamper' else 'OFF' }}",
        payload_on: 'ON',
        payload_off: 'OFF',
      });
    }
    if (contact) {
      // Held open and forced are both told by the contact.
      add('binary_sensor', `${door.id}_alarm`, door.id, {
        name: `${door.name} alarm`,
        device_class: 'problem',
        state_topic: state,
        value_template: "{{ 'ON' if value_json.alarm in ['held_open', 'forced'] else 'OFF' }}",
        json_attributes_topic: state,
        json_attributes_template: '{{ {"alarm": value_json.alarm, "mode": value_json.mode} | tojson }}',
        payload_on: 'ON',
        payload_off: 'OFF',
      });
    }
    // Lockdown: turning it on always works; turning it off is an unlock (commands.unlock), and a
    // refused OFF publishes the state again, so the switch goes back.
    add('switch', `${door.id}_lockdown`, door.id, {
      name: `${door.name} lockdown`,
      icon: 'mdi:shield-lock',
      command_topic: topics.commandSet(door.id, 'lockdown', user),
      state_topic: state,
      value_template: "{{ 'ON' if value_json.mode == 'lockdown' else 'OFF' }}",
      payload_on: 'ON',
      payload_off: 'OFF',
      optimistic: false,
      qos: 1,
    });
    if (haCanOpen(input.commands)) {
      // Only where a hold would be carried out (it keeps the door open); the lock's Lock ends it.
      add('button', `${door.id}_hold_hour`, door.id, {
        name: `${door.name} hold unlocked 1 h`,
        icon: 'mdi:door-open',
        command_topic: topics.commandSet(door.id, 'hold', user),
        payload_press: '3600',
        qos: 1,
      });
    }
    add('sensor', `${door.id}_held_until`, door.id, {
      name: `${door.name} held unlocked until`,
      device_class: 'timestamp',
      state_topic: state,
      // Not held: unknown in HA (None), not a date.
      value_template: '{{ value_json.held_unlocked_until if value_json.held_unlocked_until else None }}',
    });
    if (input.cameraDoor === door.id) {
      add('binary_sensor', `${door.id}_camera`, door.id, {
        name: `${door.name} camera`,
        device_class: 'connectivity',
        entity_category: 'diagnostic',
        state_topic: topics.camera(door.id),
        value_template: "{{ 'ON' if value_json.connected else 'OFF' }}",
        payload_on: 'ON',
        payload_off: 'OFF',
      });
    }
    add('event', `${door.id}_access`, door.id, {
      name: `${door.name} events`,
      state_topic: topics.event(door.id),
      event_types: [...EVENT_TYPES],
      value_template: '{{ {"event_type": value_json.type, "reason": value_json.reason, "subject": value_json.subject} | tojson }}',
    });
    add('sensor', `${door.id}_last_decision`, door.id, {
      name: `${door.name} last decision`,
      state_topic: topics.decision(door.id),
      value_template: '{{ value_json.type }}',
      json_attributes_topic: topics.decision(door.id),
      icon: 'mdi:account-lock',
    });
    add('sensor', `${door.id}_last_decision_time`, door.id, {
      name: `${door.name} last decision time`,
      device_class: 'timestamp',
      state_topic: topics.decision(door.id),
      value_template: '{{ value_json.ts }}',
    });
    // Since the daemon started (total_increasing: HA takes the drop at a restart as a reset).
    for (const [key, name, icon] of [
      ['unknown_face', 'unknown faces', 'mdi:account-question'],
      ['spoof_suspected', 'spoof attempts', 'mdi:account-alert'],
    ] as const) {
      add('sensor', `${door.id}_${key}_count`, door.id, {
        name: `${door.name} ${name}`,
        icon,
        state_topic: topics.counts(door.id),
        value_template: `{{ value_json.${key} }}`,
        state_class: 'total_increasing',
      });
    }
    for (const type of TRIGGER_TYPES) {
      if (!triggerFed(type, contact, tamper)) continue;
      // Their own object ids: `front_tamper` is the tamper sensor's (one device holds both).
      add('device_automation', `${door.id}_trigger_${type}`, door.id, {
        automation_type: 'trigger',
        topic: topics.event(door.id),
        type,
        subtype: door.id,
        value_template: '{{ value_json.type }}',
        payload: type,
      });
    }
  }

  const first = doors[0]?.id ?? 'front';
  const metric = (objectId: string, name: string, key: string, extra: Record<string, unknown>): void =>
    add('sensor', objectId, first, {
      name,
      state_topic: topics.metrics(),
      value_template: `{{ value_json.${key} }}`,
      state_class: 'measurement',
      entity_category: 'diagnostic',
      ...extra,
    });
  metric('camera_fps', 'Camera fps', 'camera_fps', { unit_of_measurement: 'fps', icon: 'mdi:cctv', suggested_display_precision: 1 });
  metric('board_temperature', 'Board temperature', 'board_temperature_c', {
    device_class: 'temperature',
    unit_of_measurement: '°C',
    suggested_display_precision: 1,
  });
  metric('cpu_load', 'CPU load', 'cpu_load_pct', { unit_of_measurement: '%', icon: 'mdi:cpu-64-bit', suggested_display_precision: 0 });

  // The security level: a select where Home Assistant's choice would be carried out (its user is
  // trusted and the admin room keeps settings; lowering it also needs commands.unlock, and a refused
  // choice publishes the level again, so the select goes back); else shown as a sensor.
  if (input.securityLevel) {
    const shown = { name: 'Security level', icon: 'mdi:shield-account', state_topic: topics.securityLevel() };
    if (input.securityLevel.changeable && haCanSet(input.commands)) {
      add('select', 'security_level', first, {
        ...shown,
        entity_category: 'config',
        command_topic: topics.securityLevelSet(user),
        options: [...SECURITY_LEVELS],
        optimistic: false,
        qos: 1,
      });
    } else {
      add('sensor', 'security_level_state', first, { ...shown, entity_category: 'diagnostic' });
    }
  }
  return messages;
}

/**
 * Device-based discovery (Home Assistant 2024.12+): the same entities in one config under
 * `<prefix>/device/<node>/config`, each under its object id (unique across components) with its
 * platform; device and origin once, at the top. A removed component is listed with only its
 * platform: that is how HA is told to delete it (one left out is kept).
 */
export function deviceDiscoveryMessage(
  messages: readonly DiscoveryMessage[],
  removed: readonly { platform: string; objectId: string }[] = [],
): Record<string, unknown> {
  const first = messages[0]?.payload ?? {};
  const components: Record<string, Record<string, unknown>> = {};
  for (const r of removed) components[r.objectId] = { platform: r.platform };
  for (const m of messages) {
    const { device: _device, origin: _origin, ...own } = m.payload;
    components[m.objectId] = { platform: m.component, ...own };
  }
  return { device: first.device, origin: first.origin, components };
}
